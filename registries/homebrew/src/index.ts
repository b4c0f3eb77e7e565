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
import { parseFormula, renderCask, renderFormula } from "./render.ts";

const options = z
  .object({
    /** The tap on GitHub, `owner/homebrew-<name>`, written through the contents API. Or set `git`. */
    tap: z
      .string()
      .regex(/^[\w.-]+\/homebrew-[\w.-]+$/, "expected owner/homebrew-<name>")
      .optional(),
    ...repoFilesOptions,
    /** Publish a cask (Casks/<formula>.rb, macOS only) instead of a formula. @default false */
    cask: z.boolean().default(false),
    /** The formula (or cask) name: Formula/<formula>.rb. @default the project name */
    formula: z
      .string()
      .regex(/^[a-z0-9][a-z0-9@._+-]*$/, "expected a lowercase formula name")
      .optional(),
    /** Name of the secret with a token that may write to the tap. @default "HOMEBREW_TAP_TOKEN" */
    token: z.string().default("HOMEBREW_TAP_TOKEN"),
  })
  .strict();

type Options = z.infer<typeof options>;

interface FormulaPrepared extends Prepared {
  /** Repository path → content, committed by publish(). */
  commit: Record<string, string>;
}

const formulaName = (ctx: Context<Options>) => ctx.options.formula ?? ctx.project.name.toLowerCase();
const formulaPath = (ctx: Context<Options>) => `${ctx.options.cask ? "Casks" : "Formula"}/${formulaName(ctx)}.rb`;
const where = (ctx: Context<Options>): RepoTarget => ({
  repository: ctx.options.tap,
  git: ctx.options.git ?? ctx.env("FERRY_HOMEBREW_GIT"),
  branch: ctx.options.branch,
  token: ctx.options.token,
  author: ctx.options.author,
});
const tap = (ctx: Context<Options>) => openRepoFiles(ctx, where(ctx));
const render = (ctx: Context<Options>) =>
  (ctx.options.cask ? renderCask : renderFormula)({
    project: ctx.project,
    version: ctx.version,
    manifest: ctx.manifest,
    formula: formulaName(ctx),
  });

export default defineRegistry<Options, FormulaPrepared>({
  name: "homebrew",
  needs: ["binaries"],
  options,
  skipsPrereleases: true,

  async exists(ctx) {
    const repo = tap(ctx);
    const path = formulaPath(ctx);
    // Read first: the location names the branch once the backend has resolved it.
    const current = await repo.read(path);
    return filePresence({ path, location: repo.location, current, rendered: render(ctx), parse: parseFormula });
  },

  async prepare(ctx) {
    const path = formulaPath(ctx);
    const text = render(ctx);
    const file = join(ctx.outDir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return { files: [file], commit: { [path]: text } };
  },

  async publish(ctx, prepared) {
    const repo = tap(ctx);
    const { commit } = await repo.write({ files: prepared.commit, message: `${formulaName(ctx)} ${ctx.version.semver}` });
    return {
      detail: commit
        ? `commit ${commit.slice(0, 12)} to ${repo.location}`
        : `${formulaPath(ctx)} was already up to date in ${repo.location}`,
    };
  },

  async verify(ctx) {
    const repo = tap(ctx);
    const path = formulaPath(ctx);
    if ((await repo.read(path)) !== render(ctx)) return undefined;
    return { state: "verified", detail: `${path} in ${repo.location} has ${ctx.version.semver}` };
  },

  doctor: (ctx) => checkRepoFiles(ctx, where(ctx)),
});
