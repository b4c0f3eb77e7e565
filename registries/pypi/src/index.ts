import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import {
  contextSigner,
  defineRegistry,
  fail,
  FerryError,
  httpUrl,
  idTokenAvailable,
  pass,
  pep440Version,
  secretCheck,
  targetNames,
  trustedRoot,
  type Check,
  type Context,
  type Prepared,
  type Published,
  type SupplyChainItem,
} from "@ferry/core";
import { z } from "zod";
import { attest, checkProvenance, provenanceUrl, readProvenance, type Attestation } from "./attestation.ts";
import { readRelease, uploadDistribution, uploadToken, type Endpoints, type ReleaseFiles } from "./api.ts";
import { metadataField, readDistributions, wheelDistribution, type Distribution } from "./dist.ts";
import { buildWheel, defaultPlatformTags, normalizeName, platformOf, renderMetadata, type Platform, type WheelMetadata } from "./wheel.ts";

const name = "pypi";

const options = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, "not a valid Python distribution name")
      .optional()
      .meta({ description: "The distribution name on PyPI. Default: the project's name." }),
    platforms: z
      .partialRecord(z.enum(Object.keys(defaultPlatformTags) as [Platform, ...Platform[]]), z.string().regex(/^[a-z0-9_.]+$/))
      .default({})
      .meta({
        description:
          "Wheel platform tags per target (`linux_amd64`, …), replacing the defaults (e.g. a musllinux tag). Default: the manylinux/macosx/win tags in the docs.",
      }),
    dist: z.string().min(1).optional().meta({
      description:
        "A directory of prebuilt wheels and sdists (relative to the project) to upload as they are, instead of wheels made from the release binaries. Default: none: ferry makes the wheels.",
    }),
    repository: httpUrl()
      .optional()
      .meta({ description: "The upload API. Default: FERRY_PYPI_UPLOAD_URL, else https://upload.pypi.org/legacy/." }),
    index: httpUrl()
      .optional()
      .meta({ description: "The index whose JSON API answers exists() and verify(). Default: FERRY_PYPI_URL, else https://pypi.org." }),
    attestations: z.boolean().default(true).meta({
      description:
        "With trusted publishing, upload a PEP 740 publish attestation (signed keylessly with Sigstore) with each file. PyPI takes attestations only from trusted publishers, so an upload with PYPI_TOKEN carries none. Default: true.",
    }),
  })
  .strict()
  .refine((o) => !(o.dist && Object.keys(o.platforms).length), {
    message: "`platforms` tags the wheels ferry makes; with `dist` the prebuilt files are uploaded as they are. Drop one of them.",
    path: ["platforms"],
  });

type Options = z.infer<typeof options>;
type Ctx = Context<Options>;

/** What this release uploads: one project version, and its files (rendered only when asked for). */
interface Upload {
  name: string;
  version: string;
  dists(): Promise<Distribution[]>;
}

type PreparedUpload = Prepared & Pick<Upload, "name" | "version"> & { dists: Distribution[] };

/** What publish did: with `attested`, each file went up with a publish attestation that verify() reads back. */
type PublishedUpload = Published & { attested?: boolean };

function endpoints(ctx: Ctx): Endpoints {
  return {
    repository: ctx.options.repository ?? ctx.env("FERRY_PYPI_UPLOAD_URL") ?? "https://upload.pypi.org/legacy/",
    index: ctx.options.index ?? ctx.env("FERRY_PYPI_URL") ?? "https://pypi.org",
  };
}

function metadata(ctx: Ctx): WheelMetadata {
  const { project } = ctx;
  return {
    name: ctx.options.name ?? project.name,
    version: pep440Version(ctx.version),
    summary: project.description,
    description: `${project.description}\n\nInstall with \`pip install ${ctx.options.name ?? project.name}\`; it puts the \`${project.binary}\` command on PATH.\n`,
    homepage: project.homepage,
    license: project.license,
    author: project.author,
    projectUrls: { Source: `https://github.com/${project.repository}` },
  };
}

/**
 * The files to upload: the prebuilt ones under `dist` (read at once: they name the project), else
 * the wheels made from the release binaries (rendered only when the index's answer needs them).
 */
async function upload(ctx: Ctx): Promise<Upload> {
  if (ctx.options.dist) return prebuilt(ctx, ctx.options.dist);
  const meta = metadata(ctx);
  return { name: meta.name, version: meta.version, dists: () => renderWheels(ctx, meta) };
}

/** One wheel per release binary, rendered in memory: the same release always gives the same bytes. */
async function renderWheels(ctx: Ctx, meta: WheelMetadata): Promise<Distribution[]> {
  if (ctx.manifest.artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: name,
      what: "The release has no binaries to put in wheels.",
      fix: "Build the release with at least one target, or skip pypi.",
    });
  }
  const text = renderMetadata(meta);
  const dists: Distribution[] = [];
  for (const artifact of ctx.manifest.artifacts) {
    const platform = platformOf(artifact);
    const platformTag = ctx.options.platforms[platform] ?? defaultPlatformTags[platform];
    if (!platformTag) continue;
    const binaryName = artifact.binary.split("/").pop() ?? artifact.binary;
    const wheel = await buildWheel({
      metadata: meta,
      platformTag,
      binaryName,
      binary: await readFile(await ctx.binary(artifact)),
    });
    dists.push(wheelDistribution(wheel, text));
  }
  return dists.sort((a, b) => a.filename.localeCompare(b.filename));
}

