import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  checkStep,
  contextSigner,
  defineRegistry,
  dockerFloatingTags,
  FerryError,
  findArtifact,
  pass,
  trustedRoot,
  type Arch,
  type Context,
  type Prepared,
  type Published,
  type SupplyChainItem,
} from "@ferry/core";
import { z } from "zod";
import { readCredentials, RegistryClient } from "./client.ts";
import { assemble, tagsOf, target, type DockerOptions, type Images } from "./image.ts";
import { dockerTargets } from "./render.ts";
import { pushRepository } from "./reference.ts";
import { attach, findReferrer, readAttached, referrers, signPredicate } from "./signature.ts";

const options = z
  .object({
    image: z
      .string()
      .superRefine((image, ctx) => {
        try {
          pushRepository(image, undefined, "docker");
        } catch (error) {
          const { what, why } = (error as FerryError).details;
          ctx.addIssue({ code: "custom", message: why ? `${what} ${why}` : what });
        }
      })
      .optional()
      .meta({
        description:
          'The image to publish, e.g. "ghcr.io/owner/hello". The first part is the registry host when it has a dot or a colon; otherwise the image is on Docker Hub ("hello" is docker.io/library/hello).',
        default: "ghcr.io/<the project's repository, lowercased>",
      }),
    registry: z
      .string()
      .regex(/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d+)?\/?$/, "expected a registry host, host:port, or an http(s):// URL of one")
      .optional()
      .meta({
        description:
          "A registry host (or http(s):// URL) that replaces the image's host, e.g. \"127.0.0.1:5000\". Default: the FERRY_DOCKER_REGISTRY environment variable, else the image's own host.",
      }),
    base: z
      .string()
      .regex(/@sha256:[0-9a-f]{64}$/, "must be pinned by digest: host/path@sha256:<64 hex>")
      .optional()
      .meta({
        description:
          'A base image pinned by digest, e.g. "gcr.io/distroless/static@sha256:…"; ferry\'s layer goes on top. Default: none: the binary alone, on scratch.',
      }),
    labels: z.record(z.string(), z.string()).default({}).meta({
      description:
        "OCI annotations (and config labels), over ferry's defaults: org.opencontainers.image.title, version, description, licenses and source.",
    }),
    sign: z.boolean().default(true).meta({
      description:
        "When the run has an OIDC identity (GitHub Actions with `id-token: write`), sign the image index keylessly with Sigstore and attach the bundle as an OCI referrer, as cosign does. Default: true.",
    }),
  })
  .strict();

interface DockerPrepared extends Prepared, Images {}

