import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { ReadableStream } from "node:stream/web";
import { addSecret, basicAuthorization, FerryError, readJson, type Context, type HttpOptions } from "@ferry/core";
import { request as undiciRequest, type Response } from "undici";
import type { Repository } from "./reference.ts";

/** What a manifest HEAD/GET asks for: image indexes and manifests, OCI and Docker. Without it distribution answers 404. */
const manifestAccept = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export type Credentials = { username: string; password: string } | { token: string } | undefined;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** Reads DOCKER_USERNAME/DOCKER_PASSWORD, else DOCKER_TOKEN. */
export function readCredentials(ctx: Context<unknown>): Credentials {
  const username = ctx.secret("DOCKER_USERNAME");
  const password = ctx.secret("DOCKER_PASSWORD");
  if (username && password) return { username, password };
  const token = ctx.secret("DOCKER_TOKEN");
  return token ? { token } : undefined;
}

/** `Bearer realm="…",service="…",scope="…"` → its scheme and parameters. */
function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const scheme = header.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? "";
  const params: Record<string, string> = {};
  for (const match of header.slice(scheme.length).matchAll(/([A-Za-z_]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? "";
  }
  return { scheme, params };
}

type Init = Omit<HttpOptions, "headers"> & { headers?: Record<string, string> };

/**
 * The OCI distribution API of one repository, with the registry's auth: a Basic challenge is
 * answered with DOCKER_USERNAME/DOCKER_PASSWORD; a Bearer challenge by fetching a token from its
 * realm (with those credentials, or anonymously) for the scope it names; DOCKER_TOKEN is sent as
 * a Bearer token from the first request on.
 */
export class RegistryClient {
  private authorization: string | undefined;

  constructor(
    private readonly ctx: Context<unknown>,
    readonly repository: Repository,
    private readonly credentials: Credentials,
  ) {
    if (credentials && "token" in credentials) this.authorization = `Bearer ${credentials.token}`;
  }

  private get registry() {
    return this.ctx.registry;
  }

  private url(path: string): string {
    return new URL(path, `${this.repository.api}/v2/${this.repository.name}/`).toString();
  }

  /** One request (bodies here are small and resendable); a 401 is answered once with the challenge's credentials. */
  async request(path: string, init: Init = {}): Promise<Response> {
    return this.send(this.url(path), init);
  }

  /**
   * `GET /v2/`, the API version check: 200 once the credentials are accepted. Without credentials
   * only a registry that asks for none passes (an anonymous token would prove nothing about pushing).
   */
  async ping(): Promise<void> {
    const url = `${this.repository.api}/v2/`;
    const response = this.credentials ? await this.send(url, {}) : await this.ctx.http(url);
    if (response.status === 401 && !this.credentials) {
      await response.body?.cancel();
      throw this.missingCredentials();
    }
    if (response.status !== 200) return this.refuse(response, "GET /v2/");
    await response.body?.cancel();
  }

  private async send(url: string, init: Init): Promise<Response> {
    const send = () =>
      this.ctx.http(url, {
        ...init,
        headers: { ...init.headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
      });
    const response = await send();
    if (response.status !== 401) return response;
    const challenge = response.headers.get("www-authenticate");
    await response.body?.cancel();
    await this.authenticate(challenge);
    // A second 401 means the credentials were refused; the caller reports it.
    return send();
  }

  private async authenticate(header: string | null): Promise<void> {
    const { scheme, params } = parseChallenge(header ?? "");
    const basic = this.credentials && "username" in this.credentials ? this.credentials : undefined;
    if (scheme === "basic") {
      if (!basic) throw this.missingCredentials();
      this.authorization = basicAuthorization(basic.username, basic.password);
      return;
    }
    if (scheme !== "bearer" || !params.realm) {
      throw new FerryError("RegistryRefused", {
        registry: this.registry,
        what: `${this.repository.host} asked for authentication ferry does not speak.`,
        why: `WWW-Authenticate: ${header ?? "(none)"}`,
      });
    }
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set("service", params.service);
    if (params.scope) realm.searchParams.set("scope", params.scope);
    const headers: Record<string, string> = basic ? { authorization: basicAuthorization(basic.username, basic.password) } : {};
    const response = await this.ctx.http(realm, { headers });
    if (!response.ok) {
      await response.body?.cancel();
      throw new FerryError("RegistryRefused", {
        registry: this.registry,
        what: `${realm.host} refused a token for ${params.scope ?? this.repository.name} (${response.status}).`,
        why: basic ? "The token service did not accept DOCKER_USERNAME/DOCKER_PASSWORD." : "No credentials were given.",
        fix: "Set DOCKER_USERNAME and DOCKER_PASSWORD (a password or access token) for an account that may push to this repository.",
      });
    }
    const body = await readJson<{ token?: string; access_token?: string }>(response, this.registry);
    const token = body.token ?? body.access_token;
    if (!token) {
      throw new FerryError("RegistryRefused", { registry: this.registry, what: `${realm.host} answered without a token.` });
    }
    addSecret(token);
    this.authorization = `Bearer ${token}`;
  }

  private missingCredentials(): FerryError {
    return new FerryError("SecretMissing", {
      registry: this.registry,
      what: `${this.repository.host} requires credentials.`,
      fix: "Set DOCKER_USERNAME and DOCKER_PASSWORD, or DOCKER_TOKEN.",
    });
  }

  /** Throws for an answer that is none of the expected ones: ferry never guesses. */
  async refuse(response: Response, what: string): Promise<never> {
    return this.refuseWith(response.status, await response.text().catch(() => ""), what);
  }

  private refuseWith(status: number, text: string, what: string): never {
    const denied = status === 401 || status === 403;
    throw new FerryError(status >= 500 ? "RegistryUnreachable" : "RegistryRefused", {
      registry: this.registry,
      what: `${what} on ${this.repository.host}/${this.repository.name} answered ${status}.`,
      why: text.slice(0, 300) || undefined,
      fix: denied ? "Check that DOCKER_USERNAME/DOCKER_PASSWORD (or DOCKER_TOKEN) may push to this repository." : undefined,
    });
  }

  /** The manifest a tag or digest points to, or undefined when the registry says it is unknown. */
  async headManifest(reference: string): Promise<Descriptor | undefined> {
    const response = await this.request(`manifests/${reference}`, { method: "HEAD", headers: { accept: manifestAccept } });
    if (response.status === 404) return undefined;
    if (response.status !== 200) return this.refuse(response, `HEAD manifests/${reference}`);
    const digest = response.headers.get("docker-content-digest");
    if (!digest) {
      // Some registries omit the header on HEAD: hash what GET returns instead.
      const { descriptor } = await this.getManifest(reference);
      return descriptor;
    }
    return {
      mediaType: response.headers.get("content-type") ?? "",
      digest,
      size: Number(response.headers.get("content-length") ?? 0),
    };
  }

  async getManifest(reference: string): Promise<{ descriptor: Descriptor; bytes: Buffer }> {
    const response = await this.request(`manifests/${reference}`, { headers: { accept: manifestAccept } });
    if (response.status !== 200) return this.refuse(response, `GET manifests/${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    return { descriptor: { mediaType: response.headers.get("content-type") ?? "", digest, size: bytes.length }, bytes };
  }

  async putManifest(reference: string, mediaType: string, bytes: Uint8Array): Promise<void> {
    const response = await this.request(`manifests/${reference}`, {
      method: "PUT",
      headers: { "content-type": mediaType },
      body: bytes,
    });
    if (response.status !== 201) return this.refuse(response, `PUT manifests/${reference}`);
    await response.body?.cancel();
  }

  /** Every tag of the repository (none when the registry does not know it yet), following `Link: rel="next"` pages. */
  async listTags(): Promise<string[]> {
    const tags: string[] = [];
    for (let path: string | undefined = "tags/list?n=1000"; path;) {
      const response = await this.request(path);
      if (response.status === 404) {
        await response.body?.cancel();
        return tags;
      }
      if (response.status !== 200) return this.refuse(response, "GET tags/list");
      tags.push(...((await readJson<{ tags?: string[] | null }>(response, this.registry)).tags ?? []));
      path = /<([^>]+)>;\s*rel="?next"?/.exec(response.headers.get("link") ?? "")?.[1];
    }
    return tags;
  }

  async hasBlob(digest: string): Promise<boolean> {
    const response = await this.request(`blobs/${digest}`, { method: "HEAD" });
    if (response.status === 404) return false;
    if (response.status === 200) return true;
    return this.refuse(response, `HEAD blobs/${digest}`);
  }

  /** A small blob (a config) read whole. */
  async readBlob(digest: string): Promise<Buffer> {
    const response = await this.request(`blobs/${digest}`);
    if (response.status !== 200) return this.refuse(response, `GET blobs/${digest}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** A blob's body as a stream (redirects to storage are followed). */
  async getBlob(digest: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.request(`blobs/${digest}`);
    if (response.status !== 200 || !response.body) return this.refuse(response, `GET blobs/${digest}`);
    return response.body as ReadableStream<Uint8Array>;
  }

  /**
   * A monolithic upload: POST opens a session (and settles auth with a small, resendable request),
   * then one PUT streams the file from disk, so a blob of any size is never held in memory.
   */
  async uploadBlob(blob: Descriptor, file: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const status = await this.uploadOnce(blob, file).then(
        () => 201,
        (error: unknown) => {
          // A streamed body is sent once per session; a dropped connection, a 5xx or a token
          // that expired during a long upload gets a new session, twice at most.
          const retry = error instanceof FerryError && (error.code === "RegistryUnreachable" || /answered 401/.test(error.message));
          if (!retry || attempt >= 3 || this.ctx.signal.aborted) throw error;
          return 0;
        },
      );
      if (status === 201) return;
      this.ctx.log(`upload of ${blob.digest} failed; retrying (${attempt + 1}/3)`);
    }
  }

  private async uploadOnce(blob: Descriptor, file: string): Promise<void> {
    const opened = await this.request("blobs/uploads/", { method: "POST", headers: { "content-length": "0" } });
    const location = opened.headers.get("location");
    if (opened.status !== 202 || !location) return this.refuse(opened, "POST blobs/uploads/");
    await opened.body?.cancel();
    const target = new URL(location, this.url("blobs/uploads/"));
    target.searchParams.set("digest", blob.digest);
    // undici's request() with a file stream, not fetch(): fetch keeps every chunk of a streamed
    // body until the response (measured: a 1 GiB PUT peaked above 1 GiB RSS); request() does not.
    const answer = await undiciRequest(target, {
      method: "PUT",
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(blob.size),
        ...(this.authorization ? { authorization: this.authorization } : {}),
      },
      body: createReadStream(file, { highWaterMark: 1 << 20 }),
      signal: this.ctx.signal,
    }).catch((error: unknown) => {
      throw new FerryError("RegistryUnreachable", {
        registry: this.registry,
        what: `${this.repository.host} did not take the upload of ${blob.digest}.`,
        why: String((error as Error)?.message ?? error),
        fix: "Re-run: blobs already uploaded are skipped.",
        cause: error,
      });
    });
    const text = await answer.body.text();
    if (answer.statusCode !== 201) this.refuseWith(answer.statusCode, text, `PUT blob ${blob.digest}`);
  }
}
