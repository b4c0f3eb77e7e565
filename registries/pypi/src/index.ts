import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineRegistry, fail, FerryError, pass, pep440Version, secretCheck, type Check, type Context, type Prepared } from "@ferry/core";
import { z } from "zod";
import { readRelease, uploadToken, uploadWheel, type Endpoints, type ReleaseFiles } from "./api.ts";
import { buildWheel, defaultPlatformTags, renderMetadata, type Platform, type Wheel, type WheelMetadata } from "./wheel.ts";

const name = "pypi";

const options = z
  .object({
    /** The distribution name on PyPI. @default the project's name */
    name: z
      .string()
      .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, "not a valid Python distribution name")
      .optional(),
    /** Wheel platform tags per target (`linux_amd64`, …), replacing the defaults (e.g. a musllinux tag). @default the manylinux/macosx/win tags in the docs */
    platforms: z
      .partialRecord(z.enum(Object.keys(defaultPlatformTags) as [Platform, ...Platform[]]), z.string().regex(/^[a-z0-9_.]+$/))
      .default({}),
    /** The upload API. @default FERRY_PYPI_UPLOAD_URL, else https://upload.pypi.org/legacy/ */
    repository: z.string().url().optional(),
    /** The index whose JSON API answers exists() and verify(). @default FERRY_PYPI_URL, else https://pypi.org */
    index: z.string().url().optional(),
  })
  .strict();

type Options = z.infer<typeof options>;
type Ctx = Context<Options>;

interface PreparedWheels extends Prepared {
  metadata: WheelMetadata;
  wheels: Wheel[];
}

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

/** One wheel per release binary, rendered in memory: the same release always gives the same bytes. */
async function renderWheels(ctx: Ctx, meta: WheelMetadata): Promise<Wheel[]> {
  if (ctx.manifest.artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: name,
      what: "The release has no binaries to put in wheels.",
      fix: "Build the release with at least one target, or skip pypi.",
    });
  }
  const wheels: Wheel[] = [];
  for (const artifact of ctx.manifest.artifacts) {
    const platform: Platform = `${artifact.os}_${artifact.arch}`;
    const binaryName = artifact.binary.split("/").pop() ?? artifact.binary;
    wheels.push(
      await buildWheel({
        metadata: meta,
        platformTag: ctx.options.platforms[platform] ?? defaultPlatformTags[platform],
        binaryName,
        binary: await readFile(await ctx.binary(artifact)),
      }),
    );
  }
  return wheels.sort((a, b) => a.filename.localeCompare(b.filename));
}

/** How the index's files compare with ours. */
function compare(wheels: Wheel[], remote: ReleaseFiles) {
  const differing = wheels.filter((w) => remote.has(w.filename) && remote.get(w.filename) !== w.sha256);
  const missing = wheels.filter((w) => !remote.has(w.filename));
  return { differing, missing };
}

export default defineRegistry({
  name,
  needs: ["binaries"],
  options,

  async exists(ctx) {
    const meta = metadata(ctx);
    const remote = await readRelease(ctx, endpoints(ctx).index, meta.name, meta.version);
    if (!remote) return { state: "absent" };
    const wheels = await renderWheels(ctx, meta);
    const { differing, missing } = compare(wheels, remote);
    if (differing.length) {
      return {
        state: "present",
        matches: false,
        detail: `${meta.name} ${meta.version} has ${differing.map((w) => w.filename).join(", ")} with other contents`,
      };
    }
    // Some wheels up and the rest missing (an interrupted run): publish uploads only the missing ones.
    if (missing.length) return { state: "absent" };
    return { state: "present", matches: true, detail: `${meta.name} ${meta.version}: ${wheels.length} wheels with equal sha256` };
  },

  async prepare(ctx) {
    const meta = metadata(ctx);
    const wheels = await renderWheels(ctx, meta);
    for (const wheel of wheels) await writeFile(join(ctx.outDir, wheel.filename), wheel.bytes);
    // The core metadata every wheel carries, beside them in plain text so a dry run shows it.
    await writeFile(join(ctx.outDir, "METADATA"), renderMetadata(meta));
    return { files: [...wheels.map((w) => w.filename), "METADATA"], metadata: meta, wheels };
  },

  async publish(ctx, prepared: PreparedWheels) {
    const { metadata: meta, wheels } = prepared;
    const where = endpoints(ctx);
    const token = await uploadToken(ctx, where.index);
    const before = (await readRelease(ctx, where.index, meta.name, meta.version)) ?? new Map<string, string>();
    const uploaded: string[] = [];
    for (const wheel of wheels) {
      if (before.get(wheel.filename) === wheel.sha256) continue;
      if (before.has(wheel.filename)) throw differs(wheel, meta);
      const result = await uploadWheel(ctx, where, token, meta, wheel);
      if (result === "exists") {
        // Uploaded by an earlier, interrupted attempt: fine when it is the same file.
        const now = await readRelease(ctx, where.index, meta.name, meta.version);
        if (now?.get(wheel.filename) !== wheel.sha256) throw differs(wheel, meta);
        continue;
      }
      uploaded.push(wheel.filename);
      ctx.log(`uploaded ${wheel.filename}`);
    }
    const kept = wheels.length - uploaded.length;
    return { detail: `${meta.name} ${meta.version}: uploaded ${uploaded.length} wheels${kept ? `, ${kept} already there` : ""}` };
  },

  async verify(ctx) {
    const meta = metadata(ctx);
    const remote = await readRelease(ctx, endpoints(ctx).index, meta.name, meta.version);
    if (!remote) return undefined;
    const { differing, missing } = compare(await renderWheels(ctx, meta), remote);
    if (differing.length) throw differs(differing[0]!, meta);
    if (missing.length) return undefined;
    return { state: "verified", detail: `${meta.name}==${meta.version} lists every wheel with its sha256` };
  },

  doctor: (ctx) => Promise.resolve(checks(ctx)),
});

function differs(wheel: Wheel, meta: WheelMetadata): FerryError {
  return new FerryError("PublishedContentDiffers", {
    registry: name,
    what: `PyPI already has ${wheel.filename} with other contents than this release's.`,
    why: "PyPI never lets a file name be reused, so this version's wheel cannot be replaced.",
    fix: `Release a new version; ${meta.name} ${meta.version} stays as it is.`,
  });
}

/** `ferry doctor`: the credentials are there and have a PyPI token's shape. */
function checks(ctx: Ctx): Check[] {
  const fix =
    "Set PYPI_TOKEN to an API token from https://pypi.org/manage/account/token/, or configure a trusted publisher on PyPI and grant the job `id-token: write`.";
  const token = ctx.secret("PYPI_TOKEN");
  if (!token) {
    const oidc = ctx.env("ACTIONS_ID_TOKEN_REQUEST_URL") && ctx.secret("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    return [
      oidc
        ? pass("PyPI credentials", "no PYPI_TOKEN; trusted publishing (a GitHub Actions id-token) is available")
        : secretCheck(ctx, ["PYPI_TOKEN"], fix),
    ];
  }
  // PyPI offers no read-only call that authenticates a token: only an upload would tell.
  const shape = "PYPI_TOKEN looks like a PyPI API token";
  return [
    pass("PYPI_TOKEN set", "PYPI_TOKEN is set"),
    token.startsWith("pypi-")
      ? pass(shape, "it has the pypi- prefix; PyPI has no read-only check, so the first upload is what proves it")
      : fail(shape, "it does not start with pypi-, as every PyPI API token does", fix),
  ];
}