/** What publish did: with `signed`, the index carries a Sigstore signature that verify() reads back. */
type DockerPublished = Published & { signed?: boolean };

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
  targets: dockerTargets,
  options,

  validate(ctx) {
    target(ctx); // a valid repository, without a tag or digest
  },

  async exists(ctx) {
    const tag = tagsOf(ctx).version;
    const registry = client(ctx);
    const remote = await registry.headManifest(tag);
    if (!remote) return { state: "absent" };
    const { index } = await assemble(ctx);
    const digest = index.descriptor.digest;
    if (remote.digest !== digest) {
      return { state: "present", matches: false, detail: `${where(ctx, tag)} is ${remote.digest}, but this release's index is ${digest}` };
    }
    // The version tag is there; the floating tags this release holds (1.2, 1, latest) must follow it too,
    // else publish() runs again: it skips what is there and moves them.
    const behind = await floatingBehind(ctx, registry, digest);
    if (behind.length) {
      ctx.log(`${where(ctx, tag)} is there, but ${behind.join(", ")} ${behind.length > 1 ? "do" : "does"} not point to it yet`);
      return { state: "absent" };
    }
    return { state: "present", matches: true, detail: `${where(ctx, tag)} is ${remote.digest}` };
  },

  async prepare(ctx) {
    return assemble(ctx, ctx.outDir);
  },

  async publish(ctx, prepared: DockerPrepared): Promise<DockerPublished> {
    const registry = client(ctx);
    const { version } = tagsOf(ctx);
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
    // The version tag first: a floating tag never points to an image that has no version tag.
    await registry.putManifest(version, mediaType, prepared.index.bytes);
    const { floating, kept } = await floatingOf(ctx, registry);
    for (const tag of floating) await registry.putManifest(tag, mediaType, prepared.index.bytes);
    ctx.log(`uploaded ${uploaded} of ${seen.size} blobs; tagged ${[version, ...floating].join(", ")}`);
    const note = kept.length ? `; ${kept.join(", ")} kept on a newer version` : "";
    const signed = await sign(ctx, registry, prepared);
    return {
      detail: `${where(ctx, version)} (${digest}; also ${floating.join(", ") || "no floating tags"}${note})${signed}`,
      signed: !!signed,
    };
  },

  async verify(ctx, published: DockerPublished) {
    const tag = tagsOf(ctx).version;
    const expected = await preparedDigest(ctx);
    const registry = client(ctx);
    const remote = await registry.headManifest(tag);
    if (!remote) return undefined;
    if (remote.digest !== expected) throw conflict(ctx, tag, remote.digest, expected);
    if ((await floatingBehind(ctx, registry, expected)).length) return undefined;
    if (!published.signed) return { state: "verified", detail: `${where(ctx, tag)} is ${remote.digest}` };
    // The signature, read back through the referrers API (or its fallback tag) and checked.
    const referrer = findReferrer((await referrers(registry, expected)).manifests, signPredicate);
    if (!referrer) return undefined;
    const root = await trustedRoot((name) => ctx.env(name));
    const { signer } = await readAttached(registry, referrer, { subject: expected, predicateType: signPredicate, root, what: "signature" });
    const by = signer ? `signed by ${signer}` : "signed (set FERRY_SIGSTORE_TRUSTED_ROOT to check the signature here too)";
    const { host, name: repository } = target(ctx);
    const at = (digest: string) => `${host}/${repository}@${digest}`;
    const supplyChain: SupplyChainItem[] = [{ kind: "signature", subject: at(expected), location: at(referrer.digest) }];
    // Each image's SBOM attestation: its predicate is the release's SBOM.
    const sboms = imageSboms(ctx, (await assemble(ctx)).images);
    for (const { image, sbom, predicateType } of sboms) {
      const subject = image.manifest.descriptor.digest;
      const attestation = findReferrer((await referrers(registry, subject)).manifests, predicateType);
      if (!attestation) return undefined;
      const { predicate } = await readAttached(registry, attestation, { subject, predicateType, root, what: "SBOM attestation" });
      supplyChain.push({ kind: "sbom", subject: at(subject), location: at(attestation.digest) });
      if (JSON.stringify(predicate) !== JSON.stringify(JSON.parse((await readSbom(ctx, sbom)).toString("utf8")))) {
        throw new FerryError("PublishedContentDiffers", {
          registry: ctx.registry,
          what: `The SBOM attested on ${subject} is not the release's ${sbom.name}.`,
          fix: "Check what else pushes to this repository, then re-run.",
        });
      }
    }
    const attested = sboms.length ? ` with ${sboms.length} SBOM ${sboms.length === 1 ? "attestation" : "attestations"}` : "";
    return { state: "verified", detail: `${where(ctx, tag)} is ${remote.digest}, ${by}${attested}`, supplyChain };
  },

  supplyChain(ctx, prepared: DockerPrepared): SupplyChainItem[] {
    const skipped = signSkipped(ctx);
    const { host, name: repository } = target(ctx);
    const at = skipped ? { skipped } : { location: `${host}/${repository}` };
    const image = `${host}/${repository}:${tagsOf(ctx).version}`;
    return [
      { kind: "signature", subject: image, ...at },
      ...imageSboms(ctx, prepared.images).map(({ image: { platform }, sbom }) => ({
        kind: "sbom" as const,
        subject: `${image} (${platform.os}/${platform.architecture}): ${sbom.name}`,
        ...at,
      })),
    ];
  },

  async doctor(ctx) {
    const credentials = readCredentials(ctx);
    const { host } = target(ctx);
    const accepted = await checkStep(credentials ? `${host} accepts the credentials` : `${host} asks for no credentials`, async () => {
      await client(ctx).ping();
      return "GET /v2/ answered 200";
    });
    const skipped = signSkipped(ctx);
    const signature = pass(
      "image signature",
      skipped ? `none: ${skipped}` : "signed keylessly with Sigstore, each image's SBOM attached as an attestation",
    );
    if (!credentials) return [accepted, signature];
    const set = pass(
      "registry credentials set",
      "username" in credentials ? "DOCKER_USERNAME and DOCKER_PASSWORD are set" : "DOCKER_TOKEN is set",
    );
    return [set, accepted, signature];
  },
});

