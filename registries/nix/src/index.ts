import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  checkRepoFiles,
  defineRegistry,
  filePresence,
  nixVersion,
  openRepoFiles,
  repoFilesOptions,
  type Context,
  type RepoTarget,
  type Prepared,
} from "@ferry/core";
import { z } from "zod";
import { parseDerivation, renderDerivation, semverOfNix } from "./render.ts";

const options = z
  .object({
    /** The flake or NUR repository on GitHub, `owner/name`, written through the contents API. Or set `git`. */
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name")
      .optional(),
    ...repoFilesOptions,
    /** The package name (`pname`). @default the project name */
    pname: z
      .string()
      .regex(/^[A-Za-z_][\w.+-]*$/, "expected a Nix package name")
      .optional(),
    /** Where the derivation goes in the repository. @default "pkgs/<pname>/default.nix" */
    path: z
      .string()
      .regex(/^[^/].*\.nix$/, "expected a relative path ending in .nix")
      .optional(),
    /** Name of the secret with a token that may write to the repository. @default "NIX_REPO_TOKEN" */
    token: z.string().default("NIX_REPO_TOKEN"),
  })
  .strict();

type Options = z.infer<typeof options>;

interface NixPrepared extends Prepared {
  /** Repository path → content, committed by publish(). */
  commit: Record<string, string>;
}

const pname = (ctx: Context<Options>) => ctx.options.pname ?? ctx.project.name;
const filePath = (ctx: Context<Options>) => ctx.options.path ?? `pkgs/${pname(ctx)}/default.nix`;
const where = (ctx: Context<Options>): RepoTarget => ({
  repository: ctx.options.repository,
  git: ctx.options.git ?? ctx.env("FERRY_NIX_GIT"),
  branch: ctx.options.branch,
  token: ctx.options.token,
  author: ctx.options.author,
});
const target = (ctx: Context<Options>) => openRepoFiles(ctx, where(ctx));
const render = (ctx: Context<Options>) =>
  renderDerivation({ project: ctx.project, version: ctx.version, manifest: ctx.manifest, pname: pname(ctx) });

export default defineRegistry<Options, NixPrepared>({
  name: "nix",
  needs: ["binaries"],
  options,
  // builtins.compareVersions sorts 1.2.3-rc.1 above 1.2.3, so prereleases stay out unless asked for.
  skipsPrereleases: true,

  async exists(ctx) {
    const repo = target(ctx);
    const path = filePath(ctx);
    // Read first: the location names the branch once the backend has resolved it.
    const current = await repo.read(path);
    return filePresence({
      path,
      location: repo.location,
      current,
      rendered: render(ctx),
      parse: parseDerivation,
      toSemver: semverOfNix,
    });
  },

  async prepare(ctx) {
    const path = filePath(ctx);
    const text = render(ctx);
    const file = join(ctx.outDir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return { files: [file], commit: { [path]: text } };
  },

  async publish(ctx, prepared) {
    const repo = target(ctx);
    const { commit } = await repo.write({ files: prepared.commit, message: `${pname(ctx)}: ${nixVersion(ctx.version)}` });
    return {
      detail: commit ? `commit ${commit.slice(0, 12)} to ${repo.location}` : `${filePath(ctx)} was already up to date in ${repo.location}`,
    };
  },

  async verify(ctx) {
    const repo = target(ctx);
    const path = filePath(ctx);
    if ((await repo.read(path)) !== render(ctx)) return undefined;
    return { state: "verified", detail: `${path} in ${repo.location} has ${nixVersion(ctx.version)}` };
  },

  doctor: (ctx) => checkRepoFiles(ctx, where(ctx)),
});
