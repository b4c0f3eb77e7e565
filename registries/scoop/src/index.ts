import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  checkRepoFiles,
  defineRegistry,
  filePresence,
  openRepoFiles,
  repoFilesOptions,
  type Context,
  type RepoTarget,
  type Prepared,
} from "@ferry/core";
import { z } from "zod";
import { parseScoop, renderScoop } from "./render.ts";

const options = z
  .object({
    /** The bucket on GitHub, `owner/name`, written through the contents API. Or set `git`. */
    bucket: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name")
      .optional(),
    ...repoFilesOptions,
    /** The app name (bucket/<app>.json). @default the project name */
    app: z
      .string()
      .regex(/^[\w.-]+$/, "expected a file name without .json")
      .optional(),
    /** Name of the secret with a token that may write to the bucket. @default "SCOOP_BUCKET_TOKEN" */
    token: z.string().default("SCOOP_BUCKET_TOKEN"),
  })
  .strict();

type Options = z.infer<typeof options>;

interface ScoopPrepared extends Prepared {
  /** Repository path → content, committed by publish(). */
  commit: Record<string, string>;
}

const appName = (ctx: Context<Options>) => ctx.options.app ?? ctx.project.name;
const appPath = (ctx: Context<Options>) => `bucket/${appName(ctx)}.json`;
const where = (ctx: Context<Options>): RepoTarget => ({
  repository: ctx.options.bucket,
  git: ctx.options.git ?? ctx.env("FERRY_SCOOP_GIT"),
  branch: ctx.options.branch,
  token: ctx.options.token,
  author: ctx.options.author,
});
const bucket = (ctx: Context<Options>) => openRepoFiles(ctx, where(ctx));
const render = (ctx: Context<Options>) => renderScoop({ project: ctx.project, version: ctx.version, manifest: ctx.manifest });

export default defineRegistry<Options, ScoopPrepared>({
  name: "scoop",
  needs: ["binaries"],
  options,
  skipsPrereleases: true,

  async exists(ctx) {
    const repo = bucket(ctx);
    const path = appPath(ctx);
    // Read first: the location names the branch once the backend has resolved it.
    const current = await repo.read(path);
    return filePresence({ path, location: repo.location, current, rendered: render(ctx), parse: parseScoop });
  },

  async prepare(ctx) {
    const path = appPath(ctx);
    const text = render(ctx);
    const file = join(ctx.outDir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return { files: [file], commit: { [path]: text } };
  },

  async publish(ctx, prepared) {
    const repo = bucket(ctx);
    const { commit } = await repo.write({ files: prepared.commit, message: `${appName(ctx)}: Update to version ${ctx.version.semver}` });
    return {
      detail: commit ? `commit ${commit.slice(0, 12)} to ${repo.location}` : `${appPath(ctx)} was already up to date in ${repo.location}`,
    };
  },

  async verify(ctx) {
    const repo = bucket(ctx);
    const path = appPath(ctx);
    if ((await repo.read(path)) !== render(ctx)) return undefined;
    return { state: "verified", detail: `${path} in ${repo.location} has ${ctx.version.semver}` };
  },

  doctor: (ctx) => checkRepoFiles(ctx, where(ctx)),
});
