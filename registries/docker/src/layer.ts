import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { hashingStream } from "@ferry/core";
import { Header } from "tar";

const layerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";

/** A layer as an image manifest and config refer to it. */
export interface Layer {
  mediaType: string;
  /** sha256 of the compressed bytes: the blob's name. */
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar: the config's rootfs.diff_ids entry. */
  diffId: string;
}

/** Every entry's mtime: the Unix epoch, like the config's `created` (see docs/registries/docker.md). */
const epoch = new Date(0);
const block = 512;

function header(path: string, type: "File" | "Directory", size: number): Buffer {
  const buffer = Buffer.alloc(block);
  const entry = new Header({ path, type, size, mode: 0o755, uid: 0, gid: 0, uname: "", gname: "", mtime: epoch });
  if (entry.encode(buffer, 0)) throw new Error(`The layer path ${path} is too long for a plain tar header.`);
  return buffer;
}

/**
 * The layer's tar, streamed: `usr/`, `usr/local/`, `usr/local/bin/` and the binary at
 * `usr/local/bin/<name>`, all owned by 0:0 with mode 0755 and a fixed mtime, so equal binaries
 * give equal bytes. The binary is read in chunks, never held whole.
 */
async function* layerTar(binary: string, name: string, size: number): AsyncGenerator<Buffer> {
  for (const dir of ["usr/", "usr/local/", "usr/local/bin/"]) yield header(dir, "Directory", 0);
  yield header(`usr/local/bin/${name}`, "File", size);
  let read = 0;
  for await (const chunk of createReadStream(binary, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    read += chunk.length;
    yield chunk;
  }
  if (read !== size) throw new Error(`${binary} changed while it was being read.`);
  const padding = (block - (size % block)) % block;
  // Padding to a whole block, then the two empty blocks that end a tar.
  yield Buffer.alloc(padding + 2 * block);
}

/**
 * Builds the layer of one binary in a single streaming pass: tar → hash (diff_id) → gzip → hash
 * (digest) → `out`.
 * gzip level 6 is fixed: the same binary and zlib give the same blob.
 */
export async function buildLayer(binary: string, name: string, out: string): Promise<Layer> {
  const { size } = await stat(binary);
  const uncompressed = hashingStream();
  const compressed = hashingStream();
  await pipeline(
    layerTar(binary, name, size),
    uncompressed,
    createGzip({ level: 6, chunkSize: 1 << 20 }),
    compressed,
    createWriteStream(out),
  );
  const blob = compressed.result();
  return { mediaType: layerMediaType, digest: `sha256:${blob.sha256}`, size: blob.size, diffId: `sha256:${uncompressed.result().sha256}` };
}
