import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  F,
  addSecret,
  basicAuthorization,
  checkStep,
  contentKey,
  contextSigner,
  cpuBound,
  defineRegistry,
  dockerFloatingTags,
  dockerTags,
  external_exports,
  findArtifact,
  hashingStream,
  pass,
  placeFile,
  readJson,
  require_undici,
  signStatement,
  trustedRoot,
  verifyBundle
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import {
  __toESM
} from "./chunk-BHGG6FRM.js";

// registries/docker/src/index.ts
import { createHash as createHash6 } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join as join3 } from "node:path";

// registries/docker/src/client.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
var import_undici = __toESM(require_undici(), 1);
var manifestAccept = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json"
].join(", ");
function readCredentials(ctx) {
  const username = ctx.secret("DOCKER_USERNAME");
  const password = ctx.secret("DOCKER_PASSWORD");
  if (username && password) return { username, password };
  const token = ctx.secret("DOCKER_TOKEN");
  return token ? { token } : void 0;
}
function parseChallenge(header2) {
  const scheme = header2.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? "";
  const params = {};
  for (const match of header2.slice(scheme.length).matchAll(/([A-Za-z_]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[match[1].toLowerCase()] = match[2] ?? match[3] ?? "";
  }
  return { scheme, params };
}
var RegistryClient = class {
  constructor(ctx, repository, credentials) {
    this.ctx = ctx;
    this.repository = repository;
    this.credentials = credentials;
    if (credentials && "token" in credentials) this.authorization = `Bearer ${credentials.token}`;
  }
  ctx;
  repository;
  credentials;
  authorization;
  get registry() {
    return this.ctx.registry;
  }
  url(path) {
    return new URL(path, `${this.repository.api}/v2/${this.repository.name}/`).toString();
  }
  /** One request (bodies here are small and resendable); a 401 is answered once with the challenge's credentials. */
  async request(path, init = {}) {
    return this.send(this.url(path), init);
  }
  /**
   * `GET /v2/`, the API version check: 200 once the credentials are accepted. Without credentials
   * only a registry that asks for none passes (an anonymous token would prove nothing about pushing).
   */
  async ping() {
    const url = `${this.repository.api}/v2/`;
    const response = this.credentials ? await this.send(url, {}) : await this.ctx.http(url);
    if (response.status === 401 && !this.credentials) {
      await response.body?.cancel();
      throw this.missingCredentials();
    }
    if (response.status !== 200) return this.refuse(response, "GET /v2/");
    await response.body?.cancel();
  }
  async send(url, init) {
    const send = () => this.ctx.http(url, {
      ...init,
      headers: { ...init.headers, ...this.authorization ? { authorization: this.authorization } : {} }
    });
    const response = await send();
    if (response.status !== 401) return response;
    const challenge = response.headers.get("www-authenticate");
    await response.body?.cancel();
    await this.authenticate(challenge);
    return send();
  }
  async authenticate(header2) {
    const { scheme, params } = parseChallenge(header2 ?? "");
    const basic = this.credentials && "username" in this.credentials ? this.credentials : void 0;
    if (scheme === "basic") {
      if (!basic) throw this.missingCredentials();
      this.authorization = basicAuthorization(basic.username, basic.password);
      return;
    }
    if (scheme !== "bearer" || !params.realm) {
      throw new FerryError("RegistryRefused", {
        registry: this.registry,
        what: `${this.repository.host} asked for authentication ferry does not speak.`,
        why: `WWW-Authenticate: ${header2 ?? "(none)"}`
      });
    }
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set("service", params.service);
    if (params.scope) realm.searchParams.set("scope", params.scope);
    const headers = basic ? { authorization: basicAuthorization(basic.username, basic.password) } : {};
    const response = await this.ctx.http(realm, { headers });
    if (!response.ok) {
      await response.body?.cancel();
      throw new FerryError("RegistryRefused", {
        registry: this.registry,
        what: `${realm.host} refused a token for ${params.scope ?? this.repository.name} (${response.status}).`,
        why: basic ? "The token service did not accept DOCKER_USERNAME/DOCKER_PASSWORD." : "No credentials were given.",
        fix: "Set DOCKER_USERNAME and DOCKER_PASSWORD (a password or access token) for an account that may push to this repository."
      });
    }
    const body = await readJson(response, this.registry);
    const token = body.token ?? body.access_token;
    if (!token) {
      throw new FerryError("RegistryRefused", { registry: this.registry, what: `${realm.host} answered without a token.` });
    }
    addSecret(token);
    this.authorization = `Bearer ${token}`;
  }
  missingCredentials() {
    return new FerryError("SecretMissing", {
      registry: this.registry,
      what: `${this.repository.host} requires credentials.`,
      fix: "Set DOCKER_USERNAME and DOCKER_PASSWORD, or DOCKER_TOKEN."
    });
  }
  /** Throws for an answer that is none of the expected ones: ferry never guesses. */
  async refuse(response, what) {
    return this.refuseWith(response.status, await response.text().catch(() => ""), what);
  }
  refuseWith(status, text, what) {
    const denied = status === 401 || status === 403;
    throw new FerryError(status >= 500 ? "RegistryUnreachable" : "RegistryRefused", {
      registry: this.registry,
      what: `${what} on ${this.repository.host}/${this.repository.name} answered ${status}.`,
      why: text.slice(0, 300) || void 0,
      fix: denied ? "Check that DOCKER_USERNAME/DOCKER_PASSWORD (or DOCKER_TOKEN) may push to this repository." : void 0
    });
  }
  /** The manifest a tag or digest points to, or undefined when the registry says it is unknown. */
  async headManifest(reference) {
    const response = await this.request(`manifests/${reference}`, { method: "HEAD", headers: { accept: manifestAccept } });
    if (response.status === 404) return void 0;
    if (response.status !== 200) return this.refuse(response, `HEAD manifests/${reference}`);
    const digest = response.headers.get("docker-content-digest");
    if (!digest) {
      const { descriptor } = await this.getManifest(reference);
      return descriptor;
    }
    return {
      mediaType: response.headers.get("content-type") ?? "",
      digest,
      size: Number(response.headers.get("content-length") ?? 0)
    };
  }
  async getManifest(reference) {
    const response = await this.request(`manifests/${reference}`, { headers: { accept: manifestAccept } });
    if (response.status !== 200) return this.refuse(response, `GET manifests/${reference}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    return { descriptor: { mediaType: response.headers.get("content-type") ?? "", digest, size: bytes.length }, bytes };
  }
  async putManifest(reference, mediaType, bytes) {
    const response = await this.request(`manifests/${reference}`, {
      method: "PUT",
      headers: { "content-type": mediaType },
      body: bytes
    });
    if (response.status !== 201) return this.refuse(response, `PUT manifests/${reference}`);
    await response.body?.cancel();
  }
  /** Every tag of the repository (none when the registry does not know it yet), following `Link: rel="next"` pages. */
  async listTags() {
    const tags = [];
    for (let path = "tags/list?n=1000"; path; ) {
      const response = await this.request(path);
      if (response.status === 404) {
        await response.body?.cancel();
        return tags;
      }
      if (response.status !== 200) return this.refuse(response, "GET tags/list");
      tags.push(...(await readJson(response, this.registry)).tags ?? []);
      path = /<([^>]+)>;\s*rel="?next"?/.exec(response.headers.get("link") ?? "")?.[1];
    }
    return tags;
  }
  async hasBlob(digest) {
    const response = await this.request(`blobs/${digest}`, { method: "HEAD" });
    if (response.status === 404) return false;
    if (response.status === 200) return true;
    return this.refuse(response, `HEAD blobs/${digest}`);
  }
  /** A small blob (a config) read whole. */
  async readBlob(digest) {
    const response = await this.request(`blobs/${digest}`);
    if (response.status !== 200) return this.refuse(response, `GET blobs/${digest}`);
    return Buffer.from(await response.arrayBuffer());
  }
  /** A blob's body as a stream (redirects to storage are followed). */
  async getBlob(digest) {
    const response = await this.request(`blobs/${digest}`);
    if (response.status !== 200 || !response.body) return this.refuse(response, `GET blobs/${digest}`);
    return response.body;
  }
  /**
   * A monolithic upload: POST opens a session (and settles auth with a small, resendable request),
   * then one PUT streams the file from disk, so a blob of any size is never held in memory.
   */
  async uploadBlob(blob, file) {
    for (let attempt = 1; ; attempt++) {
      const status = await this.uploadOnce(blob, file).then(
        () => 201,
        (error) => {
          const retry = error instanceof FerryError && (error.code === "RegistryUnreachable" || /answered 401/.test(error.message));
          if (!retry || attempt >= 3 || this.ctx.signal.aborted) throw error;
          return 0;
        }
      );
      if (status === 201) return;
      this.ctx.log(`upload of ${blob.digest} failed; retrying (${attempt + 1}/3)`);
    }
  }
  async uploadOnce(blob, file) {
    const opened = await this.request("blobs/uploads/", { method: "POST", headers: { "content-length": "0" } });
    const location = opened.headers.get("location");
    if (opened.status !== 202 || !location) return this.refuse(opened, "POST blobs/uploads/");
    await opened.body?.cancel();
    const target2 = new URL(location, this.url("blobs/uploads/"));
    target2.searchParams.set("digest", blob.digest);
    const answer = await (0, import_undici.request)(target2, {
      method: "PUT",
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(blob.size),
        ...this.authorization ? { authorization: this.authorization } : {}
      },
      body: createReadStream(file, { highWaterMark: 1 << 20 }),
      signal: this.ctx.signal
    }).catch((error) => {
      throw new FerryError("RegistryUnreachable", {
        registry: this.registry,
        what: `${this.repository.host} did not take the upload of ${blob.digest}.`,
        why: String(error?.message ?? error),
        fix: "Re-run: blobs already uploaded are skipped.",
        cause: error
      });
    });
    const text = await answer.body.text();
    if (answer.statusCode !== 201) this.refuseWith(answer.statusCode, text, `PUT blob ${blob.digest}`);
  }
};

// registries/docker/src/image.ts
import { createHash as createHash4 } from "node:crypto";
import { createWriteStream as createWriteStream2 } from "node:fs";
import { mkdir, rm, stat as stat2, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";

// registries/docker/src/base.ts
import { createHash as createHash2 } from "node:crypto";
var ociLayerTypes = {
  "application/vnd.docker.image.rootfs.diff.tar.gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.v1.tar+gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.v1.tar+zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
  "application/vnd.oci.image.layer.v1.tar": "application/vnd.oci.image.layer.v1.tar"
};
var sha256 = (bytes) => `sha256:${createHash2("sha256").update(bytes).digest("hex")}`;
async function pullBase(client2, reference, digest, platform) {
  const registry = "docker";
  const mismatch = (what) => new FerryError("ArtifactCorrupt", {
    registry,
    what: `The base image ${reference}: ${what}.`,
    fix: "Check the base option's registry and digest."
  });
  const fetched = async (ref) => {
    const { bytes } = await client2.getManifest(ref);
    if (sha256(bytes) !== ref) throw mismatch(`the manifest ${ref} does not match its digest`);
    return JSON.parse(bytes.toString("utf8"));
  };
  let manifest = await fetched(digest);
  if (manifest.manifests) {
    const entry = manifest.manifests.find(
      ({ platform: p }) => p?.os === platform.os && p.architecture === platform.architecture && (!p.variant || p.variant === (platform.variant ?? p.variant))
    );
    if (!entry) throw mismatch(`it has no ${platform.os}/${platform.architecture} image`);
    manifest = await fetched(entry.digest);
  }
  if (!manifest.config || !manifest.layers) throw mismatch("it is not an image manifest");
  const configBytes = await client2.readBlob(manifest.config.digest);
  if (sha256(configBytes) !== manifest.config.digest) throw mismatch("its config does not match its digest");
  const layers = manifest.layers.map((layer) => {
    const mediaType = ociLayerTypes[layer.mediaType];
    if (!mediaType) throw mismatch(`its layer type ${layer.mediaType} cannot be copied into an OCI image`);
    return { mediaType, digest: layer.digest, size: layer.size };
  });
  return { config: JSON.parse(configBytes.toString("utf8")), layers };
}

// registries/docker/src/layer.ts
import { createReadStream as createReadStream2, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
var layerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";
var epoch = /* @__PURE__ */ new Date(0);
var block = 512;
function header(path, type, size) {
  const buffer = Buffer.alloc(block);
  const entry = new F({ path, type, size, mode: 493, uid: 0, gid: 0, uname: "", gname: "", mtime: epoch });
  if (entry.encode(buffer, 0)) throw new Error(`The layer path ${path} is too long for a plain tar header.`);
  return buffer;
}
async function* layerTar(binary, name, size) {
  for (const dir of ["usr/", "usr/local/", "usr/local/bin/"]) yield header(dir, "Directory", 0);
  yield header(`usr/local/bin/${name}`, "File", size);
  let read = 0;
  for await (const chunk of createReadStream2(binary, { highWaterMark: 1 << 20 })) {
    read += chunk.length;
    yield chunk;
  }
  if (read !== size) throw new Error(`${binary} changed while it was being read.`);
  const padding = (block - size % block) % block;
  yield Buffer.alloc(padding + 2 * block);
}
async function buildLayer(binary, name, out) {
  const { size } = await stat(binary);
  const uncompressed = hashingStream();
  const compressed = hashingStream();
  await pipeline(
    layerTar(binary, name, size),
    uncompressed,
    createGzip({ level: 6, chunkSize: 1 << 20 }),
    compressed,
    createWriteStream(out)
  );
  const blob = compressed.result();
  return { mediaType: layerMediaType, digest: `sha256:${blob.sha256}`, size: blob.size, diffId: `sha256:${uncompressed.result().sha256}` };
}

// registries/docker/src/reference.ts
var pathPart = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
var tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
var digestPattern = /^sha256:[0-9a-f]{64}$/;
var loopback = (host) => /^(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?$/.test(host);
var apiBase = (host) => {
  const served = host === "docker.io" || host === "index.docker.io" ? "registry-1.docker.io" : host;
  return `${loopback(served) ? "http" : "https"}://${served}`;
};
function parseReference(text, registry) {
  const invalid = (why) => new FerryError("ConfigInvalid", {
    registry,
    what: `"${text}" is not an image reference.`,
    why,
    fix: 'Write it as host/path, e.g. "ghcr.io/owner/hello" (base images as "host/path@sha256:<digest>").'
  });
  let rest = text;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw invalid(`"${digest}" is not a sha256 digest.`);
  }
  let tag;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) throw invalid(`"${tag}" is not a valid tag.`);
  }
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  const hasHost = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const host = hasHost ? first : "docker.io";
  const path = hasHost ? parts.slice(1) : parts;
  if (host === "docker.io" && path.length === 1) path.unshift("library");
  if (path.length === 0 || !path.every((part) => pathPart.test(part))) {
    throw invalid("Repository names are lowercase letters, digits and . _ - separated by slashes.");
  }
  return { host, api: apiBase(host), name: path.join("/"), ...tag ? { tag } : {}, ...digest ? { digest } : {} };
}
function pushRepository(image, override, registry) {
  const parsed = parseReference(image, registry);
  if (parsed.tag || parsed.digest) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `The image "${image}" names a tag or digest.`,
      why: "ferry tags the image itself with the release version.",
      fix: `Set image to "${image.replace(/[:@].*$/, "")}".`
    });
  }
  if (!override) return { host: parsed.host, api: parsed.api, name: parsed.name };
  const host = override.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  const api = /^https?:\/\//.test(override) ? override.replace(/\/+$/, "") : apiBase(host);
  return { host, api, name: parsed.name };
}

