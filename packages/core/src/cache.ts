import { createHash } from "node:crypto";
import { access, copyFile, link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { extractFile, hashFile, temporaryPath, writeHashed } from "./archive.ts";
import { FerryError } from "./errors.ts";
import { createHttp } from "./http.ts";
import type { Artifact } from "./manifest.ts";

/** What a download needs of a release asset: an archive, or a file such as a .deb. */
type ReleaseFile = Pick<Artifact, "name" | "sha256" | "url">;

/**
 * What ferry derives from a release's archives, shared by every registry of a run. Each entry
 * lives under <output>/cache/<archive sha256>/, so two releases never share one, and appears only
 * once complete (written under a temporary name, then renamed). Nothing is used before it is
 * checked: an archive against the manifest's sha256, an extracted binary against the sha256
 * recorded when it was extracted. A damaged entry is removed and made again.
 *
 * Files made from those (a package tarball, an image layer) live under <output>/cache/derived/<key>/,
 * where the key is a hash of everything the file is made of (`contentKey`): made once, by whichever
 * step needs it first, and reused by every later step and run that asks for the same content.
 */
export interface ArchiveCache {
  /** A local copy of the archive (or other release file) with the manifest's sha256: the one in the output directory, else a download. */
  archive(artifact: ReleaseFile): Promise<string>;
  /** The archive's binary, extracted. */
  binary(artifact: Artifact): Promise<string>;
  /**
   * The file of this content key: made by `make` (which writes `out` and returns what to record of
   * it, its sha256 at least) unless a checked one is there already, then kept as `name`.
   */
  derived<Record extends DerivedRecord>(key: string, name: string, make: (out: string) => Promise<Record>): Promise<Derived<Record>>;
  /**
   * What was recorded of the file of this content key when it was made, without reading the file
   * (for a step that needs only its digests, such as exists()); undefined when none was made here.
   */
  derivedRecord<Record extends DerivedRecord>(key: string): Promise<Record | undefined>;
}

/** What is recorded of a derived file: its sha256 (checked before every reuse) and whatever its maker adds. */
export interface DerivedRecord {
  sha256: string;
}

export interface Derived<Record extends DerivedRecord> {
  file: string;
  record: Record;
}

/** A key for `derived`: the sha256 of everything a file is made of (names, versions, digests of its inputs). */
export const contentKey = (...parts: unknown[]): string => createHash("sha256").update(JSON.stringify(parts)).digest("hex");

/** Places a cached file at `to`: a hard link, or a copy where the file system has none. */
export async function placeFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await rm(to, { force: true });
  await link(from, to).catch(() => copyFile(from, to));
}

/** What an extracted binary was when it was written: checked before every later use. */
interface BinaryRecord {
  name: string;
  sha256: string;
}

export function createArchiveCache(outputDir: string, { signal }: { signal?: AbortSignal } = {}): ArchiveCache {
  const http = createHttp("github");
  const pending = new Map<string, Promise<unknown>>();
  const entry = (artifact: ReleaseFile) => join(outputDir, "cache", artifact.sha256);

  /** Runs `make` once per key in this run; a failure is not remembered, so a later caller tries again. */
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let promise = pending.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = make();
      pending.set(key, promise);
      promise.catch(() => pending.delete(key));
    }
    return promise;
  };

  const archive = (artifact: ReleaseFile) =>
    once(`archive ${artifact.sha256}`, async () => {
      const local = join(outputDir, artifact.name);
      if (await hasDigest(local, artifact.sha256)) return local;
      const downloaded = join(entry(artifact), artifact.name);
      if (await hasDigest(downloaded, artifact.sha256)) return downloaded;
      await download(artifact, downloaded);
      return downloaded;
    });

  const download = async (artifact: ReleaseFile, out: string): Promise<void> => {
    const response = await http(artifact.url, signal ? { signal } : {});
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new FerryError("ManifestMissing", {
        what: `Downloading ${artifact.name} answered ${response.status}.`,
        why: `The release manifest lists it at ${artifact.url}.`,
        fix: "Check that the release is published and still has this asset, or run `ferry release` to build it.",
      });
    }
    const written = await writeHashed(Readable.fromWeb(response.body), out);
    if (written.sha256 !== artifact.sha256) {
      await rm(out, { force: true });
      throw new FerryError("ArtifactCorrupt", {
        what: `${artifact.name} downloaded with sha256 ${written.sha256}, but the manifest says ${artifact.sha256}.`,
        fix: "The release asset was changed or corrupted; rebuild and re-release it.",
      });
    }
  };

  /** The extracted binary and its sha256, as recorded in binary.json. */
  const extracted = (artifact: Artifact) =>
    once(`binary ${artifact.sha256}`, async () => {
      const dir = entry(artifact);
      const out = join(dir, "binary", artifact.binary);
      const recordPath = join(dir, "binary.json");
      const record = await readRecord(recordPath);
      if (record?.name === artifact.binary && (await hasDigest(out, record.sha256))) return { out, sha256: record.sha256 };
      await rm(recordPath, { force: true });
      await extractFile(await archive(artifact), artifact.format, artifact.binary, out);
      await mkdir(dir, { recursive: true });
      const written: BinaryRecord = { name: artifact.binary, sha256: await hashFile(out) };
      await writeAtomically(recordPath, `${JSON.stringify(written)}\n`);
      return { out, sha256: written.sha256 };
    });

  const derived = <Record extends DerivedRecord>(key: string, name: string, make: (out: string) => Promise<Record>) =>
    once(`derived ${key}`, () => makeDerived(join(outputDir, "cache", "derived", key), name, make));

  return {
    archive,
    binary: async (artifact) => (await extracted(artifact)).out,
    derived,
    derivedRecord: async <Record extends DerivedRecord>(key: string) => {
      const found = await readJson(join(outputDir, "cache", "derived", key, "record.json"));
      return typeof found?.sha256 === "string" ? (found as Record) : undefined;
    },
  };
}

/** A derived file: the one in `dir` when its record is there and its sha256 matches, else made again. */
async function makeDerived<Record extends DerivedRecord>(
  dir: string,
  name: string,
  make: (out: string) => Promise<Record>,
): Promise<Derived<Record>> {
  const file = join(dir, name);
  const recordPath = join(dir, "record.json");
  const found = await readJson(recordPath);
  if (found && typeof found.sha256 === "string" && (await hasDigest(file, found.sha256))) return { file, record: found as Record };
  await rm(recordPath, { force: true });
  await mkdir(dir, { recursive: true });
  const temporary = temporaryPath(file);
  try {
    const record = await make(temporary);
    await rename(temporary, file);
    await writeAtomically(recordPath, `${JSON.stringify(record)}\n`);
    return { file, record };
  } finally {
    await rm(temporary, { force: true });
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = temporaryPath(path);
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** Whether a file exists with this sha256. */
async function hasDigest(path: string, sha256: string): Promise<boolean> {
  const found = await access(path).then(
    () => true,
    () => false,
  );
  return found && (await hashFile(path)) === sha256;
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function readRecord(path: string): Promise<BinaryRecord | undefined> {
  const parsed = await readJson(path);
  return typeof parsed?.name === "string" && typeof parsed.sha256 === "string" ? { name: parsed.name, sha256: parsed.sha256 } : undefined;
}
