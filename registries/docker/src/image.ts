import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  contentKey,
  cpuBound,
  dockerTags,
  FerryError,
  findArtifact,
  placeFile,
  type Artifact,
  type Context,
  type Derived,
  type DerivedRecord,
} from "@ferry/core";
import { pullBase, type BaseImage } from "./base.ts";
import { readCredentials, RegistryClient, type Descriptor } from "./client.ts";
import { buildLayer, type Layer } from "./layer.ts";
import { parseReference, pushRepository, type Repository } from "./reference.ts";
import {
  platformOf,
  renderConfig,
  renderIndex,
  renderLayoutIndex,
  renderManifest,
  sortedRecord,
  type Platform,
  type Rendered,
} from "./render.ts";

export interface DockerOptions {
  image?: string | undefined;
  registry?: string | undefined;
  base?: string | undefined;
  labels: Record<string, string>;
  sign: boolean;
}

interface Image {
  platform: Platform;
  config: Rendered;
  manifest: Rendered;
  /** Every blob the manifest refers to (base layers, ferry's layer, the config), in push order. */
  blobs: Descriptor[];
}

export interface Images {
  index: Rendered;
  images: Image[];
}

/** The repository to push to: `image` (default ghcr.io/<repository>) on FERRY_DOCKER_REGISTRY when set. */
export function target(ctx: Pick<Context<DockerOptions>, "options" | "project" | "env" | "registry">): Repository {
  const image = ctx.options.image ?? `ghcr.io/${ctx.project.repository.toLowerCase()}`;
  return pushRepository(image, ctx.options.registry ?? ctx.env("FERRY_DOCKER_REGISTRY"), ctx.registry);
}

export const tagsOf = (ctx: Context<DockerOptions>) => dockerTags(ctx.version);

/** Annotations on the manifests and index, and labels in the configs: ferry's defaults under the user's. */
function labelsOf(ctx: Context<DockerOptions>): Record<string, string> {
  const { project, manifest, version } = ctx;
  return sortedRecord({
    "org.opencontainers.image.description": project.description,
    "org.opencontainers.image.licenses": project.license,
    "org.opencontainers.image.source": new URL(`/${manifest.repository}`, manifest.url).toString(),
    "org.opencontainers.image.title": project.name,
    "org.opencontainers.image.version": version.semver,
    ...ctx.options.labels,
  });
}

const blobPath = (dir: string, digest: string) => join(dir, "blobs", "sha256", digest.replace(/^sha256:/, ""));

/** The base image's client: credentials go only to the registry they were given for. */
function baseClient(ctx: Context<DockerOptions>, base: string): { client: RegistryClient; digest: string } {
  const reference = parseReference(base, ctx.registry);
  if (!reference.digest) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `The base image "${base}" is not pinned by digest.`,
      why: "A tag can move, and the same release would then give a different image.",
      fix: 'Write it as "host/path@sha256:<digest>".',
    });
  }
  const credentials = reference.host === target(ctx).host ? readCredentials(ctx) : undefined;
  return { client: new RegistryClient(ctx, reference, credentials), digest: reference.digest };
}

/**
 * Builds one image per linux artifact and the index over them. With `outDir` every blob is
 * written there as an OCI image layout (blobs/sha256/…, index.json, oci-layout), base layers
 * included; without it only the descriptors are made, which is all exists() needs (ferry's layers
 * come from the cache either way).
 */
