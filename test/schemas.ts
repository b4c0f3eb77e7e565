// Validates rendered files against the registries' official JSON schemas, vendored in test/schemas/ (SOURCES.md).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS with a default export; under NodeNext its callable is on .default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Path of an official schema, relative to test/schemas/. */
const schemaPath = (relative: string): string => resolve(import.meta.dirname, "schemas", relative);

/**
 * A draft-07 validator for one schema file; it returns ajv's errors as readable lines (empty when valid),
 * so a failing test shows what the registry would reject.
 */
export function schemaValidator(relative: string): (data: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // winget's schemas mark 64-bit integers with a format ajv does not know.
  ajv.addFormat("long", { type: "number", validate: Number.isSafeInteger });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath(relative), "utf8")) as object);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`));
}
