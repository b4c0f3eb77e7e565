import { addSecret, basicAuthorization, FerryError, idToken, idTokenAvailable, readJson, type Context } from "@ferry/core";
import { FormData } from "undici";
import type { Attestation } from "./attestation.ts";
import { metadataFields, type Distribution } from "./dist.ts";
import { normalizeName } from "./wheel.ts";

const registry = "pypi";

export interface Endpoints {
  /** The upload API, e.g. https://upload.pypi.org/legacy/. */
  repository: string;
  /** The JSON API's base, e.g. https://pypi.org. */
  index: string;
}

/** The files of one release as the JSON API lists them: filename → sha256. */
export type ReleaseFiles = Map<string, string>;

interface ReleaseJson {
  urls?: Array<{ filename: string; digests?: { sha256?: string } }>;
}

/**
 * GETs a JSON document of the index. undefined when it answers 404; throws on anything it cannot
 * read, so a doubt is never taken for "absent". `fix` says what to do when it refuses.
 */
export async function readIndexJson<T>(ctx: Context<unknown>, url: URL, accept: string, fix: string): Promise<T | undefined> {
  const response = await ctx.http(url, { headers: { accept } });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry,
      what: `${url.host} answered ${response.status} to GET ${url.pathname}.`,
      why: (await response.text()).slice(0, 200),
      fix,
    });
  }
  return readJson<T>(response, registry);
}

/** Reads `GET /pypi/<project>/<version>/json`. undefined when the release has no file yet (404). */
export async function readRelease(ctx: Context<unknown>, index: string, name: string, version: string): Promise<ReleaseFiles | undefined> {
  const url = new URL(`pypi/${normalizeName(name)}/${version}/json`, withSlash(index));
  const body = await readIndexJson<ReleaseJson>(
    ctx,
    url,
    "application/json",
    "Check the index URL (option `index` or FERRY_PYPI_URL), then re-run.",
  );
  if (!body) return undefined;
  if (!Array.isArray(body.urls)) {
    throw new FerryError("RegistryRefused", {
      registry,
      what: `${url.host} answered GET ${url.pathname} without the \`urls\` list of PyPI's JSON API.`,
      fix: "Point the option `index` (or FERRY_PYPI_URL) at a PyPI-compatible index.",
    });
  }
  return new Map(body.urls.map((file) => [file.filename, file.digests?.sha256 ?? ""]));
}

export const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);

/** The upload API's answer: accepted, or refused because a file of that name is already there. */
export type UploadResult = "uploaded" | "exists";

/** Uploads one file as twine does: multipart form, `:action=file_upload`, its core metadata, Basic auth as `__token__`. */
export async function uploadDistribution(
  ctx: Context<unknown>,
  endpoints: Endpoints,
  token: string,
  dist: Distribution,
  attestations: Attestation[] = [],
): Promise<UploadResult> {
  const form = new FormData();
  const fields: Array<[string, string]> = [
    [":action", "file_upload"],
    ["protocol_version", "1"],
    ["filetype", dist.filetype],
    ["pyversion", dist.pyversion],
    ["sha256_digest", dist.sha256],
    ...metadataFields(dist.metadata),
  ];
  for (const [key, value] of fields) if (value !== "") form.append(key, value);
  // PEP 740: a JSON array of attestation objects, checked by the index before it takes the file.
  if (attestations.length) form.append("attestations", JSON.stringify(attestations));
  form.append("content", await dist.content(), dist.filename);

  const response = await ctx.http(endpoints.repository, {
    method: "POST",
    body: form,
    headers: { authorization: basicAuthorization("__token__", token) },
  });
  const text = await response.text();
  if (response.ok) return "uploaded";
  if ((response.status === 400 || response.status === 409) && /file already exists/i.test(text)) return "exists";
  const denied = response.status === 401 || response.status === 403;
  throw new FerryError("RegistryRefused", {
    registry,
    what: `${new URL(endpoints.repository).host} refused ${dist.filename} (${response.status}).`,
    why: text.trim().slice(0, 500),
    fix: denied
      ? "Check that PYPI_TOKEN is an API token with upload rights for this project (or that trusted publishing is configured for this workflow)."
      : "Fix what the index reports, then re-run; files already uploaded are kept.",
  });
}

/**
 * The upload token: PYPI_TOKEN, else a short-lived token minted by trusted publishing (an OIDC
 * id-token of the GitHub Actions job exchanged at the index), else a SecretMissing error.
 * `trusted` tells which: PyPI takes attestations only from trusted publishers.
 */
export async function uploadToken(ctx: Context<unknown>, index: string): Promise<{ token: string; trusted: boolean }> {
  const token = ctx.secret("PYPI_TOKEN");
  if (token) return { token, trusted: false };
  if (!idTokenAvailable(ctx)) {
    throw new FerryError("SecretMissing", {
      registry,
      what: "No PyPI credentials: PYPI_TOKEN is not set and no GitHub Actions id-token is available.",
      fix: "Set PYPI_TOKEN to an API token from https://pypi.org/manage/account/token/, or configure a trusted publisher on PyPI and grant the job `id-token: write`.",
    });
  }
  const base = withSlash(index);
  const { audience } = await postOrGet<{ audience?: string }>(ctx, new URL("_/oidc/audience", base));
  const jwt = await idToken(ctx, audience ?? "pypi", { registry, http: ctx.http });
  const minted = await postOrGet<{ token?: string }>(ctx, new URL("_/oidc/mint-token", base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: jwt }),
  });
  if (!minted.token) {
    throw new FerryError("RegistryRefused", {
      registry,
      what: "PyPI did not mint an upload token for this workflow's id-token.",
      fix: "Register this repository and workflow as a trusted publisher of the project on PyPI, or set PYPI_TOKEN.",
    });
  }
  addSecret(minted.token);
  return { token: minted.token, trusted: true };
}

/** One step of the token exchange: its JSON answer, or a RegistryRefused naming the step. */
async function postOrGet<T>(ctx: Context<unknown>, url: URL, init: Parameters<Context<unknown>["http"]>[1] = {}): Promise<T> {
  const response = await ctx.http(url, init);
  if (response.ok) return readJson<T>(response, registry);
  throw new FerryError("RegistryRefused", {
    registry,
    what: `Trusted publishing: ${url.host}${url.pathname} answered ${response.status}.`,
    why: (await response.text()).trim().slice(0, 500),
    fix: "Register this repository and workflow as a trusted publisher of the project on PyPI and grant the job `id-token: write`, or set PYPI_TOKEN.",
  });
}
