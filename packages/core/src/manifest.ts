import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { FerryError } from "./errors.ts";

import { architectures, operatingSystems, type Arch, type Os } from "./targets.ts";

const artifactSchema = z.object({
  /** The asset's file name on the release, e.g. `hello_1.2.3_linux_amd64.tar.gz`. */
  name: z.string(),
  os: z.enum(operatingSystems),
  arch: z.enum(architectures),
  /** "musl" for a Linux build against musl libc; absent for the platform's usual libc. */
  libc: z.literal("musl").optional(),
  format: z.enum(["tar.gz", "zip"]),
  /** The binary's path inside the archive, e.g. `hello` or `hello.exe`. */
  binary: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Public download URL once the release is published. */
  url: z.string().url(),
});

/** What a release file other than an archive is, for spokes and installers that look for one. */
export const fileKinds = ["deb", "rpm", "apk", "installer", "package", "sbom", "signature", "file"] as const;

const fileSchema = z.object({
  /** The asset's file name on the release, e.g. `hello_1.2.3_amd64.deb`. */
  name: z.string(),
  kind: z.enum(fileKinds),
  /** The platform the file is for, when it is for one. */
  os: z.enum(operatingSystems).optional(),
  arch: z.enum(architectures).optional(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  url: z.string().url(),
});

export const releaseManifestSchema = z.object({
  schema: z.literal(1),
  project: z.string(),
  version: z.string(),
  tag: z.string(),
  repository: z.string(),
  /** The release page. */
  url: z.string().url(),
  artifacts: z.array(artifactSchema),
  /** Release assets besides the archives: Linux packages, installers, files the project attaches. */
  files: z.array(fileSchema).optional(),
});

export type Artifact = z.infer<typeof artifactSchema>;
export type FileKind = (typeof fileKinds)[number];
/** A release asset that is not an archive. */
export type AssetFile = z.infer<typeof fileSchema>;
/** manifest.json: every artifact of a release with its checksum, the single source of truth for spokes. */
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

export function parseManifest(text: string, source: string): ReleaseManifest {
  const result = releaseManifestSchema.safeParse(safeJson(text));
  if (!result.success) {
    throw new FerryError("ManifestMissing", {
      what: `${source} is not a ferry release manifest.`,
      why: result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
      fix: "Rebuild it with `ferry build` (or `ferry release`) for this tag.",
    });
  }
  return result.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function readManifest(path: string): Promise<ReleaseManifest> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new FerryError("InputMissing", {
      what: `Cannot read ${path}: ${error.code ?? error.message}.`,
      fix: "Point ferry at the directory a `ferry build` wrote (it holds manifest.json), or rebuild it.",
    });
  });
  return parseManifest(text, path);
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** Writes manifest.json with a stable key and asset order, so equal releases give equal bytes. */
export async function writeManifest(path: string, manifest: ReleaseManifest): Promise<void> {
  const { files, ...rest } = manifest;
  const sorted = { ...rest, artifacts: [...manifest.artifacts].sort(byName), ...(files?.length ? { files: [...files].sort(byName) } : {}) };
  await writeFile(path, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** Every asset of the release besides checksums.txt and manifest.json: archives first, then the other files. */
export function releaseAssets(manifest: ReleaseManifest): Array<{ name: string; sha256: string }> {
  return [...manifest.artifacts, ...(manifest.files ?? [])];
}

/** The signatures of checksums.txt (`checksums.txt.sigstore.json`, …): files of the release that checksums.txt cannot list. */
export const signsChecksums = (name: string): boolean => name.startsWith("checksums.txt.");

/** checksums.txt in `sha256sum` format: every asset but the signatures of checksums.txt itself. */
export function renderChecksums(manifest: ReleaseManifest): string {
  return releaseAssets(manifest)
    .filter((a) => !signsChecksums(a.name))
    .sort(byName)
    .map((a) => `${a.sha256}  ${a.name}\n`)
    .join("");
}

/**
 * The artifact that runs on a platform, if the release has one: its own build first, then a musl
 * build (Linux), then the universal binary (macOS).
 */
export function findArtifact(manifest: ReleaseManifest, os: Os, arch: Arch): Artifact | undefined {
  const on = (a: Artifact, wanted: Arch) => a.os === os && a.arch === wanted;
  return (
    manifest.artifacts.find((a) => on(a, arch) && !a.libc) ??
    manifest.artifacts.find((a) => on(a, arch)) ??
    manifest.artifacts.find((a) => on(a, "universal"))
  );
}
