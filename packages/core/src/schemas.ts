import { isAbsolute, normalize } from "node:path";
import { z } from "zod";

/** An http(s) URL. Other schemes (javascript:, file:, data:) are refused wherever ferry takes a URL. */
export function httpUrl() {
  // The pattern says it in the JSON Schema too, whose uri format takes every scheme.
  return z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }).meta({ pattern: "^https?://" });
}

/** A relative path that stays inside the directory it is resolved against (no leading `/`, no climbing out with `..`). */
export function innerPath() {
  return z
    .string()
    .min(1)
    .refine(
      (path) => !isAbsolute(path) && !/^\.\.(?:[/\\]|$)/.test(normalize(path)),
      "expected a relative path inside the project (no leading / and no ..)",
    );
}

/** The name of an environment variable (a registry's token is read from the one named). */
export function envName() {
  return z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected the name of an environment variable, such as MY_TOKEN");
}

/** `owner/name` of a GitHub repository. */
export function repositoryName() {
  return z.string().regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name");
}