/** The prebuilt files, checked to be one project at this release's version (and the configured name, if any). */
async function prebuilt(ctx: Ctx, dir: string): Promise<Upload> {
  const dists = await readDistributions(resolve(ctx.project.dir, dir), dir);
  const version = pep440Version(ctx.version);
  const names = new Set<string>();
  for (const dist of dists) {
    const found = metadataField(dist.metadata, "Version");
    if (found !== version) {
      throw new FerryError("ConfigInvalid", {
        registry: name,
        what: `${dir}/${dist.filename} is version ${found ?? "(none)"}, but the release is ${version}.`,
        why: "PyPI publishes the version in the files' metadata, and it must match the tag.",
        fix: `Set the project's version to ${version} (pyproject.toml), rebuild ${dir}, and run again.`,
      });
    }
    names.add(metadataField(dist.metadata, "Name") ?? "");
  }
  const [first, ...others] = [...names];
  const wanted = ctx.options.name;
  if (others.length || !first || (wanted && normalizeName(wanted) !== normalizeName(first))) {
    throw new FerryError("ConfigInvalid", {
      registry: name,
      what: `${dir} holds ${[...names].map((n) => n || "(no name)").join(", ")}${wanted ? `, but the option \`name\` is ${wanted}` : ""}.`,
      why: "One release uploads one PyPI project.",
      fix: `Leave only ${wanted ?? "one project"}'s files in ${dir}${wanted ? ", or correct the option `name`" : ""}.`,
    });
  }
  return { name: first, version, dists: () => Promise.resolve(dists) };
}

/** How the index's files compare with ours. */
function compare(dists: Distribution[], remote: ReleaseFiles) {
  const differing = dists.filter((d) => remote.has(d.filename) && remote.get(d.filename) !== d.sha256);
  const missing = dists.filter((d) => !remote.has(d.filename));
  return { differing, missing };
}

export default defineRegistry({
  name,
  needs: ["binaries"],
  targets: targetNames.filter((t) => defaultPlatformTags[t.replace("/", "_") as Platform]),
  options,

  validate(ctx) {
    // PEP 440 has no form for some SemVer versions (build metadata, labels other than alpha, beta and rc).
    if (ctx.version) pep440Version(ctx.version);
  },

  async exists(ctx) {
    const release = await upload(ctx);
    const remote = await readRelease(ctx, endpoints(ctx).index, release.name, release.version);
    if (!remote) return { state: "absent" };
    const dists = await release.dists();
    const { differing, missing } = compare(dists, remote);
    if (differing.length) {
      return {
        state: "present",
        matches: false,
        detail: `${release.name} ${release.version} has ${differing.map((d) => d.filename).join(", ")} with other contents`,
      };
    }
    // Some files up and the rest missing (an interrupted run): publish uploads only the missing ones.
    if (missing.length) return { state: "absent" };
    return {
      state: "present",
      matches: true,
      detail: `${release.name} ${release.version}: ${files(dists.length)} with equal sha256`,
    };
  },

  async prepare(ctx) {
    const release = await upload(ctx);
    const dists = await release.dists();
    for (const dist of dists) {
      const content = await dist.content();
      await pipeline(Readable.fromWeb(content.stream() as ReadableStream<Uint8Array>), createWriteStream(join(ctx.outDir, dist.filename)));
    }
    // The core metadata the files carry, beside them in plain text so a dry run shows it.
    await writeFile(join(ctx.outDir, "METADATA"), dists[0]!.metadata);
    return { files: [...dists.map((d) => d.filename), "METADATA"], name: release.name, version: release.version, dists };
  },

  async publish(ctx, prepared: PreparedUpload): Promise<PublishedUpload> {
    const where = endpoints(ctx);
    const { token, trusted } = await uploadToken(ctx, where.index);
    const signer = trusted && ctx.options.attestations ? contextSigner(ctx) : undefined;
    const before = (await readRelease(ctx, where.index, prepared.name, prepared.version)) ?? new Map<string, string>();
    const uploaded: string[] = [];
    for (const dist of prepared.dists) {
      if (before.get(dist.filename) === dist.sha256) continue;
      if (before.has(dist.filename)) throw differs(dist, prepared);
      const attestations: Attestation[] = signer ? [await attest(signer, dist)] : [];
      const result = await uploadDistribution(ctx, where, token, dist, attestations);
      if (result === "exists") {
        // Uploaded by an earlier, interrupted attempt: fine when it is the same file.
        const now = await readRelease(ctx, where.index, prepared.name, prepared.version);
        if (now?.get(dist.filename) !== dist.sha256) throw differs(dist, prepared);
        continue;
      }
      uploaded.push(dist.filename);
      ctx.log(`uploaded ${dist.filename}${signer ? " with its publish attestation" : ""}`);
    }
    const kept = prepared.dists.length - uploaded.length;
    const attested = signer !== undefined && uploaded.length > 0;
    return {
      detail: `${prepared.name} ${prepared.version}: uploaded ${files(uploaded.length)}${attested ? " with PEP 740 attestations" : ""}${kept ? `, ${kept} already there` : ""}`,
      attested,
    };
  },

  async verify(ctx, published: PublishedUpload) {
    const release = await upload(ctx);
    const index = endpoints(ctx).index;
    const remote = await readRelease(ctx, index, release.name, release.version);
    if (!remote) return undefined;
    const dists = await release.dists();
    const { differing, missing } = compare(dists, remote);
    if (differing.length) throw differs(differing[0]!, release);
    if (missing.length) return undefined;
    const listed = `${release.name}==${release.version} lists every file with its sha256`;
    if (!published.attested) return { state: "verified", detail: listed };
    // Each file's provenance, read back from the Integrity API and checked against the trusted root.
    const root = await trustedRoot((name) => ctx.env(name));
    let signer = "";
    for (const dist of dists) {
      const provenance = await readProvenance(ctx, index, release.name, release.version, dist.filename);
      if (!provenance) return undefined;
      if (root) signer = checkProvenance(root, provenance, dist);
    }
    return {
      state: "verified",
      detail: root
        ? `${listed} and a publish attestation signed by ${signer}`
        : `${listed} and a publish attestation (PyPI checked its signature; set FERRY_SIGSTORE_TRUSTED_ROOT to check it here too)`,
      supplyChain: dists.map((dist) => ({
        kind: "attestation" as const,
        subject: dist.filename,
        location: provenanceUrl(index, release.name, release.version, dist.filename).href,
      })),
    };
  },

  supplyChain(ctx, prepared: PreparedUpload): SupplyChainItem[] {
    const skipped = attestationsSkipped(ctx);
    const { index } = endpoints(ctx);
    return prepared.dists.map((dist) => ({
      kind: "attestation",
      subject: dist.filename,
      ...(skipped ? { skipped } : { location: provenanceUrl(index, prepared.name, prepared.version, dist.filename).href }),
    }));
  },

  doctor: (ctx) => Promise.resolve(checks(ctx)),
});