export async function assemble(ctx: Context<DockerOptions>, outDir?: string): Promise<Images & { files: string[] }> {
  // One image per architecture: a glibc build, else a musl one.
  const artifacts = [...new Set(ctx.manifest.artifacts.filter((a) => a.os === "linux").map((a) => a.arch))]
    .sort()
    .map((arch) => findArtifact(ctx.manifest, "linux", arch)!);
  if (artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no linux binaries to put in an image.",
      fix: "Build linux/amd64 or linux/arm64 targets, or skip docker for this release.",
    });
  }
  const labels = labelsOf(ctx);
  const base = ctx.options.base ? baseClient(ctx, ctx.options.base) : undefined;
  const files: string[] = [];
  const keep = async (digest: string, bytes: Buffer | undefined) => {
    if (!outDir) return;
    const path = blobPath(outDir, digest);
    if (bytes) await writeFile(path, bytes);
    if (!files.includes(path)) files.push(path);
  };
  if (outDir) await mkdir(join(outDir, "blobs", "sha256"), { recursive: true });

  const images: Image[] = [];
  for (const artifact of artifacts) {
    const platform = platformOf(artifact.arch);
    const pulled: BaseImage | undefined = base && (await pullBase(base.client, ctx.options.base!, base.digest, platform));
    const name = ctx.project.binary;
    const layer = await layerOf(ctx, artifact, name, outDir);
    if (pulled && outDir) for (const blob of pulled.layers) await download(base!.client, blob, blobPath(outDir, blob.digest));
    const config = renderConfig({ platform, binary: name, layer, labels, ...(pulled ? { base: pulled.config } : {}) });
    const layers = [...(pulled?.layers ?? []), { mediaType: layer.mediaType, digest: layer.digest, size: layer.size }];
    const manifest = renderManifest(config.descriptor, layers, labels);
    for (const blob of layers) await keep(blob.digest, undefined);
    await keep(config.descriptor.digest, config.bytes);
    await keep(manifest.descriptor.digest, manifest.bytes);
    images.push({ platform, config, manifest, blobs: [...layers, config.descriptor] });
  }
  const index = renderIndex(
    images.map(({ manifest, platform }) => ({ manifest: manifest.descriptor, platform })),
    labels,
  );
  if (outDir) {
    await keep(index.descriptor.digest, index.bytes);
    await writeFile(join(outDir, "oci-layout"), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
    await writeFile(join(outDir, "index.json"), renderLayoutIndex(index.descriptor, tagsOf(ctx).version));
    files.push(join(outDir, "oci-layout"), join(outDir, "index.json"));
  }
  return { index, images, files };
}

const layerKey = (artifact: Artifact, name: string) =>
  contentKey("oci layer", process.versions.zlib, artifact.sha256, artifact.binary, name);

/**
 * ferry's layer of the artifact's binary, made once (extract, tar, gzip, hashes: a CPU-heavy pass
 * over the whole binary) and kept in the output directory's cache, keyed by the archive's sha256
 * (which fixes the binary's bytes), the binary's names and zlib's version.
 */
function madeLayer(ctx: Context<DockerOptions>, artifact: Artifact, name: string): Promise<Derived<Layer & DerivedRecord>> {
  return ctx.derived(layerKey(artifact, name), "layer.tar.gz", async (out) => {
    const binary = await ctx.binary(artifact);
    const layer = await cpuBound(() => buildLayer(binary, name, out));
    ctx.log(`built the layer of ${artifact.os}/${artifact.arch} (${layer.digest}, ${layer.size} bytes)`);
    return { sha256: layer.digest.slice("sha256:".length), ...layer };
  });
}

/**
 * The layer, linked into the layout in `outDir`. Without `outDir` (exists()), its digests as
 * recorded when it was made, neither the layer nor the binary read again (each a hash of the whole
 * file): a layer is made only when it never was here.
 */
async function layerOf(ctx: Context<DockerOptions>, artifact: Artifact, name: string, outDir?: string): Promise<Layer> {
  if (!outDir) {
    const recorded = await ctx.derivedRecord<Layer & DerivedRecord>(layerKey(artifact, name));
    if (recorded?.digest && recorded.diffId) return recorded;
    return (await madeLayer(ctx, artifact, name)).record;
  }
  const { file, record } = await madeLayer(ctx, artifact, name);
  await placeFile(file, blobPath(outDir, record.digest));
  return record;
}

/** Streams a base layer to disk (once: a present file of the right size is kept). */
async function download(client: RegistryClient, blob: Descriptor, path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.size === blob.size) return;
  const hash = createHash("sha256");
  const body = Readable.fromWeb(await client.getBlob(blob.digest));
  body.on("data", (chunk: Buffer) => hash.update(chunk));
  await pipeline(body, createWriteStream(path));
  if (`sha256:${hash.digest("hex")}` !== blob.digest) {
    await rm(path, { force: true });
    throw new FerryError("ArtifactCorrupt", {
      registry: "docker",
      what: `The base layer ${blob.digest} downloaded with different content.`,
      fix: "Re-run; if it persists, the base registry serves a corrupt blob.",
    });
  }
}
