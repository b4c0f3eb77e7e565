import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { buffer } from "node:stream/consumers";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { create as createTar, list as listTar, Parser as TarParser, type ReadEntry } from "tar";
import yazl from "yazl";
import yauzl from "yauzl";
import { FerryError } from "./errors.ts";

export interface WrittenFile {
  size: number;
  sha256: string;
}

/** The entries' timestamp when no SOURCE_DATE_EPOCH is known: fixed, so the same inputs always give the same bytes. */
export const defaultMtime = new Date("2000-01-01T00:00:00Z");

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

/**
 * The sha256 of a file on disk, read in MiB chunks into two reused buffers: the next read runs on
 * libuv's thread pool while the main thread hashes the last one (a read stream allocates every
 * chunk and hands each over through its buffering, measured at 1.5–2.6× `openssl dgst`'s time).
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await open(path);
  try {
    const buffers = [Buffer.allocUnsafe(readSize), Buffer.allocUnsafe(readSize)];
    let position = 0;
    let reading = file.read(buffers[0]!, 0, readSize, position);
    for (let next = 1; ; next ^= 1) {
      const { bytesRead, buffer } = await reading;
      if (bytesRead === 0) break;
      position += bytesRead;
      reading = file.read(buffers[next]!, 0, readSize, position);
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

/** A temporary name beside `path`, for writing a file that is then renamed into place. */
export const temporaryPath = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);

/**
 * Streams a source (through a transform, if given) to a file, returning its size and sha256. The
 * file appears only when it is complete: it is written under a temporary name and renamed into place.
 */
export async function writeHashed(source: Readable | AsyncIterable<Uint8Array>, out: string, through?: Transform): Promise<WrittenFile> {
  await mkdir(dirname(out), { recursive: true });
  const hasher = hashingStream();
  const temporary = temporaryPath(out);
  try {
    await (through
      ? pipeline(source, through, hasher, createWriteStream(temporary))
      : pipeline(source, hasher, createWriteStream(temporary)));
    await rename(temporary, out);
  } finally {
    await rm(temporary, { force: true });
  }
  return hasher.result();
}

/**
 * Writes a tar.gz or zip of files under `dir` (executable bits kept, every entry's timestamp
 * `mtime`), hashing it as it is written. Compression runs in zlib's streams, on libuv's thread
 * pool, not on the main thread.
 */
export async function writeArchive(
  format: "tar.gz" | "zip",
  dir: string,
  names: string[],
  out: string,
  mtime: Date = defaultMtime,
): Promise<WrittenFile> {
  const sorted = [...names].sort();
  if (format === "zip") {
    // Zip's DOS timestamps are read as local time: shift so that every time zone writes the same
    // bytes, and leave out the extended (Unix) timestamp, which would carry the shift.
    const local = new Date(mtime.getTime() + mtime.getTimezoneOffset() * 60_000);
    const zip = new yazl.ZipFile();
    for (const name of sorted) {
      const { mode } = await stat(join(dir, name));
      zip.addReadStream(createReadStream(join(dir, name), { highWaterMark: readSize }), name, {
        mtime: local,
        forceDosTimestamp: true,
        mode,
        compressionLevel: gzipLevel,
      });
    }
    zip.end();
    return writeHashed(zip.outputStream as unknown as Readable, out);
  }
  // node-tar's own gzip compresses synchronously on the main thread; zlib's stream does not.
  const tar = createTar({ portable: true, mtime, cwd: dir }, sorted);
  return writeHashed(tar, out, createGzip({ level: gzipLevel, chunkSize: readSize }));
}

/** Extracts one file from a tar.gz or zip archive; `out` appears only once it is complete. */
export async function extractFile(archive: string, format: "tar.gz" | "zip", name: string, out: string): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  const dir = await mkdtemp(join(dirname(out), ".extract-"));
  const extracted = join(dir, "entry");
  try {
    if (format === "tar.gz") {
      await extractTarEntry(archive, name, extracted);
    } else {
      await extractZipEntry(archive, name, extracted);
    }
    await stat(extracted).catch(() => {
      throw new FerryError("ArtifactCorrupt", {
        what: `${archive} has no ${name}.`,
        fix: "Rebuild the release archives with `ferry build`.",
      });
    });
    await rename(extracted, out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Streams one regular file out of a tar.gz: gunzip runs in zlib's stream, on libuv's thread pool,
 * and the entry is piped to disk with backpressure (node-tar's own extract reads 16 MiB at a time
 * and gunzips on the main thread, and held about 100 MiB for a 128 MiB binary).
 */
async function extractTarEntry(archive: string, name: string, out: string): Promise<void> {
  const writes: Array<Promise<void>> = [];
  const parser = new TarParser({
    strict: true,
    filter: (path, entry) => path === name && (entry as ReadEntry).type === "File",
    onReadEntry: (entry) => {
      const written = pipeline(entry, createWriteStream(out, { mode: entry.mode ?? 0o755 }));
      written.catch(() => undefined); // awaited below, once the archive is read
      writes.push(written);
    },
  });
  await pipeline(createReadStream(archive, { highWaterMark: readSize }), createGunzip({ chunkSize: readSize }), parser);
  await Promise.all(writes);
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