const files = (count: number) => `${count} ${count === 1 ? "file" : "files"}`;

function differs(dist: Distribution, release: Pick<Upload, "name" | "version">): FerryError {
  return new FerryError("PublishedContentDiffers", {
    registry: name,
    what: `PyPI already has ${dist.filename} with other contents than this release's.`,
    why: "PyPI never lets a file name be reused, so this version's file cannot be replaced.",
    fix: `Release a new version; ${release.name} ${release.version} stays as it is.`,
  });
}

/** `ferry doctor`: the credentials are there and have a PyPI token's shape. */
/** Why this run's uploads would carry no PEP 740 attestation; undefined when each file gets one. */
function attestationsSkipped(ctx: Ctx): string | undefined {
  if (!ctx.options.attestations) return "registries.pypi.attestations is false";
  if (ctx.secret("PYPI_TOKEN")) return "the upload uses PYPI_TOKEN, and PyPI takes attestations only from trusted publishers";
  if (!idTokenAvailable(ctx)) {
    return "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write` and register it as the project's trusted publisher on PyPI)";
  }
  return undefined;
}

/** `ferry doctor`: whether the uploads carry PEP 740 attestations here, and why not. */
function attestationCheck(ctx: Ctx): Check {
  const skipped = attestationsSkipped(ctx);
  return pass("PEP 740 attestations", skipped ? `none: ${skipped}` : "each file gets one, signed with trusted publishing's OIDC identity");
}

function checks(ctx: Ctx): Check[] {
  const fix =
    "Set PYPI_TOKEN to an API token from https://pypi.org/manage/account/token/, or configure a trusted publisher on PyPI and grant the job `id-token: write`.";
  const token = ctx.secret("PYPI_TOKEN");
  if (!token) {
    return [
      idTokenAvailable(ctx)
        ? pass("PyPI credentials", "no PYPI_TOKEN; trusted publishing (a GitHub Actions id-token) is available")
        : secretCheck(ctx, ["PYPI_TOKEN"], fix),
      attestationCheck(ctx),
    ];
  }
  // PyPI offers no read-only call that authenticates a token: only an upload would tell.
  const shape = "PYPI_TOKEN looks like a PyPI API token";
  return [
    pass("PYPI_TOKEN set", "PYPI_TOKEN is set"),
    token.startsWith("pypi-")
      ? pass(shape, "it has the pypi- prefix; PyPI has no read-only check, so the first upload is what proves it")
      : fail(shape, "it does not start with pypi-, as every PyPI API token does", fix),
    attestationCheck(ctx),
  ];
}