// registries/docker/src/render.ts
import { createHash as createHash3 } from "node:crypto";
var mediaTypes = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json"
};
var created = "1970-01-01T00:00:00Z";
var platforms = {
  "386": { architecture: "386", os: "linux" },
  amd64: { architecture: "amd64", os: "linux" },
  arm64: { architecture: "arm64", os: "linux", variant: "v8" },
  armv7: { architecture: "arm", os: "linux", variant: "v7" },
  ppc64le: { architecture: "ppc64le", os: "linux" },
  riscv64: { architecture: "riscv64", os: "linux" },
  s390x: { architecture: "s390x", os: "linux" }
};
var dockerTargets = Object.keys(platforms).flatMap((arch) => [`linux/${arch}`, `linux/${arch}-musl`]);
var platformOf = (arch) => platforms[arch];
function render(mediaType, value) {
  const bytes = Buffer.from(JSON.stringify(value));
  return { descriptor: { mediaType, digest: `sha256:${createHash3("sha256").update(bytes).digest("hex")}`, size: bytes.length }, bytes };
}
var sortedRecord = (record) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
var defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
function renderConfig({ platform, binary, layer, labels, base }) {
  const entrypoint = `/usr/local/bin/${binary}`;
  const { Cmd: _cmd, ...baseRuntime } = base?.config ?? {};
  const config = {
    ...baseRuntime,
    Env: base?.config?.Env ?? [defaultPath],
    // An ENTRYPOINT of our own resets the base's CMD, as a Dockerfile's would.
    Entrypoint: [entrypoint],
    Labels: sortedRecord({ ...base?.config?.Labels, ...labels })
  };
  const value = {
    ...base,
    created,
    architecture: platform.architecture,
    ...platform.variant ? { variant: platform.variant } : {},
    os: platform.os,
    config,
    rootfs: { type: "layers", diff_ids: [...base?.rootfs?.diff_ids ?? [], layer.diffId] },
    history: [...base?.history ?? [], { created, created_by: `ferry: COPY ${binary} ${entrypoint}` }]
  };
  return render(mediaTypes.config, value);
}
function renderManifest(config, layers, annotations) {
  return render(mediaTypes.manifest, {
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
    annotations
  });
}
function renderIndex(images, annotations) {
  return render(mediaTypes.index, {
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: images.map(({ manifest, platform }) => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.size,
      platform: { architecture: platform.architecture, os: platform.os, ...platform.variant ? { variant: platform.variant } : {} }
    })),
    annotations
  });
}
var renderLayoutIndex = (index, tag) => `${JSON.stringify({
  schemaVersion: 2,
  mediaType: mediaTypes.index,
  manifests: [{ ...index, annotations: { "org.opencontainers.image.ref.name": tag } }]
})}
`;

