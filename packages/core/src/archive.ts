import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { buffer } from "node:stream/consumers";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { create as createTar, extract as extractTar, list as listTar } from "tar";
import yazl from "yazl";
import yauzl from "yauzl";
import { FerryError } from "./errors.ts";

export interface WrittenFile {
  size: number;
  sha256: string;
}

/** A fixed timestamp for archive entries, so the same inputs always give the same bytes. */
const epoch = new Date("2000-01-01T00:00:00Z");

/** Read size for whole-file streams: MiB reads keep hashing and compression at the speed of the native code. */
const readSize = 1 << 20;

/**
 * gzip level of release archives. Level 9 costs about twice the CPU of 6 for a percent or two of
 * size on binaries; 6 is also gzip's own default.
 */
const gzipLevel = 6;

/** A pass-through stream that hashes and counts what flows through it: each byte is hashed once, on the way to disk. */
export function hashingStream(): Transform & { result(): WrittenFile } {
  const hash = createHash("sha256");
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return Object.assign(stream, { result: () => ({ size, sha256: hash.digest("hex") }) });
}

/** The sha256 of a file on disk, read in MiB chunks. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: readSize })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Streams a source to a file, returning its size and sha256. */
export async function writeHashed(source: Readable | AsyncIterable<Uint8Array>, out: string): Promise<WrittenFile> {
  await mkdir(dirname(out), { recursive: true });
  const hasher = hashingStream();
  await pipeline(source, hasher, createWriteStream(out));
  return hasher.result();
}

/**
 * Writes a tar.gz or zip of files under `dir` (executable bits kept, timestamps fixed), hashing it as
 * it is written. Compression runs in zlib's streams, on libuv's thread pool, not on the main thread.
 */
export async function writeArchive(format: "tar.gz" | "zip", dir: string, names: string[], out: string): Promise<WrittenFile> {
  const sorted = [...names].sort();
  if (format === "zip") {
    const zip = new yazl.ZipFile();
    for (const name of sorted) {
      const { mode } = await stat(join(dir, name));
      zip.addReadStream(createReadStream(join(dir, name), { highWaterMark: readSize }), name, {
        mtime: epoch,
        mode,
        compressionLevel: gzipLevel,
      });
    }
    zip.end();
    return writeHashed(zip.outputStream as unknown as Readable, out);
  }
  // node-tar's own gzip compresses synchronously on the main thread; zlib's stream does not.
  const tar = createTar({ portable: true, mtime: epoch, cwd: dir }, sorted);
  await mkdir(dirname(out), { recursive: true });
  const hasher = hashingStream();
  await pipeline(tar, createGzip({ level: gzipLevel, chunkSize: readSize }), hasher, createWriteStream(out));
  return hasher.result();
}

/** Extracts one file from a tar.gz or zip archive. */
export async function extractFile(archive: string, format: "tar.gz" | "zip", name: string, out: string): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  if (format === "tar.gz") {
    const dir = await mkdtemp(join(dirname(out), ".extract-"));
    await extractTar({ file: archive, cwd: dir, strict: true, filter: (p) => p === name });
    await rename(join(dir, name), out).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  } else {
    await extractZipEntry(archive, name, out);
  }
  await stat(out).catch(() => {
    throw new FerryError("ArtifactCorrupt", {
      what: `${archive} has no ${name}.`,
      fix: "Rebuild the release archives with `ferry build`.",
    });
  });
}

function extractZipEntry(archive: string, name: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(archive, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("unreadable zip"));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error("unreadable zip entry"));
          const mode = (entry.externalFileAttributes >>> 16) & 0o777;
          pipeline(stream, createWriteStream(out, { mode: mode || 0o755 })).then(() => {
            zip.close();
            resolve();
          }, reject);
        });
      });
      zip.on("end", resolve);
      zip.on("error", reject);
      zip.readEntry();
    });
  });
}

/**
 * Reads the small entries of a tar.gz or zip whose names `wanted` accepts, into memory: name → bytes.
 * For metadata files inside packages (a wheel's METADATA, an sdist's PKG-INFO), not for binaries.
 */
export async function readEntries(
  archive: string,
  format: "tar.gz" | "zip",
  wanted: (name: string) => boolean,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (format === "tar.gz") {
    const reads: Array<Promise<void>> = [];
    await listTar({
      file: archive,
      strict: true,
      filter: (name) => wanted(name),
      onReadEntry: (entry) => void reads.push(buffer(entry).then((bytes) => void found.set(entry.path, bytes))),
    });
    await Promise.all(reads);
    return found;
  }
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(archive, { lazyEntries: true }, (error, file) =>
      error || !file ? reject(error ?? new Error("unreadable zip")) : resolve(file),
    ),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: yauzl.Entry) => {
        if (!wanted(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (error, stream) => {
          if (error || !stream) return reject(error ?? new Error("unreadable zip entry"));
          buffer(stream).then((bytes) => {
            found.set(entry.fileName, bytes);
            zip.readEntry();
          }, reject);
        });
      });
      zip.on("end", resolve);
      zip.on("error", reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return found;
}
