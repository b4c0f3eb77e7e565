import { z } from "zod";
import { FerryError } from "./errors.ts";

/** Placeholders of the build: `build.command`, `build.env.*`, `build.prebuilt`. */
export const buildPlaceholders = [
  "project",
  "binary",
  "version",
  "tag",
  "os",
  "arch",
  "goarch",
  "goarm",
  "triple",
  "ext",
  "output",
] as const;
/** Placeholders of `archives.name`. */
export const archivePlaceholders = ["project", "binary", "version", "tag", "os", "arch", "ext"] as const;
/** Placeholders of `release.files` paths. */
export const filePlaceholders = ["project", "binary", "version", "tag"] as const;
/** Placeholders of `release.name`. */
export const releasePlaceholders = ["project", "binary", "version", "tag", "previousTag", "date"] as const;
/** Placeholders of `release.notes`: the release's, plus the changes. */
export const notesPlaceholders = [...releasePlaceholders, "changes"] as const;

const placeholder = /\{\{(.*?)\}\}/g;

/** Every `{{…}}` in a template, as written between the braces (trimmed). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(placeholder)].map((m) => m[1]!.trim());
}

/** The placeholders a template uses that are not among `known`. */
export function unknownPlaceholders(template: string, known: readonly string[]): string[] {
  return [...new Set(placeholders(template).filter((name) => !known.includes(name)))];
}

const problem = (unknown: string[], known: readonly string[]) =>
  `unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(", ")}; known here: ${known.map((k) => `{{${k}}}`).join(", ")}`;

/** A ferry.yaml string that is a template over `known`: an unknown placeholder is a config error at its path. */
export const templateString = (known: readonly string[]) =>
  z.string().superRefine((template, ctx) => {
    const unknown = unknownPlaceholders(template, known);
    if (unknown.length) ctx.addIssue({ code: "custom", message: problem(unknown, known) });
  });

/**
 * Fills `{{name}}` placeholders: the one template function of ferry.yaml. A placeholder without a
 * value is an error naming the key it came from (`path`, e.g. `release.name`), never left literally.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>, path: string): string {
  const unknown = unknownPlaceholders(template, Object.keys(values));
  if (unknown.length) {
    throw new FerryError("ConfigInvalid", {
      what: `${path}: ${problem(unknown, Object.keys(values))}.`,
      fix: `Fix ${path} in ferry.yaml.`,
    });
  }
  return template.replace(placeholder, (_, name: string) => values[name.trim()]!);
}
