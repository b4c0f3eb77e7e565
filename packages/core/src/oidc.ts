/**
 * The CI's OIDC identity, as registries take it for trusted publishing and Fulcio for keyless
 * signing: GitHub Actions hands a job with `permissions: id-token: write` a request URL and token
 * (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN), which give an ID token for any audience.
 */
import { FerryError } from "./errors.ts";
import { createHttp, readJson, type Http } from "./http.ts";
import { addSecret } from "./secrets.ts";

/** Where the identity is read from: an adapter's context, or one made from an environment. */
export interface OidcSource {
  env(name: string): string | undefined;
  secret(name: string): string | undefined;
}

export interface IdTokenOptions {
  /** The registry (or service) the token is for, for errors. */
  registry: string;
  /** A variable that may hold a ready ID token, used instead of asking GitHub Actions. */
  given?: string;
  /** The HTTP client to ask with (an adapter's `ctx.http`); one of its own otherwise. */
  http?: Http;
}

/** Whether an ID token can be had: the `given` variable is set, or the job may ask GitHub Actions for one. */
export function idTokenAvailable(source: OidcSource, given?: string): boolean {
  if (given && source.secret(given)) return true;
  return Boolean(source.env("ACTIONS_ID_TOKEN_REQUEST_URL") && source.secret("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
}

/**
 * An OIDC ID token with the audience `audience`: the `given` variable's, else one requested from
 * GitHub Actions; undefined when neither is there. The token is remembered as a secret, so no
 * output shows it.
 */
export async function idToken(source: OidcSource, audience: string, options: IdTokenOptions): Promise<string | undefined> {
  const { registry, given } = options;
  const ready = given ? source.secret(given) : undefined;
  if (ready) return ready;
  const requestUrl = source.env("ACTIONS_ID_TOKEN_REQUEST_URL");
  const requestToken = source.secret("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
  if (!requestUrl || !requestToken) return undefined;
  const url = new URL(requestUrl);
  url.searchParams.set("audience", audience);
  const http = options.http ?? createHttp(registry);
  const response = await http(url, { headers: { accept: "application/json", authorization: `Bearer ${requestToken}` } });
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry,
      what: `GitHub Actions answered ${response.status} when asked for an OIDC ID token (audience ${audience}).`,
      why: (await response.text()).trim().slice(0, 300) || undefined,
      fix: "Give the job `permissions: id-token: write`.",
    });
  }
  const { value } = await readJson<{ value?: string }>(response, registry);
  if (!value) {
    throw new FerryError("RegistryRefused", { registry, what: "GitHub Actions answered the OIDC ID token request without a token." });
  }
  addSecret(value);
  return value;
}
