import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Context, OptionsSchema, Prepared, Registry } from "./registry.ts";
import type { TargetName } from "./targets.ts";
import { checkRepoFiles, filePresence, openRepoFiles, type FilePresenceInput, type RepoTarget } from "./repo-files.ts";

/** The options a one-file registry shares: `repoFilesOptions` and the name of its token's secret. */
interface RepoOptions {
  git?: string | undefined;
  branch?: string | undefined;
  author?: string | undefined;
  token: string;
}

/** A registry that is one file in a repository: a Homebrew formula, a Scoop manifest, a Nix derivation. */

export interface FileRegistrySpec<Options extends RepoOptions> {
  name: string;
  options: OptionsSchema<Options>;
  /** The targets the file can point at. */
  targets: readonly TargetName[];
  /** `owner/name` of the GitHub repository written through the contents API, unless a git URL is set (option `git` or FERRY_<NAME>_GIT). */
  repository(ctx: Context<Options>): string | undefined;
  /** The file's path in the repository. */
  path(ctx: Context<Options>): string;
  /** The file for this release; a pure function of the context, so re-runs compare equal. */
  render(ctx: Context<Options>): string;
  /** The commit message. */
  message(ctx: Context<Options>): string;
  /** The version as the file states it. */
  version(ctx: Context<Options>): string;
  parse: FilePresenceInput["parse"];
  toSemver?: FilePresenceInput["toSemver"];
}

interface FilePrepared extends Prepared {
  /** Repository path → content, committed by publish(). */
  commit: Record<string, string>;
}

/**
 * The whole adapter for a one-file registry: exists() reads the file and compares versions and
 * checksums, prepare() renders it, publish() commits it only when it changed, verify() reads it back.
 * Prereleases are skipped unless asked for: these files hold one version, the stable one.
 */
export function defineFileRegistry<Options extends RepoOptions>(spec: FileRegistrySpec<Options>): Registry<Options, FilePrepared> {
  const where = (ctx: Context<Options>): RepoTarget => ({
    repository: spec.repository(ctx),
    git: ctx.options.git ?? ctx.env(`FERRY_${spec.name.toUpperCase()}_GIT`),
    branch: ctx.options.branch,
    token: ctx.options.token,
    author: ctx.options.author,
  });
  const repo = (ctx: Context<Options>) => openRepoFiles(ctx, where(ctx));
  return {
    name: spec.name,
    needs: ["binaries"],
    targets: spec.targets,
    options: spec.options,
    skipsPrereleases: true,

    async exists(ctx) {
      const files = repo(ctx);
      const path = spec.path(ctx);
      // Read first: the location names the branch once the backend has resolved it.
      const current = await files.read(path);
      return filePresence({
        path,
        location: files.location,
        current,
        rendered: spec.render(ctx),
        parse: spec.parse,
        version: ctx.version,
        ...(spec.toSemver ? { toSemver: spec.toSemver } : {}),
      });
    },

    async prepare(ctx) {
      const path = spec.path(ctx);
      const text = spec.render(ctx);
      const file = join(ctx.outDir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      return { files: [file], commit: { [path]: text } };
    },

    async publish(ctx, prepared) {
      const files = repo(ctx);
      const { commit } = await files.write({ files: prepared.commit, message: spec.message(ctx) });
      return {
        detail: commit
          ? `commit ${commit.slice(0, 12)} to ${files.location}`
          : `${spec.path(ctx)} was already up to date in ${files.location}`,
      };
    },

    async verify(ctx) {
      const files = repo(ctx);
      const path = spec.path(ctx);
      if ((await files.read(path)) !== spec.render(ctx)) return undefined;
      return { state: "verified", detail: `${path} in ${files.location} has ${spec.version(ctx)}` };
    },

    doctor: (ctx) => checkRepoFiles(ctx, where(ctx)),
  };
}
