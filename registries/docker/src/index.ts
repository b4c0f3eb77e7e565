import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { checkStep, defineRegistry, FerryError, pass, type Context, type Prepared } from "@ferry/core";
import { z } from "zod";
import { readCredentials, RegistryClient } from "./client.ts";
import { assemble, tagsOf, target, type DockerOptions, type Images } from "./image.ts";

const options = z
  .object({
    /**
     * The image to publish, e.g. "ghcr.io/owner/hello". The first part is the registry host when it
     * has a dot or a colon; otherwise the image is on Docker Hub ("hello" is docker.io/library/hello).
     * @default "ghcr.io/<the project's repository, lowercased>"
     */
    image: z.string().optional(),
    /**
     * A registry host (or http(s):// URL) that replaces the image's host, e.g. "127.0.0.1:5000".
     * @default the FERRY_DOCKER_REGISTRY environment variable, else the image's own host
     */
    registry: z.string().optional(),
    /**
     * A base image pinned by digest, e.g. "gcr.io/distroless/static@sha256:…"; ferry's layer goes on top.
     * @default none: the binary alone, on scratch
     */
    base: z
      .string()
      .regex(/@sha256:[0-9a-f]{64}$/, "must be pinned by digest: host/path@sha256:<64 hex>")
      .optional(),
    /**
     * OCI annotations (and config labels), over ferry's defaults: org.opencontainers.image.title,
     * version, description, licenses and source.
     * @default {}
     */
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict();

interface DockerPrepared extends Prepared, Images {}

type Ctx = Context<DockerOptions>;

function client(ctx: Ctx): RegistryClient {
  return new RegistryClient(ctx, target(ctx), readCredentials(ctx));
}

const where = (ctx: Ctx, tag: string) => `${target(ctx).host}/${target(ctx).name}:${tag}`;

/** The digest of the index this release publishes, from the layout prepare() wrote. */
async function preparedDigest(ctx: Ctx): Promise<string> {
  const layout = JSON.parse(await readFile(join(ctx.outDir, "index.json"), "utf8")) as { manifests: Array<{ digest: string }> };
  const digest = layout.manifests[0]?.digest;
  if (!digest) throw new Error(`${join(ctx.outDir, "index.json")} lists no image index.`);
  return digest;
}

export default defineRegistry({
  name: "docker",
  needs: ["binaries"],
  options,

  async exists(ctx) {
    const tag = tagsOf(ctx).version;
    const remote = await client(ctx).headManifest(tag);
    if (!remote) return { state: "absent" };
    // Only the version tag is checked: the floating tags (1.2, 1, latest) are moved freely.
    const { index } = await assemble(ctx);
    const matches = remote.digest === index.descriptor.digest;
    return {
      state: "present",
      matches,
      detail: matches
        ? `${where(ctx, tag)} is ${remote.digest}`
        : `${where(ctx, tag)} is ${remote.digest}, but this release's index is ${index.descriptor.digest}`,
    };
  },

  async prepare(ctx) {
    return assemble(ctx, ctx.outDir);
  },

  async publish(ctx, prepared: DockerPrepared) {
    const registry = client(ctx);
    const { version, floating } = tagsOf(ctx);
    let uploaded = 0;
    const seen = new Set<string>();
    for (const image of prepared.images) {
      for (const blob of image.blobs) {
        if (seen.has(blob.digest)) continue;
        seen.add(blob.digest);
        if (await registry.hasBlob(blob.digest)) continue;
        await registry.uploadBlob(blob, join(ctx.outDir, "blobs", "sha256", blob.digest.slice("sha256:".length)));
        uploaded++;
      }
      await registry.putManifest(image.manifest.descriptor.digest, image.manifest.descriptor.mediaType, image.manifest.bytes);
    }
    const { digest, mediaType } = prepared.index.descriptor;
    // Checked again right before tagging: the version tag is never moved to other content.
    const current = await registry.headManifest(version);
    if (current && current.digest !== digest) throw conflict(ctx, version, current.digest, digest);
    for (const tag of [version, ...floating]) await registry.putManifest(tag, mediaType, prepared.index.bytes);
    ctx.log(`uploaded ${uploaded} of ${seen.size} blobs; tagged ${[version, ...floating].join(", ")}`);
    return { detail: `${where(ctx, version)} (${digest}; also ${floating.join(", ") || "no floating tags"})` };
  },

  async verify(ctx) {
    const tag = tagsOf(ctx).version;
    const expected = await preparedDigest(ctx);
    const remote = await client(ctx).headManifest(tag);
    if (!remote) return undefined;
    if (remote.digest !== expected) throw conflict(ctx, tag, remote.digest, expected);
    return { state: "verified", detail: `${where(ctx, tag)} is ${remote.digest}` };
  },

  async doctor(ctx) {
    const credentials = readCredentials(ctx);
    const { host } = target(ctx);
    const accepted = await checkStep(credentials ? `${host} accepts the credentials` : `${host} asks for no credentials`, async () => {
      await client(ctx).ping();
      return "GET /v2/ answered 200";
    });
    if (!credentials) return [accepted];
    const set = pass(
      "registry credentials set",
      "username" in credentials ? "DOCKER_USERNAME and DOCKER_PASSWORD are set" : "DOCKER_TOKEN is set",
    );
    return [set, accepted];
  },
});

function conflict(ctx: Ctx, tag: string, found: string, expected: string): FerryError {
  return new FerryError("PublishedContentDiffers", {
    registry: ctx.registry,
    what: `${where(ctx, tag)} already points to ${found}, not to this release's image ${expected}.`,
    why: "A version tag is never moved: pulls of it must keep giving the same image.",
    fix: "Release a new version; or delete the tag on the registry if the old image was a mistake.",
  });
}
