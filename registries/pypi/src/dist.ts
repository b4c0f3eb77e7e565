import { openAsBlob } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { FerryError, hashFile, readEntries } from "@ferry/core";
import type { Wheel } from "./wheel.ts";

const registry = "pypi";

/** One file to upload, with the core metadata it carries. */
export interface Distribution {
  filename: string;
  sha256: string;
  filetype: "bdist_wheel" | "sdist";
  /** The wheel's Python tag (`py3`, `cp312`, …), or `source` for an sdist. */
  pyversion: string;
  /** Its core metadata as written in the file (a wheel's METADATA, an sdist's PKG-INFO). */
  metadata: string;
  content(): Promise<Blob>;
}

/** A wheel ferry made from a release binary. */
export const wheelDistribution = (wheel: Wheel, metadata: string): Distribution => ({
  filename: wheel.filename,
  sha256: wheel.sha256,
  filetype: "bdist_wheel",
  pyversion: "py3",
  metadata,
  content: () => Promise.resolve(new Blob([wheel.bytes])),
});

/** A wheel's file name has five or six dash-separated parts (PEP 427); the Python tag is third from the end. */
const wheelParts = (filename: string) => filename.slice(0, -".whl".length).split("-");

/**
 * The wheels (`*.whl`) and sdists (`*.tar.gz`) in `dir`, as prebuilt by the project's own Python
 * build. Each is read from disk once to hash it; the upload streams it again.
 */
export async function readDistributions(dir: string, shownAs: string): Promise<Distribution[]> {
  const names = await readdir(dir).catch(() => {
    throw new FerryError("InputMissing", {
      registry,
      what: `The directory ${shownAs} (option \`dist\`) does not exist.`,
      fix: "Build the Python distributions first (e.g. `python -m build --outdir dist`), or point `dist` at where they are.",
    });
  });
  const files = names.filter((name) => name.endsWith(".whl") || name.endsWith(".tar.gz")).sort();
  if (files.length === 0) {
    throw new FerryError("InputMissing", {
      registry,
      what: `${shownAs} (option \`dist\`) has no wheel (*.whl) or sdist (*.tar.gz).`,
      fix: "Build the Python distributions into it first (e.g. `python -m build --outdir dist`).",
    });
  }
  return Promise.all(files.map((filename) => readDistribution(join(dir, filename), filename, shownAs)));
}

async function readDistribution(path: string, filename: string, shownAs: string): Promise<Distribution> {
  const wheel = filename.endsWith(".whl");
  if (wheel && ![5, 6].includes(wheelParts(filename).length)) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `${shownAs}/${filename} is not a valid wheel file name.`,
      why: "A wheel is named <name>-<version>[-<build>]-<python>-<abi>-<platform>.whl (PEP 427).",
      fix: "Upload the file as the build backend named it.",
    });
  }
  const entries = wheel
    ? await readEntries(path, "zip", (name) => /^[^/]+\.dist-info\/METADATA$/.test(name))
    : await readEntries(path, "tar.gz", (name) => /^[^/]+\/PKG-INFO$/.test(name));
  if (entries.size !== 1) {
    throw new FerryError("ArtifactCorrupt", {
      registry,
      what: `${shownAs}/${filename} has ${entries.size === 0 ? "no" : "more than one"} ${wheel ? "*.dist-info/METADATA" : "<name>-<version>/PKG-INFO"}.`,
      fix: "Rebuild it with the project's build backend (e.g. `python -m build`).",
    });
  }
  return {
    filename,
    sha256: await hashFile(path),
    filetype: wheel ? "bdist_wheel" : "sdist",
    pyversion: wheel ? wheelParts(filename).at(-3)! : "source",
    metadata: [...entries.values()][0]!.toString("utf8"),
    content: () => openAsBlob(path),
  };
}

/** Core metadata's `Key: value` headers (continuation lines folded back in), then the body as `Description`. */
export function parseMetadata(text: string): Array<[string, string]> {
  const normalized = text.replace(/\r\n/g, "\n");
  const split = normalized.indexOf("\n\n");
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? "" : normalized.slice(split + 2);
  const fields: Array<[string, string]> = [];
  for (const line of head.split("\n")) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last[1] += `\n${line.replace(/^[ \t]+\|?/, "")}`;
    else if (line.includes(":")) fields.push([line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]);
  }
  if (body.trim()) fields.push(["Description", body]);
  return fields;
}

/** The upload API's names for the multiple-use fields that twine and PyPI spell in the plural. */
const plural: Record<string, string> = {
  classifier: "classifiers",
  project_url: "project_urls",
  provides_extra: "provides_extras",
  license_file: "license_files",
};

/**
 * The upload form's metadata fields: every core metadata field, lowercased with `-` as `_`
 * (PyPI's upload API documentation), multiple-use fields repeated.
 */
export function metadataFields(metadata: string): Array<[string, string]> {
  return parseMetadata(metadata).map(([key, value]) => {
    const field = key.toLowerCase().replace(/-/g, "_");
    return [plural[field] ?? field, value];
  });
}

/** The one value of a core metadata field. */
export const metadataField = (metadata: string, key: string): string | undefined =>
  parseMetadata(metadata).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
