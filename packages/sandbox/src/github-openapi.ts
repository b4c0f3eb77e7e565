// Checks GitHub responses against GitHub's own OpenAPI description (@octokit/openapi), so the stand-in is
// held to the published spec rather than to what its author believed. Loading the description takes ~1s.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import type { ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS with a default export; under NodeNext its callable is on .default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

/**
 * Adapts OpenAPI 3.0 schemas to what ajv checks faithfully:
 * - GitHub's description has oneOf branches that overlap (a 409 is "Basic Error" or "Repository rule
 *   violation", and every property of both is optional), so a correct body matches several branches and a
 *   strict oneOf rejects it. Reading oneOf as anyOf still requires the body to match a documented shape.
 * - `nullable` without `type` (a nullable oneOf) means "or null" in OpenAPI 3.0; ajv refuses it.
 */
function normalize(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalize);
  if (!schema || typeof schema !== "object") return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k === "oneOf" ? "anyOf" : k, normalize(v)]));
  if (nullable !== true) return out;
  return "type" in out ? { ...out, nullable: true } : { anyOf: [out, { type: "null" }] };
}

const BASIC_ERROR = {
  type: "object",
  required: ["message", "documentation_url", "status"],
  properties: { message: { type: "string" }, documentation_url: { type: "string" }, status: { type: "string" } },
};

export interface OpenApiChecker {
  /**
   * Validates one JSON response body; throws with ajv's errors if it does not match. Returns the operation
   * ("GET /repos/{owner}/{repo}/releases 200") it was checked against.
   */
  check(method: string, url: string, status: number, body: unknown): string;
}

export function openApiChecker(): OpenApiChecker {
  const require = createRequire(import.meta.url);
  const file = require.resolve("@octokit/openapi/generated/api.github.com.deref.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as { paths: Record<string, Record<string, Operation>> };
  // Literal segments win over parameters, so /releases/latest is not read as /releases/{release_id}.
  const templates = Object.keys(spec.paths)
    .map((template) => ({
      template,
      // File paths and ref names span segments; an empty file path lists the repository root.
      pattern: new RegExp(
        `^${template
          .replace(/\/\{path\}$/, "(?:/.*)?")
          .replace(/\{(ref|branch)\}/g, ".+")
          .replace(/\{[^}]+\}/g, "[^/]+")}$`,
      ),
      params: (template.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();

  return {
    check(method, url, status, body) {
      // Uploads live on their own host (uploads.github.com); the stand-in serves them under /api/uploads.
      const path = new URL(url).pathname.replace(/^\/api\/uploads/, "");
      const found = templates.find((t) => t.pattern.test(path) && spec.paths[t.template]![method.toLowerCase()]);
      if (!found) throw new Error(`no operation in GitHub's OpenAPI description for ${method} ${path}`);
      const operation = spec.paths[found.template]![method.toLowerCase()]!;
      const key = `${method.toUpperCase()} ${found.template} ${status}`;
      // Errors the description leaves undocumented for an operation (a 404 on most of them) still come in
      // GitHub's general error shape.
      const schema =
        operation.responses[String(status)]?.content?.["application/json"]?.schema ?? (status >= 400 ? BASIC_ERROR : undefined);
      if (!schema) throw new Error(`${key}: the description has no JSON body for this status`);
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(normalize(schema) as object);
        compiled.set(key, validate);
      }
      if (!validate(body)) throw new Error(`${key}: ${ajv.errorsText(validate.errors, { separator: "\n" })}`);
      return key;
    },
  };
}