/**
 * Signs the index keylessly when the run has an OIDC identity and `sign` is on, and attaches each
 * image's SBOM (the release's SBOM of the archive its binary comes from) to that image as an
 * in-toto attestation; what is there already (a re-run) is kept. Answers the note for the report,
 * empty when nothing was signed.
 */
async function sign(ctx: Ctx, registry: RegistryClient, prepared: DockerPrepared): Promise<string> {
  const signer = !ctx.options.sign ? undefined : contextSigner(ctx);
  if (!signer) return "";
  const { host, name } = target(ctx);
  const subject = prepared.index.descriptor;
  let note = "; signature kept";
  if (!findReferrer((await referrers(registry, subject.digest)).manifests, signPredicate)) {
    await attach(registry, signer, { subject, name: `${host}/${name}`, predicateType: signPredicate, predicate: {}, outDir: ctx.outDir });
    ctx.log(`signed ${subject.digest} with Sigstore (${signer.identity})`);
    note = "; signed with Sigstore";
  }
  let attested = 0;
  for (const { image, sbom, predicateType } of imageSboms(ctx, prepared.images)) {
    attested++;
    const manifest = image.manifest.descriptor;
    if (findReferrer((await referrers(registry, manifest.digest)).manifests, predicateType)) continue;
    const predicate = JSON.parse((await readSbom(ctx, sbom)).toString("utf8")) as unknown;
    await attach(registry, signer, { subject: manifest, name: `${host}/${name}`, predicateType, predicate, outDir: ctx.outDir });
    ctx.log(`attached ${sbom.name} to ${manifest.digest} as an attestation`);
  }
  return `${note}${attested ? `, ${attested} SBOM ${attested === 1 ? "attestation" : "attestations"}` : ""}`;
}

/** Why this run would not sign the image; undefined when it would. */
function signSkipped(ctx: Ctx): string | undefined {
  if (!ctx.options.sign) return "registries.docker.sign is false";
  if (!contextSigner(ctx)) return "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write`)";
  return undefined;
}

/** The release's SBOM for each image: the one of the linux archive of the image's architecture. */
function imageSboms(ctx: Ctx, images: Images["images"]) {
  return images.flatMap((image) => {
    const arch = image.platform.architecture;
    const artifact = findArtifact(ctx.manifest, "linux", arch as Arch);
    const sbom = (ctx.manifest.files ?? []).find((f) => f.kind === "sbom" && artifact && f.name.startsWith(`${artifact.name}.`));
    if (!sbom) return [];
    return [{ image, sbom, predicateType: sbom.name.endsWith(".spdx.json") ? "https://spdx.dev/Document" : "https://cyclonedx.org/bom" }];
  });
}

/** An SBOM of the release, downloaded and checked against its sha256 in manifest.json. */
async function readSbom(ctx: Ctx, sbom: { name: string; url: string; sha256: string }): Promise<Buffer> {
  const response = await ctx.http(sbom.url);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok || createHash("sha256").update(bytes).digest("hex") !== sbom.sha256) {
    throw new FerryError("ArtifactCorrupt", {
      registry: ctx.registry,
      what: `${sbom.name} could not be read from the release with the sha256 manifest.json lists (HTTP ${response.status}).`,
      fix: "Check the release's assets, then re-run.",
    });
  }
  return bytes;
}

/** The floating tags this release takes (never moving one backwards), and those a newer version keeps. */
async function floatingOf(ctx: Ctx, registry: RegistryClient): Promise<{ floating: string[]; kept: string[] }> {
  const floating = dockerFloatingTags(ctx.version, await registry.listTags());
  return { floating, kept: tagsOf(ctx).floating.filter((tag) => !floating.includes(tag)) };
}

/** The floating tags this release takes that do not point to its index yet. */
async function floatingBehind(ctx: Ctx, registry: RegistryClient, digest: string): Promise<string[]> {
  const behind: string[] = [];
  for (const tag of (await floatingOf(ctx, registry)).floating) {
    if ((await registry.headManifest(tag))?.digest !== digest) behind.push(tag);
  }
  return behind;
}

function conflict(ctx: Ctx, tag: string, found: string, expected: string): FerryError {
  return new FerryError("PublishedContentDiffers", {
    registry: ctx.registry,
    what: `${where(ctx, tag)} already points to ${found}, not to this release's image ${expected}.`,
    why: "A version tag is never moved: pulls of it must keep giving the same image.",
    fix: "Release a new version; or delete the tag on the registry if the old image was a mistake.",
  });
}
