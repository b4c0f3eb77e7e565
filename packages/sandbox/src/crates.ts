// A stateful stand-in for a cargo registry with a sparse index, written from cargo's registry docs
// (registry-index.md, registry-web-api.md): config.json, index files, the publish API and
// downloads. Real `cargo publish` uploads to it and real cargo resolves and downloads from it.
// With the sandbox's Sigstore issuer it also does crates.io's trusted publishing (RFC 3691, as
// crates.io's src/controllers/trustpub/tokens implements it): an OIDC ID token exchanged at
// POST /api/v1/trusted_publishing/tokens for a short-lived token that publishes only the crates
// whose trusted publisher is that repository and workflow, revoked by DELETE on the same path.
import { createHash, randomBytes, randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import type { SigstoreSandbox } from "./sigstore.ts";

/** The metadata JSON of a publish request (the fields the index needs). */
interface PublishMetadata {
  name: string;
  vers: string;
  deps?: Array<{
    name: string;
    version_req: string;
    features?: string[];
    optional?: boolean;
    default_features?: boolean;
    target?: string | null;
    kind?: string;
    registry?: string | null;
    explicit_name_in_toml?: string | null;
  }>;
  features?: Record<string, string[]>;
  links?: string | null;
  rust_version?: string | null;
}

export interface CratesSandbox {
  /** `http://127.0.0.1:<port>`: the API root. */
  url: string;
  /** The sparse index, `sparse+<url>/index/`. */
  index: string;
  /** The only token accepted for publishing. */
  token: string;
  /** FERRY_CRATES_INDEX and CARGO_REGISTRY_TOKEN pointing ferry at this registry. */
  env: Record<string, string>;
  /**
   * Instead of CARGO_REGISTRY_TOKEN: FERRY_CRATES_INDEX and the Sigstore issuer's GitHub Actions
   * ID token endpoint, whose tokens this registry exchanges (trusted publishing). Empty without one.
   */
  oidcEnv: Record<string, string>;
  /** Makes a GitHub repository's workflow file (e.g. release.yml) a trusted publisher of a crate, as its settings page does on crates.io. */
  trustPublisher(crate: string, publisher: { repository: string; workflow: string }): void;
  /** Every token trusted publishing minted, in order (revoked ones included). */
  mintedTokens: string[];
  /** Every publish request, in order: crate, version and answered status. */
  publishes: Array<{ name: string; vers: string; status: number }>;
  /** A stored .crate. */
  crate(name: string, version: string): Buffer | undefined;
  stop(): Promise<void>;
}

const validName = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const semver = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** The index path of a crate (registry-index.md): `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`. */
function indexPath(name: string): string {
  const n = name.toLowerCase();
  if (n.length <= 2) return `${n.length}/${n}`;
  if (n.length === 3) return `3/${n[0]}/${n}`;
  return `${n.slice(0, 2)}/${n.slice(2, 4)}/${n}`;
}

/** The prefix of crates.io's trusted publishing tokens (crates_io_trustpub's AccessToken). */
const trustedPrefix = "cio_tp_";
const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** AccessToken's one-character checksum: the XOR of the raw token's bytes, as an alphanumeric. */
const checksum = (raw: string) => alphanumeric[[...Buffer.from(raw)].reduce((a, b) => a ^ b, 0) % alphanumeric.length]!;
/** `cio_tp_` + 31 alphanumerics + their checksum. */
function mintToken(): string {
  const raw = Array.from({ length: 31 }, () => alphanumeric[randomInt(alphanumeric.length)]).join("");
  return `${trustedPrefix}${raw}${checksum(raw)}`;
}
const wellFormed = (token: string) => /^cio_tp_[A-Za-z0-9]{32}$/.test(token) && checksum(token.slice(7, 38)) === token[38];

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts the registry. With `sigstore`, trusted publishing exchanges that issuer's ID tokens
 * (checked against its JWKS; the audience is this registry's host, as crates.io's is its domain).
 */
export async function startCrates({ sigstore }: { sigstore?: SigstoreSandbox } = {}): Promise<CratesSandbox> {
  const token = `cio-sandbox-${randomBytes(16).toString("hex")}`;
  /** Lowercased name → index lines (as stored) and .crate files by version. */
  const crates = new Map<string, { lines: string[]; files: Map<string, Buffer> }>();
  const publishes: CratesSandbox["publishes"] = [];
  /** Trusted publishers: lowercased crate name → repository and workflow file. */
  const publishers: Array<{ crate: string; repository: string; workflow: string }> = [];
  /** Live trusted publishing tokens → the crates each may publish and when it expires. */
  const grants = new Map<string, { crates: Set<string>; expires: number }>();
  const mintedTokens: string[] = [];
  const usedJtis = new Set<string>();
  const jwks = sigstore ? createRemoteJWKSet(new URL(`${sigstore.issuer}/.well-known/jwks`)) : undefined;
  let url = "";

  /** As crates.io's publish: a trusted publishing token for an existing crate it names, else the API token. */
  function authorize(req: IncomingMessage, name: string): void {
    const given = (req.headers.authorization ?? "").replace(/^bearer /i, "");
    if (!given.startsWith(trustedPrefix)) {
      if (given !== token) throw new ApiError(403, "authentication failed: the token is missing or invalid");
      return;
    }
    if (!wellFormed(given)) throw new ApiError(401, "Invalid `Authorization` header: Failed to parse token");
    if (!crates.has(name.toLowerCase())) {
      throw new ApiError(403, "Trusted Publishing tokens do not support creating new crates. Publish the crate manually, first");
    }
    const grant = grants.get(given);
    if (!grant || grant.expires < Date.now()) throw new ApiError(403, "Invalid authentication token");
    if (!grant.crates.has(name.toLowerCase())) throw new ApiError(403, `The provided access token is not valid for crate \`${name}\``);
  }

  /** POST /api/v1/trusted_publishing/tokens: crates.io's checks of a GitHub Actions ID token, in its order and words. */
  async function exchange(body: Buffer): Promise<{ token: string }> {
    let jwt: unknown;
    try {
      jwt = (JSON.parse(body.toString("utf8")) as { jwt?: unknown }).jwt;
    } catch {
      throw new ApiError(400, "Failed to parse the request body as JSON");
    }
    if (typeof jwt !== "string") throw new ApiError(422, "Failed to deserialize the JSON body into the target type: missing field `jwt`");
    let issuer: string | undefined;
    let kid: string | undefined;
    try {
      issuer = decodeJwt(jwt).iss;
      kid = decodeProtectedHeader(jwt).kid;
    } catch {
      throw new ApiError(400, "Failed to decode JWT");
    }
    if (!sigstore || !jwks || issuer !== sigstore.issuer) throw new ApiError(400, `Unsupported JWT issuer: ${issuer}`);
    if (!kid) throw new ApiError(400, "Missing JWT key ID");
    let claims: Record<string, unknown>;
    try {
      claims = (await jwtVerify(jwt, jwks, { issuer: sigstore.issuer, audience: new URL(url).host, requiredClaims: ["jti", "exp"] }))
        .payload;
    } catch {
      throw new ApiError(400, "Failed to decode JWT");
    }
    const claim = (name: string) => (typeof claims[name] === "string" ? claims[name] : "");
    if (usedJtis.has(claim("jti"))) throw new ApiError(400, "JWT has already been used");
    usedJtis.add(claim("jti"));
    const event = claim("event_name");
    if (event === "pull_request_target" || event === "workflow_run") {
      throw new ApiError(
        400,
        `Trusted Publishing does not support the \`${event}\` event trigger due to security concerns. Please use a different trigger such as \`push\`, \`release\`, or \`workflow_dispatch\`.`,
      );
    }
    const repository = claim("repository");
    if (!repository.includes("/")) throw new ApiError(400, "Unexpected `repository` value");
    const workflow = /([^/]+\.(yml|yaml))(@.+)/.exec(claim("workflow_ref"))?.[1];
    if (!workflow) throw new ApiError(400, "Unexpected `workflow_ref` value");
    const configs = publishers.filter((p) => p.repository.toLowerCase() === repository.toLowerCase());
    if (configs.length === 0) throw new ApiError(400, `No Trusted Publishing config found for repository \`${repository}\`.`);
    const matching = configs.filter((p) => p.workflow === workflow);
    if (matching.length === 0) {
      throw new ApiError(
        400,
        `The Trusted Publishing config for repository \`${repository}\` does not match the workflow filename \`${workflow}\` in the JWT. Expected workflow filenames: ${configs.map((p) => `\`${p.workflow}\``).join(", ")}`,
      );
    }
    const minted = mintToken();
    grants.set(minted, { crates: new Set(matching.map((p) => p.crate)), expires: Date.now() + 30 * 60_000 });
    mintedTokens.push(minted);
    return { token: minted };
  }

  /** DELETE /api/v1/trusted_publishing/tokens: the token in Authorization stops working (204 whether or not it was live). */
  function revoke(req: IncomingMessage): void {
    const header = req.headers.authorization;
    if (!header) throw new ApiError(403, "this action requires authentication");
    const given = header.replace(/^bearer /i, "");
    if (!wellFormed(given)) throw new ApiError(401, "Invalid `Authorization` header: Failed to parse token");
    grants.delete(given);
  }

  function publish(req: IncomingMessage, body: Buffer): void {
    if (body.length < 4) throw new ApiError(400, "invalid upload request: missing metadata");
    const jsonLength = body.readUInt32LE(0);
    const crateStart = 4 + jsonLength + 4;
    if (body.length < crateStart) throw new ApiError(400, "invalid upload request: truncated body");
    let meta: PublishMetadata;
    try {
      meta = JSON.parse(body.subarray(4, 4 + jsonLength).toString("utf8")) as PublishMetadata;
    } catch {
      throw new ApiError(400, "invalid upload request: metadata is not JSON");
    }
    const crateLength = body.readUInt32LE(4 + jsonLength);
    const crate = body.subarray(crateStart, crateStart + crateLength);
    if (crate.length !== crateLength) throw new ApiError(400, "invalid upload request: truncated tarball");
    if (!validName.test(meta.name ?? "")) throw new ApiError(400, `invalid crate name: \`${meta.name}\``);
    if (!semver.test(meta.vers ?? "")) throw new ApiError(400, `invalid version: \`${meta.vers}\``);
    authorize(req, meta.name);

    const key = meta.name.toLowerCase();
    const existing = crates.get(key);
    const stored = existing?.lines.map((line) => JSON.parse(line) as { name: string; vers: string }) ?? [];
    if (stored.some((e) => e.vers.replace(/\+.*$/, "") === meta.vers.replace(/\+.*$/, ""))) {
      throw new ApiError(400, `crate version \`${meta.vers}\` is already uploaded`);
    }
    if (stored[0] && stored[0].name !== meta.name) {
      throw new ApiError(400, `crate was previously named \`${stored[0].name}\``);
    }
    const deps = (meta.deps ?? []).map((d) => ({
      // The index names a renamed dependency by its name in Cargo.toml and keeps the real one in `package`.
      name: d.explicit_name_in_toml ?? d.name,
      req: d.version_req,
      features: d.features ?? [],
      optional: d.optional ?? false,
      default_features: d.default_features ?? true,
      target: d.target ?? null,
      kind: d.kind ?? "normal",
      ...(d.registry ? { registry: d.registry } : {}),
      ...(d.explicit_name_in_toml ? { package: d.name } : {}),
    }));
    const line = {
      name: meta.name,
      vers: meta.vers,
      deps,
      cksum: createHash("sha256").update(crate).digest("hex"),
      features: meta.features ?? {},
      yanked: false,
      links: meta.links ?? null,
      ...(meta.rust_version ? { rust_version: meta.rust_version } : {}),
    };
    const entry = existing ?? { lines: [], files: new Map<string, Buffer>() };
    entry.lines.push(JSON.stringify(line));
    entry.files.set(meta.vers, Buffer.from(crate));
    crates.set(key, entry);
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://sandbox").pathname;
    const handle = async () => {
      if (req.method === "PUT" && path === "/api/v1/crates/new") {
        const body = await readBody(req);
        const name = safeName(body);
        try {
          publish(req, body);
          publishes.push({ ...name, status: 200 });
          return sendJson(res, 200, { warnings: { invalid_categories: [], invalid_badges: [], other: [] } });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          publishes.push({ ...name, status: error.status });
          return sendJson(res, error.status, { errors: [{ detail: error.message }] });
        }
      }
      if (path === "/api/v1/trusted_publishing/tokens" && (req.method === "POST" || req.method === "DELETE")) {
        const body = await readBody(req);
        try {
          if (req.method === "POST") return sendJson(res, 200, await exchange(body));
          revoke(req);
          return void res.writeHead(204).end();
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          return sendJson(res, error.status, { errors: [{ detail: error.message }] });
        }
      }
      if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { errors: [{ detail: "method not allowed" }] });
      if (path === "/index/config.json") {
        return sendJson(res, 200, { dl: `${url}/api/v1/crates`, api: url, "auth-required": false });
      }
      let m: RegExpMatchArray | null;
      if ((m = path.match(/^\/index\/(.+)$/))) {
        const name = m[1]!.split("/").pop()!;
        const entry = crates.get(name.toLowerCase());
        if (!entry || indexPath(name) !== m[1]) return notFound(res);
        const text = `${entry.lines.join("\n")}\n`;
        const etag = `"${createHash("sha256").update(text).digest("hex").slice(0, 16)}"`;
        if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
        return void res.writeHead(200, { "content-type": "text/plain", etag }).end(text);
      }
      if ((m = path.match(/^\/api\/v1\/crates\/([^/]+)\/([^/]+)\/download$/))) {
        const file = crates.get(m[1]!.toLowerCase())?.files.get(decodeURIComponent(m[2]!));
        if (!file) return notFound(res);
        return void res.writeHead(200, { "content-type": "application/gzip", "content-length": file.length }).end(file);
      }
      notFound(res);
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errors: [{ detail: String(error) }] });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const index = `sparse+${url}/index/`;

  return {
    url,
    index,
    token,
    env: { FERRY_CRATES_INDEX: index, CARGO_REGISTRY_TOKEN: token },
    oidcEnv: sigstore ? { FERRY_CRATES_INDEX: index, ...sigstore.env } : {},
    trustPublisher: (crate, { repository, workflow }) => void publishers.push({ crate: crate.toLowerCase(), repository, workflow }),
    mintedTokens,
    publishes,
    crate: (name, version) => crates.get(name.toLowerCase())?.files.get(version),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The crate and version a publish body names, for the request log, whatever else is wrong with it. */
function safeName(body: Buffer): { name: string; vers: string } {
  try {
    const meta = JSON.parse(body.subarray(4, 4 + body.readUInt32LE(0)).toString("utf8")) as PublishMetadata;
    return { name: String(meta.name), vers: String(meta.vers) };
  } catch {
    return { name: "", vers: "" };
  }
}

function notFound(res: ServerResponse) {
  sendJson(res, 404, { errors: [{ detail: "Not Found" }] });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
