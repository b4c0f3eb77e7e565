import { readFile } from "node:fs/promises";
import { FerryError, addSecret, idToken, readJson, redact, type Context, type SerializedBundle } from "@ferry/core";
import type { NpmOptions } from "./options.ts";
import type { DistAttestations } from "./provenance.ts";
import type { RenderedPackage } from "./render.ts";

type Ctx = Context<NpmOptions>;

/** The registry base URL, always ending in `/` so paths resolve below it. */
export function registryUrl(ctx: Ctx): string {
  const url = ctx.options.registry ?? ctx.env("NPM_CONFIG_REGISTRY") ?? ctx.env("npm_config_registry") ?? "https://registry.npmjs.org";
  return url.endsWith("/") ? url : `${url}/`;
}

/** `@scope/name` → `@scope%2fname`, the form npm itself puts in request paths. */
const escapeName = (name: string): string => encodeURIComponent(name).replace(/^%40/, "@").replace("%2F", "%2f");

export type Remote =
  { state: "absent" } | { state: "present"; shasum: string; integrity: string | undefined; attestations: DistAttestations | undefined };

/**
 * Reads one version's document. The per-version URL is live right after a publish, unlike the
 * packument, which CDNs cache for minutes and cache 404s of.
 */
export async function readVersion(ctx: Ctx, name: string, version: string): Promise<Remote> {
  const url = new URL(`${escapeName(name)}/${encodeURIComponent(version)}`, registryUrl(ctx));
  const token = ctx.secret("NODE_AUTH_TOKEN") ?? ctx.secret("NPM_TOKEN");
  const response = await ctx.http(url, {
    headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return { state: "absent" };
  }
  if (response.status !== 200) throw await refused(ctx, response, `GET ${url.pathname}`);
  const body = await readJson<{ dist?: { shasum?: string; integrity?: string; attestations?: DistAttestations } }>(response, ctx.registry);
  if (!body.dist?.shasum) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `${url.host} answered GET ${url.pathname} without dist.shasum.`,
      why: "ferry cannot tell whether the published tarball is this release's.",
    });
  }
  return { state: "present", shasum: body.dist.shasum, integrity: body.dist.integrity, attestations: body.dist.attestations };
}

/**
 * Every version the package has (none for a new package), from its packument; `?write=true` asks
 * past npm's CDN, which caches the packument for minutes.
 */
