import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  FerryError,
  compareVersion,
  defineRegistry,
  findOpenPullRequest,
  getUnlessAbsent,
  githubForkChecks,
  githubRepoChecks,
  proposeChange,
  readJson,
  readRepoFile,
  refused,
  secretCheck,
  splitRepo,
  type Context,
  type Prepared,
} from "@ferry/core";
import { flathubOptions, type FlathubOptions } from "./options.ts";
import {
  describeApp,
  downloadsOf,
  flathubTargets,
  manifestFile,
  metainfoFile,
  parseReleases,
  renderManifest,
  renderMetainfo,
} from "./render.ts";

type Ctx = Context<FlathubOptions>;

interface FlathubPrepared extends Prepared {
  /** Repository path → content, as they go into the pull request. */
  changes: Record<string, string>;
}

const submissionDocs = "https://docs.flathub.org/docs/for-app-authors/submission";

const repository = (ctx: Ctx) => ctx.options.repository ?? `flathub/${ctx.options.appId}`;
const api = (ctx: Ctx) => (ctx.options.api ?? ctx.env("FERRY_FLATHUB_API") ?? "https://flathub.org/api/v2").replace(/\/$/, "");
const branchName = (ctx: Ctx) => `ferry/${ctx.version.semver}`;
const prTitle = (ctx: Ctx) => `Update ${ctx.options.appId} to ${ctx.version.semver}`;
const token = (ctx: Ctx) => ctx.secret(ctx.options.token);
const github = (ctx: Ctx) => ctx.github(token(ctx));

/** A file of the app's repository on the target branch; undefined when it (or the repository) is missing. */
const readBranch = (ctx: Ctx, path: string) => readRepoFile(ctx, github(ctx), repository(ctx), path, ctx.options.branch);

/** Renders both files; the metainfo keeps the releases (and this release's date) already in the repository. */
async function render(ctx: Ctx): Promise<Record<string, string>> {
  const app = describeApp(ctx, await readBranch(ctx, metainfoFile(ctx.options.appId)));
  if (app.downloads.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no linux tar.gz archive for the flatpak to download.",
      fix: "Add a linux/amd64 (or linux/arm64) target to the build.",
    });
  }
  return { [manifestFile(app.appId)]: renderManifest(app), [metainfoFile(app.appId)]: renderMetainfo(app) };
}

/** The versions Flathub serves for the app; undefined when Flathub does not know the app. */
async function listedVersions(ctx: Ctx): Promise<string[] | undefined> {
  const url = `${api(ctx)}/appstream/${encodeURIComponent(ctx.options.appId)}`;
  const response = await getUnlessAbsent(ctx.http, url, {
    registry: ctx.registry,
    what: url,
    fix: "Re-run later; ferry does not guess whether the version is published.",
  });
  if (!response) return undefined;
  const data = await readJson<{ releases?: Array<{ version?: string }> }>(response, ctx.registry);
  return (data.releases ?? []).map((r) => String(r.version));
}

/** Whether the branch's manifest downloads exactly what ours does. */
async function branchMatches(ctx: Ctx, ours: Record<string, string>): Promise<boolean> {
  const file = manifestFile(ctx.options.appId);
  return downloadsOf(await readBranch(ctx, file)) === downloadsOf(ours[file]);
}

type Stage =
  | { stage: "published"; matches: boolean }
  | { stage: "merged"; matches: boolean }
  | { stage: "pull-request"; matches: boolean; number: number }
  | undefined;

/** How far this version has got: served by Flathub, merged in the app's repository, or in an open pull request. */
async function stage(ctx: Ctx): Promise<Stage> {
  const version = ctx.version.semver;
  const ours = await render(ctx);
  if ((await listedVersions(ctx))?.includes(version)) return { stage: "published", matches: await branchMatches(ctx, ours) };
  const metainfo = await readBranch(ctx, metainfoFile(ctx.options.appId));
  if (metainfo !== undefined && parseReleases(metainfo).some((r) => r.version === version)) {
    return { stage: "merged", matches: await branchMatches(ctx, ours) };
  }
  if (!(await appRepositoryExists(ctx))) return undefined;
  const pull = await findOpenPullRequest(ctx, {
    upstream: repository(ctx),
    branch: branchName(ctx),
    title: prTitle(ctx),
    token: token(ctx),
  });
  if (!pull) return undefined;
  // The manifest decides what users download; the metainfo's release date may legitimately differ.
  const file = manifestFile(ctx.options.appId);
  const theirs = await readRepoFile(ctx, github(ctx), pull.headRepo, file, pull.headSha);
  return { stage: "pull-request", matches: theirs === ours[file], number: pull.number };
}

function describeStage(ctx: Ctx, found: NonNullable<Stage>): string {
  if (found.stage === "published") return `${ctx.version.semver} on Flathub`;
  if (found.stage === "merged") return `merged into ${repository(ctx)} ${ctx.options.branch}, waiting for Flathub's build`;
  return `pull request #${found.number} awaiting review`;
}