// registries/docker/src/image.ts
function target(ctx) {
  const image = ctx.options.image ?? `ghcr.io/${ctx.project.repository.toLowerCase()}`;
  return pushRepository(image, ctx.options.registry ?? ctx.env("FERRY_DOCKER_REGISTRY"), ctx.registry);
}
var tagsOf = (ctx) => dockerTags(ctx.version);
function labelsOf(ctx) {
  const { project, manifest, version } = ctx;
  return sortedRecord({
    "org.opencontainers.image.description": project.description,
    "org.opencontainers.image.licenses": project.license,
    "org.opencontainers.image.source": new URL(`/${manifest.repository}`, manifest.url).toString(),
    "org.opencontainers.image.title": project.name,
    "org.opencontainers.image.version": version.semver,
    ...ctx.options.labels
  });
}
var blobPath = (dir, digest) => join(dir, "blobs", "sha256", digest.replace(/^sha256:/, ""));
function baseClient(ctx, base) {
  const reference = parseReference(base, ctx.registry);
  if (!reference.digest) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `The base image "${base}" is not pinned by digest.`,
      why: "A tag can move, and the same release would then give a different image.",
      fix: 'Write it as "host/path@sha256:<digest>".'
    });
  }
  const credentials = reference.host === target(ctx).host ? readCredentials(ctx) : void 0;
  return { client: new RegistryClient(ctx, reference, credentials), digest: reference.digest };
}
async function assemble(ctx, outDir) {
  const artifacts = [...new Set(ctx.manifest.artifacts.filter((a) => a.os === "linux").map((a) => a.arch))].sort().map((arch) => findArtifact(ctx.manifest, "linux", arch));
  if (artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no linux binaries to put in an image.",
      fix: "Build linux/amd64 or linux/arm64 targets, or skip docker for this release."
    });
  }
  const labels = labelsOf(ctx);
  const base = ctx.options.base ? baseClient(ctx, ctx.options.base) : void 0;
  const files = [];
  const keep = async (digest, bytes) => {
    if (!outDir) return;
    const path = blobPath(outDir, digest);
    if (bytes) await writeFile(path, bytes);
    if (!files.includes(path)) files.push(path);
  };
  if (outDir) await mkdir(join(outDir, "blobs", "sha256"), { recursive: true });
  const images = [];
  for (const artifact of artifacts) {
    const platform = platformOf(artifact.arch);
    const pulled = base && await pullBase(base.client, ctx.options.base, base.digest, platform);
    const name = ctx.project.binary;
    const layer = await layerOf(ctx, artifact, name, outDir);
    if (pulled && outDir) for (const blob of pulled.layers) await download(base.client, blob, blobPath(outDir, blob.digest));
    const config = renderConfig({ platform, binary: name, layer, labels, ...pulled ? { base: pulled.config } : {} });
    const layers = [...pulled?.layers ?? [], { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }];
    const manifest = renderManifest(config.descriptor, layers, labels);
    for (const blob of layers) await keep(blob.digest, void 0);
    await keep(config.descriptor.digest, config.bytes);
    await keep(manifest.descriptor.digest, manifest.bytes);
    images.push({ platform, config, manifest, blobs: [...layers, config.descriptor] });
  }
  const index = renderIndex(
    images.map(({ manifest, platform }) => ({ manifest: manifest.descriptor, platform })),
    labels
  );
  if (outDir) {
    await keep(index.descriptor.digest, index.bytes);
    await writeFile(join(outDir, "oci-layout"), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}
`);
    await writeFile(join(outDir, "index.json"), renderLayoutIndex(index.descriptor, tagsOf(ctx).version));
    files.push(join(outDir, "oci-layout"), join(outDir, "index.json"));
  }
  return { index, images, files };
}
var layerKey = (artifact, name) => contentKey("oci layer", process.versions.zlib, artifact.sha256, artifact.binary, name);
function madeLayer(ctx, artifact, name) {
  return ctx.derived(layerKey(artifact, name), "layer.tar.gz", async (out) => {
    const binary = await ctx.binary(artifact);
    const layer = await cpuBound(() => buildLayer(binary, name, out));
    ctx.log(`built the layer of ${artifact.os}/${artifact.arch} (${layer.digest}, ${layer.size} bytes)`);
    return { sha256: layer.digest.slice("sha256:".length), ...layer };
  });
}
async function layerOf(ctx, artifact, name, outDir) {
  if (!outDir) {
    const recorded = await ctx.derivedRecord(layerKey(artifact, name));
    if (recorded?.digest && recorded.diffId) return recorded;
    return (await madeLayer(ctx, artifact, name)).record;
  }
  const { file, record } = await madeLayer(ctx, artifact, name);
  await placeFile(file, blobPath(outDir, record.digest));
  return record;
}
async function download(client2, blob, path) {
  const existing = await stat2(path).catch(() => void 0);
  if (existing?.size === blob.size) return;
  const hash = createHash4("sha256");
  const body = Readable.fromWeb(await client2.getBlob(blob.digest));
  body.on("data", (chunk) => hash.update(chunk));
  await pipeline2(body, createWriteStream2(path));
  if (`sha256:${hash.digest("hex")}` !== blob.digest) {
    await rm(path, { force: true });
    throw new FerryError("ArtifactCorrupt", {
      registry: "docker",
      what: `The base layer ${blob.digest} downloaded with different content.`,
      fix: "Re-run; if it persists, the base registry serves a corrupt blob."
    });
  }
}

// registries/docker/src/signature.ts
import { createHash as createHash5 } from "node:crypto";
import { writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";
var bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
var manifestType = "application/vnd.oci.image.manifest.v1+json";
var indexType = "application/vnd.oci.image.index.v1+json";
var signPredicate = "https://sigstore.dev/cosign/sign/v1";
var empty = { mediaType: "application/vnd.oci.empty.v1+json", digest: `sha256:${sha2562(Buffer.from("{}"))}`, size: 2 };
function sha2562(data) {
  return createHash5("sha256").update(data).digest("hex");
}
async function referrers(registry, subject) {
  const response = await registry.request(`referrers/${subject}`, { headers: { accept: indexType } });
  if (response.status === 200 && (response.headers.get("content-type") ?? "").startsWith(indexType)) {
    const index = await response.json();
    return { api: true, manifests: index.manifests ?? [] };
  }
  await response.body?.cancel();
  const tag = fallbackTag(subject);
  if (!await registry.headManifest(tag)) return { api: false, manifests: [] };
  const { bytes } = await registry.getManifest(tag);
  return { api: false, manifests: JSON.parse(bytes.toString("utf8")).manifests ?? [] };
}
var fallbackTag = (digest) => digest.replace(":", "-");
async function attach(registry, signer, {
  subject,
  name,
  predicateType,
  predicate,
  outDir
}) {
  const bundle = await signStatement(
    signer,
    {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name, digest: { sha256: subject.digest.replace(/^sha256:/, "") } }],
      predicateType,
      predicate
    },
    `${name}@${subject.digest} (${predicateType})`
  );
  const bundleBytes = Buffer.from(JSON.stringify(bundle));
  const layer = { mediaType: bundleType, digest: `sha256:${sha2562(bundleBytes)}`, size: bundleBytes.length };
  for (const [blob, bytes] of [
    [empty, Buffer.from("{}")],
    [layer, bundleBytes]
  ]) {
    const file = join2(outDir, "blobs", "sha256", blob.digest.slice("sha256:".length));
    await writeFile2(file, bytes);
    if (!await registry.hasBlob(blob.digest)) await registry.uploadBlob(blob, file);
  }
  const annotations = { "dev.sigstore.bundle.content": "dsse-envelope", "dev.sigstore.bundle.predicateType": predicateType };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestType,
      artifactType: bundleType,
      config: empty,
      layers: [layer],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations
    })
  );
  const referrer = {
    mediaType: manifestType,
    digest: `sha256:${sha2562(manifest)}`,
    size: manifest.length,
    artifactType: bundleType,
    annotations
  };
  await registry.putManifest(referrer.digest, manifestType, manifest);
  const listed = await referrers(registry, subject.digest);
  if (!listed.api && !listed.manifests.some((m) => m.digest === referrer.digest)) {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: indexType, manifests: [...listed.manifests, referrer] }));
    await registry.putManifest(fallbackTag(subject.digest), indexType, index);
  }
  return referrer;
}
var findReferrer = (manifests, predicateType) => manifests.find((m) => m.artifactType === bundleType && m.annotations?.["dev.sigstore.bundle.predicateType"] === predicateType);
async function readAttached(registry, referrer, { subject, predicateType, root, what }) {
  const response = await registry.request(`manifests/${referrer.digest}`, { headers: { accept: manifestType } });
  if (response.status !== 200) return registry.refuse(response, `GET manifests/${referrer.digest}`);
  const manifest = await response.json();
  const layer = manifest.layers?.find((l) => l.mediaType === bundleType);
  const mismatch = (why) => new FerryError("PublishedContentDiffers", {
    registry: "docker",
    what: `The ${what} of ${subject} read back from the registry does not match: ${why}.`,
    fix: "Check what else pushes to this repository, then re-run."
  });
  if (manifest.subject?.digest !== subject || !layer)
    throw mismatch(`its manifest ${referrer.digest} refers to ${manifest.subject?.digest}`);
  const bundle = JSON.parse((await registry.readBlob(layer.digest)).toString("utf8"));
  const verified = root ? verifyBundle(root, bundle, { what: `the ${what} of ${subject}`, registry: "docker" }) : void 0;
  const payload = verified?.payload ?? Buffer.from(bundle.dsseEnvelope?.payload ?? "", "base64");
  const statement = JSON.parse(payload.toString("utf8") || "{}");
  if (statement.subject?.[0]?.digest?.sha256 !== subject.replace(/^sha256:/, "")) throw mismatch("its statement names another digest");
  if (statement.predicateType !== predicateType) throw mismatch(`its predicate type is ${statement.predicateType}`);
  return { predicate: statement.predicate, signer: verified?.subject };
}

// registries/docker/src/index.ts
var options = external_exports.object({
  image: external_exports.string().superRefine((image, ctx) => {
    try {
      pushRepository(image, void 0, "docker");
    } catch (error) {
      const { what, why } = error.details;
      ctx.addIssue({ code: "custom", message: why ? `${what} ${why}` : what });
    }
  }).optional().meta({
    description: 'The image to publish, e.g. "ghcr.io/owner/hello". The first part is the registry host when it has a dot or a colon; otherwise the image is on Docker Hub ("hello" is docker.io/library/hello).',
    default: "ghcr.io/<the project's repository, lowercased>"
  }),
  registry: external_exports.string().regex(/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d+)?\/?$/, "expected a registry host, host:port, or an http(s):// URL of one").optional().meta({
    description: `A registry host (or http(s):// URL) that replaces the image's host, e.g. "127.0.0.1:5000". Default: the FERRY_DOCKER_REGISTRY environment variable, else the image's own host.`
  }),
  base: external_exports.string().regex(/@sha256:[0-9a-f]{64}$/, "must be pinned by digest: host/path@sha256:<64 hex>").optional().meta({
    description: `A base image pinned by digest, e.g. "gcr.io/distroless/static@sha256:\u2026"; ferry's layer goes on top. Default: none: the binary alone, on scratch.`
  }),
  labels: external_exports.record(external_exports.string(), external_exports.string()).default({}).meta({
    description: "OCI annotations (and config labels), over ferry's defaults: org.opencontainers.image.title, version, description, licenses and source."
  }),
  sign: external_exports.boolean().default(true).meta({
    description: "When the run has an OIDC identity (GitHub Actions with `id-token: write`), sign the image index keylessly with Sigstore and attach the bundle as an OCI referrer, as cosign does. Default: true."
  })
}).strict();
function client(ctx) {
  return new RegistryClient(ctx, target(ctx), readCredentials(ctx));
}
var where = (ctx, tag) => `${target(ctx).host}/${target(ctx).name}:${tag}`;
async function preparedDigest(ctx) {
  const layout = JSON.parse(await readFile(join3(ctx.outDir, "index.json"), "utf8"));
  const digest = layout.manifests[0]?.digest;
  if (!digest) throw new Error(`${join3(ctx.outDir, "index.json")} lists no image index.`);
  return digest;
}
var src_default = defineRegistry({
  name: "docker",
  needs: ["binaries"],
  targets: dockerTargets,
  options,
  validate(ctx) {
    target(ctx);
  },
  async exists(ctx) {
    const tag = tagsOf(ctx).version;
    const registry = client(ctx);
    const remote = await registry.headManifest(tag);
    if (!remote) return { state: "absent" };
    const { index } = await assemble(ctx);
    const digest = index.descriptor.digest;
    if (remote.digest !== digest) {
      return { state: "present", matches: false, detail: `${where(ctx, tag)} is ${remote.digest}, but this release's index is ${digest}` };
    }
    const behind = await floatingBehind(ctx, registry, digest);
    if (behind.length) {
      ctx.log(`${where(ctx, tag)} is there, but ${behind.join(", ")} ${behind.length > 1 ? "do" : "does"} not point to it yet`);
      return { state: "absent" };
    }
    return { state: "present", matches: true, detail: `${where(ctx, tag)} is ${remote.digest}` };
  },
  async prepare(ctx) {
    return assemble(ctx, ctx.outDir);
  },
  async publish(ctx, prepared) {
    const registry = client(ctx);
    const { version } = tagsOf(ctx);
    let uploaded = 0;
    const seen = /* @__PURE__ */ new Set();
    for (const image of prepared.images) {
      for (const blob of image.blobs) {
        if (seen.has(blob.digest)) continue;
        seen.add(blob.digest);
        if (await registry.hasBlob(blob.digest)) continue;
        await registry.uploadBlob(blob, join3(ctx.outDir, "blobs", "sha256", blob.digest.slice("sha256:".length)));
        uploaded++;
      }
      await registry.putManifest(image.manifest.descriptor.digest, image.manifest.descriptor.mediaType, image.manifest.bytes);
    }
    const { digest, mediaType } = prepared.index.descriptor;
    const current = await registry.headManifest(version);
    if (current && current.digest !== digest) throw conflict(ctx, version, current.digest, digest);
    await registry.putManifest(version, mediaType, prepared.index.bytes);
    const { floating, kept } = await floatingOf(ctx, registry);
    for (const tag of floating) await registry.putManifest(tag, mediaType, prepared.index.bytes);
    ctx.log(`uploaded ${uploaded} of ${seen.size} blobs; tagged ${[version, ...floating].join(", ")}`);
    const note = kept.length ? `; ${kept.join(", ")} kept on a newer version` : "";
    const signed = await sign(ctx, registry, prepared);
    return {
      detail: `${where(ctx, version)} (${digest}; also ${floating.join(", ") || "no floating tags"}${note})${signed}`,
      signed: !!signed
    };
  },
  async verify(ctx, published) {
    const tag = tagsOf(ctx).version;
    const expected = await preparedDigest(ctx);
    const registry = client(ctx);
    const remote = await registry.headManifest(tag);
    if (!remote) return void 0;
    if (remote.digest !== expected) throw conflict(ctx, tag, remote.digest, expected);
    if ((await floatingBehind(ctx, registry, expected)).length) return void 0;
    if (!published.signed) return { state: "verified", detail: `${where(ctx, tag)} is ${remote.digest}` };
    const referrer = findReferrer((await referrers(registry, expected)).manifests, signPredicate);
    if (!referrer) return void 0;
    const root = await trustedRoot((name) => ctx.env(name));
    const { signer } = await readAttached(registry, referrer, { subject: expected, predicateType: signPredicate, root, what: "signature" });
    const by = signer ? `signed by ${signer}` : "signed (set FERRY_SIGSTORE_TRUSTED_ROOT to check the signature here too)";
    const { host, name: repository } = target(ctx);
    const at = (digest) => `${host}/${repository}@${digest}`;
    const supplyChain = [{ kind: "signature", subject: at(expected), location: at(referrer.digest) }];
    const sboms = imageSboms(ctx, (await assemble(ctx)).images);
    for (const { image, sbom, predicateType } of sboms) {
      const subject = image.manifest.descriptor.digest;
      const attestation = findReferrer((await referrers(registry, subject)).manifests, predicateType);
      if (!attestation) return void 0;
      const { predicate } = await readAttached(registry, attestation, { subject, predicateType, root, what: "SBOM attestation" });
      supplyChain.push({ kind: "sbom", subject: at(subject), location: at(attestation.digest) });
      if (JSON.stringify(predicate) !== JSON.stringify(JSON.parse((await readSbom(ctx, sbom)).toString("utf8")))) {
        throw new FerryError("PublishedContentDiffers", {
          registry: ctx.registry,
          what: `The SBOM attested on ${subject} is not the release's ${sbom.name}.`,
          fix: "Check what else pushes to this repository, then re-run."
        });
      }
    }
    const attested = sboms.length ? ` with ${sboms.length} SBOM ${sboms.length === 1 ? "attestation" : "attestations"}` : "";
    return { state: "verified", detail: `${where(ctx, tag)} is ${remote.digest}, ${by}${attested}`, supplyChain };
  },
  supplyChain(ctx, prepared) {
    const skipped = signSkipped(ctx);
    const { host, name: repository } = target(ctx);
    const at = skipped ? { skipped } : { location: `${host}/${repository}` };
    const image = `${host}/${repository}:${tagsOf(ctx).version}`;
    return [
      { kind: "signature", subject: image, ...at },
      ...imageSboms(ctx, prepared.images).map(({ image: { platform }, sbom }) => ({
        kind: "sbom",
        subject: `${image} (${platform.os}/${platform.architecture}): ${sbom.name}`,
        ...at
      }))
    ];
  },
  async doctor(ctx) {
    const credentials = readCredentials(ctx);
    const { host } = target(ctx);
    const accepted = await checkStep(credentials ? `${host} accepts the credentials` : `${host} asks for no credentials`, async () => {
      await client(ctx).ping();
      return "GET /v2/ answered 200";
    });
    const skipped = signSkipped(ctx);
    const signature = pass(
      "image signature",
      skipped ? `none: ${skipped}` : "signed keylessly with Sigstore, each image's SBOM attached as an attestation"
    );
    if (!credentials) return [accepted, signature];
    const set = pass(
      "registry credentials set",
      "username" in credentials ? "DOCKER_USERNAME and DOCKER_PASSWORD are set" : "DOCKER_TOKEN is set"
    );
    return [set, accepted, signature];
  }
});
async function sign(ctx, registry, prepared) {
  const signer = !ctx.options.sign ? void 0 : contextSigner(ctx);
  if (!signer) return "";
  const { host, name } = target(ctx);
  const subject = prepared.index.descriptor;
  let note = "; signature kept";
  if (!findReferrer((await referrers(registry, subject.digest)).manifests, signPredicate)) {
    await attach(registry, signer, { subject, name: `${host}/${name}`, predicateType: signPredicate, predicate: {}, outDir: ctx.outDir });
    ctx.log(`signed ${subject.digest} with Sigstore (${signer.identity})`);
    note = "; signed with Sigstore";
  }
  let attested = 0;
  for (const { image, sbom, predicateType } of imageSboms(ctx, prepared.images)) {
    attested++;
    const manifest = image.manifest.descriptor;
    if (findReferrer((await referrers(registry, manifest.digest)).manifests, predicateType)) continue;
    const predicate = JSON.parse((await readSbom(ctx, sbom)).toString("utf8"));
    await attach(registry, signer, { subject: manifest, name: `${host}/${name}`, predicateType, predicate, outDir: ctx.outDir });
    ctx.log(`attached ${sbom.name} to ${manifest.digest} as an attestation`);
  }
  return `${note}${attested ? `, ${attested} SBOM ${attested === 1 ? "attestation" : "attestations"}` : ""}`;
}
function signSkipped(ctx) {
  if (!ctx.options.sign) return "registries.docker.sign is false";
  if (!contextSigner(ctx)) return "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write`)";
  return void 0;
}
function imageSboms(ctx, images) {
  return images.flatMap((image) => {
    const arch = image.platform.architecture;
    const artifact = findArtifact(ctx.manifest, "linux", arch);
    const sbom = (ctx.manifest.files ?? []).find((f) => f.kind === "sbom" && artifact && f.name.startsWith(`${artifact.name}.`));
    if (!sbom) return [];
    return [{ image, sbom, predicateType: sbom.name.endsWith(".spdx.json") ? "https://spdx.dev/Document" : "https://cyclonedx.org/bom" }];
  });
}
async function readSbom(ctx, sbom) {
  const response = await ctx.http(sbom.url);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok || createHash6("sha256").update(bytes).digest("hex") !== sbom.sha256) {
    throw new FerryError("ArtifactCorrupt", {
      registry: ctx.registry,
      what: `${sbom.name} could not be read from the release with the sha256 manifest.json lists (HTTP ${response.status}).`,
      fix: "Check the release's assets, then re-run."
    });
  }
  return bytes;
}
async function floatingOf(ctx, registry) {
  const floating = dockerFloatingTags(ctx.version, await registry.listTags());
  return { floating, kept: tagsOf(ctx).floating.filter((tag) => !floating.includes(tag)) };
}
async function floatingBehind(ctx, registry, digest) {
  const behind = [];
  for (const tag of (await floatingOf(ctx, registry)).floating) {
    if ((await registry.headManifest(tag))?.digest !== digest) behind.push(tag);
  }
  return behind;
}
function conflict(ctx, tag, found, expected) {
  return new FerryError("PublishedContentDiffers", {
    registry: ctx.registry,
    what: `${where(ctx, tag)} already points to ${found}, not to this release's image ${expected}.`,
    why: "A version tag is never moved: pulls of it must keep giving the same image.",
    fix: "Release a new version; or delete the tag on the registry if the old image was a mistake."
  });
}
export {
  src_default as default
};
