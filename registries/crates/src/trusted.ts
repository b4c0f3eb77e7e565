// crates.io trusted publishing (RFC 3691; crates.io/docs/trusted-publishing): the CI's OIDC ID
// token, with the registry's domain as audience, is exchanged at POST /api/v1/trusted_publishing/tokens
// for a token valid 30 minutes for the crates whose trusted publisher this workflow is, and revoked
// with DELETE on the same path once cargo is done, as rust-lang/crates-io-auth-action does.
import { addSecret, FerryError, idToken, idTokenAvailable, readJson, type Context } from "@ferry/core";
import { cratesIo, indexUrl, type Crate, type CrateOptions } from "./cargo.ts";
import { readIndex } from "./sparse.ts";

const registry = "crates";

export const tokenFix =
  "Create a token with the publish-update scope (publish-new for a first release) at https://crates.io/settings/tokens and set it as CARGO_REGISTRY_TOKEN, or add this workflow as the crate's trusted publisher on crates.io (Settings → Trusted Publishing) and give the job `permissions: id-token: write`.";

/** The token cargo publishes with, and what to do once it is done. */
export interface PublishToken {
  token: string;
  /** Whether trusted publishing minted it. */
  trusted: boolean;
  /** Revokes a token that trusted publishing minted; never throws. */
  release(): Promise<void>;
}

/** Whether trusted publishing can be used: no CARGO_REGISTRY_TOKEN, and the CI hands out ID tokens. */
export const trustedPublishing = (ctx: Context<CrateOptions>) => !ctx.secret("CARGO_REGISTRY_TOKEN") && idTokenAvailable(ctx);

/**
 * CARGO_REGISTRY_TOKEN when set (it is preferred); else a token from trusted publishing; else a
 * SecretMissing error.
 */
export async function publishToken(ctx: Context<CrateOptions>, crate: Crate): Promise<PublishToken> {
  const stored = ctx.secret("CARGO_REGISTRY_TOKEN");
  if (stored) return { token: stored, trusted: false, release: () => Promise.resolve() };
  if (!idTokenAvailable(ctx)) {
    throw new FerryError("SecretMissing", {
      registry,
      what: "CARGO_REGISTRY_TOKEN is not set, and no OIDC ID token is available for trusted publishing.",
      fix: tokenFix,
    });
  }
  const index = indexUrl(ctx);
  await publishedBefore(ctx, crate);
  const endpoint = new URL("api/v1/trusted_publishing/tokens", `${await apiUrl(ctx, index)}/`);
  // The audience is the registry's domain (crates-io-auth-action: the API URL without its scheme).
  const audience = endpoint.host;
  const response = await ctx.http(endpoint, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    // An ID token is exchanged once (crates.io records its jti): each attempt asks for a fresh one.
    body: async () => JSON.stringify({ jwt: await idToken(ctx, audience, { registry, http: ctx.http }) }),
  });
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry,
      what: `${endpoint.host} refused to exchange this workflow's OIDC ID token for a publish token (${response.status}).`,
      why: await errorDetail(response),
      fix: `On crates.io, open ${crate.name}'s Settings → Trusted Publishing and add this repository and workflow file (and environment, if the job has one); or set CARGO_REGISTRY_TOKEN.`,
    });
  }
  const { token } = await readJson<{ token?: string }>(response, registry);
  if (!token) throw new FerryError("RegistryRefused", { registry, what: `${endpoint.host} exchanged the OIDC ID token for no token.` });
  addSecret(token);
  return {
    token,
    trusted: true,
    async release() {
      const revoked = await ctx.http(endpoint, { method: "DELETE", headers: { authorization: `Bearer ${token}` } }).then(
        async (r) => (r.ok ? undefined : `${r.status}: ${await errorDetail(r)}`),
        (error: unknown) => (error as Error).message,
      );
      if (revoked) ctx.log(`could not revoke the trusted publishing token (${revoked}); it expires by itself within 30 minutes`);
    },
  };
}

/** How many versions of the crate the index lists; none is an error, since trusted publishing cannot create a crate. */
export async function publishedBefore(ctx: Context<CrateOptions>, crate: Crate): Promise<number> {
  const versions = (await readIndex(ctx, indexUrl(ctx), crate.name)).length;
  if (versions === 0) {
    throw new FerryError("SecretMissing", {
      registry,
      what: `${crate.name} has never been published, and trusted publishing cannot create a crate.`,
      fix: "Publish the crate's first version with CARGO_REGISTRY_TOKEN (a token with the publish-new scope), then add this workflow as its trusted publisher.",
    });
  }
  return versions;
}

/** The registry's API root: crates.io's, or the `api` of the index's config.json. */
async function apiUrl(ctx: Context<CrateOptions>, index: string): Promise<string> {
  if (index === cratesIo) return "https://crates.io";
  const url = new URL("config.json", index.replace(/^sparse\+/, ""));
  const response = await ctx.http(url);
  const { api } = response.ok ? await readJson<{ api?: string }>(response, registry) : {};
  if (!api) {
    throw new FerryError("RegistryRefused", {
      registry,
      what: `${url.href} names no API (answered ${response.status}), so there is nowhere to exchange an OIDC ID token.`,
      fix: "Set CARGO_REGISTRY_TOKEN, or point `index` at a registry that has an API.",
    });
  }
  return api.replace(/\/+$/, "");
}

/** A crates.io error answer's details (`{"errors":[{"detail":…}]}`), else its text. */
async function errorDetail(response: { text(): Promise<string> }): Promise<string> {
  const text = (await response.text()).trim();
  try {
    const { errors } = JSON.parse(text) as { errors?: Array<{ detail?: string }> };
    if (errors?.length) return errors.map((e) => e.detail).join("; ");
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 300);
}
