import { access, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { extractFile, hashFile, temporaryPath, writeHashed } from "./archive.ts";
import { FerryError } from "./errors.ts";
import { createHttp } from "./http.ts";
import type { Artifact } from "./manifest.ts";

/**
 * What ferry derives from a release's archives, shared by every registry of a run. Each entry
 * lives under <output>/cache/<archive sha256>/, so two releases never share one, and appears only
 * once complete (written under a temporary name, then renamed). Nothing is used before it is
 * checked: an archive against the manifest's sha256, an extracted binary against the sha256
 * recorded when it was extracted. A damaged entry is removed and made again.
 */
export interface ArchiveCache {
  /** A local copy of the archive with the manifest's sha256: the one in the output directory, else a download. */
  archive(artifact: Artifact): Promise<string>;
  /** The archive's binary, extracted. */
  binary(artifact: Artifact): Promise<string>;
}

/** What an extracted binary was when it was written: checked before every later use. */
interface BinaryRecord {
  name: string;
  sha256: string;
}

export function createArchiveCache(outputDir: string, { signal }: { signal?: AbortSignal } = {}): ArchiveCache {
  const http = createHttp("github");
  const pending = new Map<string, Promise<string>>();
  const entry = (artifact: Artifact) => join(outputDir, "cache", artifact.sha256);

  /** Runs `make` once per key in this run; a failure is not remembered, so a later caller tries again. */
  const once = (key: string, make: () => Promise<string>): Promise<string> => {
    let promise = pending.get(key);
    if (!promise) {
      promise = make();
      pending.set(key, promise);
      promise.catch(() => pending.delete(key));
    }
    return promise;
  };

  const archive = (artifact: Artifact) =>
    once(`archive ${artifact.sha256}`, async () => {
      const local = join(outputDir, artifact.name);
      if (await hasDigest(local, artifact.sha256)) return local;
      const downloaded = join(entry(artifact), artifact.name);
      if (await hasDigest(downloaded, artifact.sha256)) return downloaded;
      await download(artifact, downloaded);
      return downloaded;
    });

  const download = async (artifact: Artifact, out: string): Promise<void> => {
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

  const binary = (artifact: Artifact) =>
    once(`binary ${artifact.sha256}`, async () => {
      const dir = entry(artifact);
      const out = join(dir, "binary", artifact.binary);
      const recordPath = join(dir, "binary.json");
      const record = await readRecord(recordPath);
      if (record?.name === artifact.binary && (await hasDigest(out, record.sha256))) return out;
      await rm(recordPath, { force: true });
      await extractFile(await archive(artifact), artifact.format, artifact.binary, out);
      await mkdir(dir, { recursive: true });
      const written: BinaryRecord = { name: artifact.binary, sha256: await hashFile(out) };
      const temporary = temporaryPath(recordPath);
      await writeFile(temporary, `${JSON.stringify(written)}\n`);
      await rename(temporary, recordPath);
      return out;
    });

  return { archive, binary };
}

/** Whether a file exists with this sha256. */
async function hasDigest(path: string, sha256: string): Promise<boolean> {
  const found = await access(path).then(
    () => true,
    () => false,
  );
  return found && (await hashFile(path)) === sha256;
}

async function readRecord(path: string): Promise<BinaryRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<BinaryRecord>;
    return typeof parsed.name === "string" && typeof parsed.sha256 === "string" ? { name: parsed.name, sha256: parsed.sha256 } : undefined;
  } catch {
    return undefined;
  }
}