export async function readVersions(ctx: Ctx, name: string): Promise<string[]> {
  const url = new URL(escapeName(name), registryUrl(ctx));
  url.searchParams.set("write", "true");
  const token = ctx.secret("NODE_AUTH_TOKEN") ?? ctx.secret("NPM_TOKEN");
  const response = await ctx.http(url, {
    headers: { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return [];
  }
  if (response.status !== 200) throw await refused(ctx, response, `GET ${url.pathname}`);
  const body = await readJson<{ versions?: Record<string, unknown> }>(response, ctx.registry);
  return Object.keys(body.versions ?? {});
}

export const sameTarball = (remote: Remote, pkg: RenderedPackage): boolean =>
  remote.state === "present" && remote.shasum === pkg.shasum && (remote.integrity === undefined || remote.integrity === pkg.integrity);

/**
 * Publishes one package the way `npm publish` does (libnpmpublish's document: the version's
 * manifest with its dist checksums, the dist-tag, and the tarball as a base64 attachment; with
 * `provenance`, its Sigstore bundle as the JSON attachment `<name>-<version>.sigstore`).
 * Answers "conflict" (with the registry's words) when it refused in a way that may mean the version exists.
 */
export async function putPackage(
  ctx: Ctx,
  pkg: RenderedPackage,
  tag: string,
  token: string,
  provenance?: SerializedBundle,
): Promise<{ state: "published" } | { state: "conflict"; why: string }> {
  const registry = registryUrl(ctx);
  const tarball = await readFile(pkg.tarball);
  const unscoped = pkg.name.replace(/^@[^/]+\//, "");
  const document = {
    _id: pkg.name,
    name: pkg.name,
    description: pkg.manifest.description,
    "dist-tags": { [tag]: pkg.version },
    versions: {
      [pkg.version]: {
        ...pkg.manifest,
        _id: `${pkg.name}@${pkg.version}`,
        dist: {
          shasum: pkg.shasum,
          integrity: pkg.integrity,
          tarball: new URL(`${pkg.name}/-/${unscoped}-${pkg.version}.tgz`, registry).href,
        },
      },
    },
    access: ctx.options.access,
    _attachments: {
      [`${pkg.name}-${pkg.version}.tgz`]: {
        content_type: "application/octet-stream",
        data: tarball.toString("base64"),
        length: tarball.length,
      },
      ...(provenance ? { [`${pkg.name}-${pkg.version}.sigstore`]: bundleAttachment(provenance) } : {}),
    },
  };
  const url = new URL(escapeName(pkg.name), registry);
  const response = await ctx.http(url, {
    method: "PUT",
    headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${token}`, "npm-command": "publish" },
    body: JSON.stringify(document),
  });
  if (response.ok) {
    await response.body?.cancel();
    return { state: "published" };
  }
  // npm answers a re-publish with 403 "cannot publish over…", Verdaccio and others with 409;
  // a 403 can also mean no permission, which only a re-read can tell apart.
  if (response.status === 403 || response.status === 409) {
    const why = redact(registryMessage(await response.text().catch(() => "")));
    return { state: "conflict", why: `${response.status}: ${why}` };
  }
  throw await refused(ctx, response, `PUT ${url.pathname}`);
}

function bundleAttachment(bundle: SerializedBundle) {
  const data = JSON.stringify(bundle);
  return { content_type: bundle.mediaType, data, length: data.length };
}

async function refused(ctx: Ctx, response: Awaited<ReturnType<Ctx["http"]>>, request: string): Promise<FerryError> {
  const host = new URL(response.url || registryUrl(ctx)).host;
  const text = redact(registryMessage(await response.text().catch(() => "")));
  const auth = response.status === 401 || response.status === 403;
  return new FerryError(response.status >= 500 ? "RegistryUnreachable" : "RegistryRefused", {
    registry: ctx.registry,
    what: `${host} answered ${request} with ${response.status}.`,
    ...(text ? { why: `The registry says: ${text}` } : {}),
    fix: auth
      ? "Check that the token (NODE_AUTH_TOKEN or NPM_TOKEN) is valid, has publish rights on the package, and, for automation, bypasses 2FA."
      : "Check the registry URL and try again; nothing else was changed.",
  });
}

/** The registry's own explanation: npm and Verdaccio answer `{"error": "…"}`, others plain text. */
function registryMessage(body: string): string {
  let message = body.trim();
  try {
    const json = JSON.parse(message) as { error?: unknown; message?: unknown };
    if (typeof json.error === "string") message = json.error;
    else if (typeof json.message === "string") message = json.message;
  } catch {
    // Not JSON: keep the text.
  }
  message = message.slice(0, 300);
  return message && !/[.!?]$/.test(message) ? `${message}.` : message;
}

/** The user the registry's `whoami` names for the token; throws when the token is refused. */
export async function whoami(ctx: Ctx, token: string): Promise<string> {
  const url = new URL("-/whoami", registryUrl(ctx));
  const response = await ctx.http(url, { headers: { accept: "application/json", authorization: `Bearer ${token}` } });
  if (!response.ok) throw await refused(ctx, response, `GET ${url.pathname}`);
  const { username } = await readJson<{ username?: string }>(response, ctx.registry);
  // Some registries (Verdaccio) answer an unknown token as an anonymous user: no username, as `npm whoami` reads it.
  if (!username) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `${url.host} answered GET ${url.pathname} with no user: it does not recognize the token.`,
      fix: "Check that the token (NODE_AUTH_TOKEN or NPM_TOKEN) is valid for this registry and has not been revoked.",
    });
  }
  return username;
}

/**
 * The token to publish `name` with: NODE_AUTH_TOKEN or NPM_TOKEN, else a short-lived one from
 * npm's trusted publishing (an OIDC ID token from the CI, exchanged per package).
 */
export async function publishToken(ctx: Ctx, name: string): Promise<string> {
  const token = ctx.secret("NODE_AUTH_TOKEN") ?? ctx.secret("NPM_TOKEN");
  if (token) return token;
  const idToken = await ciIdToken(ctx);
  if (!idToken) {
    throw new FerryError("SecretMissing", {
      registry: ctx.registry,
      what: "No npm token to publish with.",
      why: "Neither NODE_AUTH_TOKEN nor NPM_TOKEN is set, and no OIDC ID token is available for trusted publishing.",
      fix: "Set NPM_TOKEN to an automation token, or configure trusted publishing on npmjs.com and give the workflow `permissions: id-token: write`.",
    });
  }
  const url = new URL(`-/npm/v1/oidc/token/exchange/package/${escapeName(name)}`, registryUrl(ctx));
  const response = await ctx.http(url, { method: "POST", headers: { accept: "application/json", authorization: `Bearer ${idToken}` } });
  if (!response.ok) throw await refused(ctx, response, `POST ${url.pathname} (trusted publishing)`);
  const { token: exchanged } = await readJson<{ token?: string }>(response, ctx.registry);
  if (!exchanged)
    throw new FerryError("RegistryRefused", { registry: ctx.registry, what: `${url.host} exchanged the ID token for no token.` });
  addSecret(exchanged);
  return exchanged;
}

/** An OIDC ID token for the registry: NPM_ID_TOKEN, or one requested from GitHub Actions. */
const ciIdToken = (ctx: Ctx) =>
  idToken(ctx, `npm:${new URL(registryUrl(ctx)).host}`, { registry: ctx.registry, given: "NPM_ID_TOKEN", http: ctx.http });