async function appRepositoryExists(ctx: Ctx): Promise<boolean> {
  const [owner, repo] = splitRepo(repository(ctx));
  try {
    await github(ctx).rest.repos.get({ owner, repo });
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw refused(ctx, `read ${repository(ctx)}`, error);
  }
}

const tokenFix = (ctx: Ctx) =>
  `Create a token (classic, scope public_repo) for the account that will own the fork, and set ${ctx.options.token}.`;

/** A brand-new app goes through Flathub's review as a pull request to flathub/flathub, by hand. */
async function requireAppRepository(ctx: Ctx): Promise<void> {
  if (!(await appRepositoryExists(ctx))) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: `${repository(ctx)} does not exist, so ${ctx.options.appId} is not on Flathub yet.`,
      why: "A new app's first submission is reviewed by hand, as a pull request to flathub/flathub's new-pr branch; Flathub creates the app's repository after accepting it.",
      fix: `Submit the files ferry rendered in ${ctx.outDir}/ (\`ferry plan --only flathub\` writes them) as described at ${submissionDocs}; once ${repository(ctx)} exists, ferry sends every update.`,
    });
  }
}

export default defineRegistry<FlathubOptions, FlathubPrepared>({
  name: "flathub",
  needs: ["binaries"],
  targets: flathubTargets,
  options: flathubOptions,
  skipsPrereleases: true,

  async exists(ctx) {
    const found = await stage(ctx);
    if (found) return { state: "present", matches: found.matches, detail: describeStage(ctx, found) };
    // The branch builds one version: an older release leaves a newer one there (the metainfo lists the newest first).
    const file = metainfoFile(ctx.options.appId);
    const metainfo = await readBranch(ctx, file);
    const newer = metainfo === undefined ? undefined : parseReleases(metainfo).find((r) => compareVersion(r.version, ctx.version) === 1);
    if (newer) return { state: "newer", version: newer.version, where: `${file} in ${repository(ctx)} ${ctx.options.branch}` };
    return { state: "absent" };
  },

  async prepare(ctx) {
    const changes = await render(ctx);
    await mkdir(ctx.outDir, { recursive: true });
    const files: string[] = [];
    for (const [path, content] of Object.entries(changes)) {
      await writeFile(join(ctx.outDir, path), content);
      files.push(join(ctx.outDir, path));
    }
    return { files, changes };
  },

  async publish(ctx, { changes }) {
    const value = token(ctx);
    if (!value) {
      throw new FerryError("SecretMissing", {
        registry: ctx.registry,
        what: `No GitHub token in ${ctx.options.token} to open the pull request to ${repository(ctx)}.`,
        fix: tokenFix(ctx),
      });
    }
    await requireAppRepository(ctx);
    const pull = await proposeChange(ctx, {
      upstream: repository(ctx),
      base: ctx.options.branch,
      branch: branchName(ctx),
      title: prTitle(ctx),
      body: `Updates ${ctx.options.appId} to ${ctx.version.semver}, released at ${ctx.manifest.url}.\n\nFiles generated by ferry.`,
      files: changes,
      token: value,
    });
    return { detail: `pull request #${pull.number} (${pull.url})${pull.created ? "" : ", already open"}` };
  },

  async verify(ctx) {
    const found = await stage(ctx);
    if (!found) return undefined;
    if (!found.matches) {
      throw new FerryError("PublishedContentDiffers", {
        registry: ctx.registry,
        what: `${ctx.options.appId} ${ctx.version.semver} (${describeStage(ctx, found)}) downloads other files than this release.`,
        fix: "Release a new version, or correct the pull request by hand.",
      });
    }
    if (found.stage === "published") return { state: "verified", detail: describeStage(ctx, found) };
    return {
      state: "awaiting-review",
      detail: found.stage === "pull-request" ? `pull request #${found.number}` : describeStage(ctx, found),
    };
  },

  async doctor(ctx) {
    const tokenName = ctx.options.token;
    const set = secretCheck(ctx, [tokenName], tokenFix(ctx));
    if (!set.ok) return [set];
    const user = await githubForkChecks(github(ctx), tokenName);
    if (!user[0]?.ok) return [set, ...user];
    const app = await githubRepoChecks(github(ctx), { repository: repository(ctx), tokenName, push: false });
    const newApp = `${ctx.options.appId} is not on Flathub yet: its first submission is a pull request to flathub/flathub, reviewed by hand (${submissionDocs}); ferry sends the updates after that.`;
    return [
      set,
      ...user,
      ...app
        .filter((c) => c.name !== `${tokenName} accepted`)
        .map((c) => (c.ok || c.name !== `${repository(ctx)} exists` ? c : { ...c, fix: newApp })),
    ];
  },
});
