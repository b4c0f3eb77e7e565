import { writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  FerryError,
  defineRegistry,
  findOpenPullRequest,
  githubForkChecks,
  githubRepoChecks,
  holdsFiles,
  proposeChange,
  readRepoFile,
  refused,
  secretCheck,
  splitRepo,
  type Context,
  type TargetName,
  type Prepared,
} from "@ferry/core";
import { parse } from "yaml";
import { wingetOptions, type WingetOptions } from "./options.ts";
import { architectures, describePackage, manifestDir, manifestPaths, renderManifests } from "./render.ts";

type Ctx = Context<WingetOptions>;

interface WingetPrepared extends Prepared {
  /** Repository path → content, as they go into the pull request. */
  changes: Record<string, string>;
}

/** The token named by the options; the default name falls back to the variable wingetcreate reads. */
function token(ctx: Ctx): string | undefined {
  const named = ctx.secret(ctx.options.token);
  return named ?? (ctx.options.token === "WINGET_TOKEN" ? ctx.secret("WINGET_CREATE_GITHUB_TOKEN") : undefined);
}

const tokenFix = (ctx: Ctx) =>
  `Create a token (classic, scope public_repo) for the account that will own the fork, and set ${ctx.options.token}.`;

function requireToken(ctx: Ctx): string {
  const value = token(ctx);
  if (value) return value;
  throw new FerryError("SecretMissing", {
    registry: ctx.registry,
    what: `No GitHub token in ${ctx.options.token} to open the pull request to ${ctx.options.repository}.`,
    fix: tokenFix(ctx),
  });
}

function render(ctx: Ctx): Record<string, string> {
  const pkg = describePackage(ctx);
  if (pkg.installers.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no windows zip archive for winget to install.",
      fix: "Add a windows/amd64 (or windows/arm64) target to the build.",
    });
  }
  return renderManifests(pkg);
}

const branchName = (ctx: Ctx) => `ferry/${ctx.options.identifier}-${ctx.version.semver}`;
const prTitle = (ctx: Ctx) => `New version: ${ctx.options.identifier} version ${ctx.version.semver}`;

/** The installers' sha256s in an installer manifest, uppercased and sorted, for comparison. */
function digests(installerYaml: string | undefined): string {
  if (installerYaml === undefined) return "";
  const data = parse(installerYaml) as { InstallerSha256?: string; Installers?: Array<{ InstallerSha256?: string }> } | null;
  const found = (data?.Installers ?? []).map((i) => i.InstallerSha256 ?? data?.InstallerSha256 ?? "");
  return found
    .map((d) => d.toUpperCase())
    .sort()
    .join(",");
}

/** Reads the version's folder in the upstream's default branch: undefined when it is not there. */
async function readMerged(ctx: Ctx): Promise<{ matches: boolean } | undefined> {
  const { identifier, repository } = ctx.options;
  const version = ctx.version.semver;
  const gh = ctx.github(token(ctx));
  const [owner, repo] = splitRepo(repository);
  try {
    await gh.rest.repos.getContent({ owner, repo, path: manifestDir(identifier, version) });
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw refused(ctx, `read ${manifestDir(identifier, version)} in ${repository}`, error);
  }
  const path = manifestPaths(identifier, version).installer;
  const ours = render(ctx)[path];
  return { matches: digests(await readRepoFile(ctx, gh, repository, path)) === digests(ours) };
}

/** An open pull request for this identifier and version: ours (by branch) or anyone's (by title). */
function findPull(ctx: Ctx) {
  return findOpenPullRequest(ctx, {
    upstream: ctx.options.repository,
    branch: branchName(ctx),
    title: `${ctx.options.identifier} version ${ctx.version.semver}`,
    token: token(ctx),
  });
}

export default defineRegistry<WingetOptions, WingetPrepared>({
  name: "winget",
  needs: ["binaries"],
  targets: Object.keys(architectures).map((arch) => `windows/${arch}` as TargetName),
  options: wingetOptions,
  skipsPrereleases: true,

  async exists(ctx) {
    const dir = manifestDir(ctx.options.identifier, ctx.version.semver);
    const merged = await readMerged(ctx);
    if (merged) return { state: "present", matches: merged.matches, detail: `${dir} in ${ctx.options.repository}` };
    // winget-pkgs takes one version per pull request; a pending one means this version is on its way.
    const pull = await findPull(ctx);
    if (!pull) return { state: "absent" };
    // The pull request may come from another tool (wingetcreate, komac): what matters is that it installs these files.
    const path = manifestPaths(ctx.options.identifier, ctx.version.semver).installer;
    const theirs = await readRepoFile(ctx, ctx.github(token(ctx)), pull.headRepo, path, pull.headSha);
    const matches = digests(theirs) === digests(render(ctx)[path]);
    return { state: "present", matches, detail: `pull request #${pull.number} awaiting review` };
  },

  async prepare(ctx) {
    const changes = render(ctx);
    const files: string[] = [];
    for (const [path, content] of Object.entries(changes)) {
      const out = join(ctx.outDir, path);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, content);
      files.push(out);
    }
    return { files, changes };
  },

  async publish(ctx, { changes }) {
    const { identifier, repository } = ctx.options;
    const pull = await proposeChange(ctx, {
      upstream: repository,
      branch: branchName(ctx),
      title: prTitle(ctx),
      body: `Adds ${identifier} ${ctx.version.semver}, released at ${ctx.manifest.url}.\n\nManifests generated by ferry.`,
      files: changes,
      token: requireToken(ctx),
    });
    return { detail: `pull request #${pull.number} (${pull.url})${pull.created ? "" : ", already open"}` };
  },

  async verify(ctx) {
    const merged = await readMerged(ctx);
    if (merged && !merged.matches) {
      throw new FerryError("PublishedContentDiffers", {
        registry: ctx.registry,
        what: `${ctx.options.repository} holds ${ctx.options.identifier} ${ctx.version.semver} with other installer checksums.`,
        fix: "Release a new version; winget-pkgs keeps one manifest per version.",
      });
    }
    if (merged)
      return { state: "verified", detail: `${manifestDir(ctx.options.identifier, ctx.version.semver)} is in ${ctx.options.repository}` };
    const pull = await findPull(ctx);
    if (!pull || !(await holdsFiles(ctx, ctx.github(token(ctx)), pull.headRepo, pull.headSha, render(ctx)))) return undefined;
    return { state: "awaiting-review", detail: `pull request #${pull.number}` };
  },

  async doctor(ctx) {
    const names = ctx.options.token === "WINGET_TOKEN" ? ["WINGET_TOKEN", "WINGET_CREATE_GITHUB_TOKEN"] : [ctx.options.token];
    const set = secretCheck(ctx, names, tokenFix(ctx));
    if (!set.ok) return [set];
    const tokenName = names.find((n) => ctx.secret(n))!;
    const gh = ctx.github(token(ctx));
    const user = await githubForkChecks(gh, tokenName);
    if (!user[0]?.ok) return [set, ...user];
    // The fork and the pull request are the token's; the upstream only has to exist.
    const upstream = await githubRepoChecks(gh, { repository: ctx.options.repository, tokenName, push: false });
    return [set, ...user, ...upstream.filter((c) => c.name !== `${tokenName} accepted`)];
  },
});
