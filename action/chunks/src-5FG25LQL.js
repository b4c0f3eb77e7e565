import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  XMLParser,
  json2xml_default
} from "./chunk-AJ6JV5FN.js";
import {
  compareVersion,
  defineRegistry,
  envName,
  external_exports,
  findArtifact,
  findOpenPullRequest,
  getUnlessAbsent,
  githubForkChecks,
  githubRepoChecks,
  httpUrl,
  proposeChange,
  readJson,
  readRepoFile,
  refused,
  repositoryName,
  secretCheck,
  splitRepo
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import "./chunk-BHGG6FRM.js";

// registries/flathub/src/index.ts
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

// registries/flathub/src/options.ts
var flathubOptions = external_exports.object({
  appId: external_exports.string().regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){2,}$/, {
    message: "must be a reverse-DNS ID with at least three parts, e.g. io.github.acme.Hello"
  }).meta({ description: "The application ID, reverse-DNS with at least three parts, e.g. `io.github.acme.Hello`." }),
  runtime: external_exports.string().default("org.freedesktop.Platform").meta({ description: "The runtime the app runs on." }),
  runtimeVersion: external_exports.string().default("24.08").meta({ description: "The runtime's version (branch)." }),
  sdk: external_exports.string().default("org.freedesktop.Sdk").meta({ description: "The SDK the manifest names for building." }),
  repository: repositoryName().optional().meta({ description: "The app's repository on GitHub, which the pull request goes to.", default: "flathub/<appId>" }),
  branch: external_exports.string().default("master").meta({ description: "The branch the pull request targets: `master` for stable, `beta` for the beta channel." }),
  token: envName().default("FLATHUB_TOKEN").meta({
    description: "The environment variable holding a GitHub token (classic scope public_repo) of the account that forks the app's repository and opens the pull request."
  }),
  finishArgs: external_exports.array(external_exports.string()).default([]).meta({ description: 'Sandbox permissions, e.g. `["--share=network", "--filesystem=home"]`.' }),
  summary: external_exports.string().optional().meta({ description: "One line for the store listing. Default: project.description without its final full stop." }),
  developer: external_exports.string().optional().meta({ description: "The developer's name in the metainfo. Default: project.author without the email." }),
  api: httpUrl().optional().meta({
    description: "The Flathub API base used by exists() and verify(). Default: $FERRY_FLATHUB_API, else https://flathub.org/api/v2."
  })
}).strict();

// registries/flathub/src/render.ts
var flatpakArch = { amd64: "x86_64", arm64: "aarch64" };
var flathubTargets = ["linux/amd64", "linux/arm64", "linux/amd64-musl", "linux/arm64-musl"];
var manifestFile = (appId) => `${appId}.json`;
var metainfoFile = (appId) => `${appId}.metainfo.xml`;
function describeApp(ctx, existing) {
  const { options, project, version } = ctx;
  const previous = existing === void 0 ? [] : parseReleases(existing);
  const date = previous.find((r) => r.version === version.semver)?.date ?? releaseDate(ctx.env("SOURCE_DATE_EPOCH"));
  return {
    appId: options.appId,
    runtime: options.runtime,
    runtimeVersion: options.runtimeVersion,
    sdk: options.sdk,
    command: project.binary,
    finishArgs: options.finishArgs,
    name: project.name,
    summary: options.summary ?? project.description.replace(/\.$/, ""),
    description: project.description,
    homepage: project.homepage,
    license: project.license,
    developer: options.developer ?? project.author.replace(/\s*<[^>]*>\s*$/, ""),
    releases: [{ version: version.semver, date }, ...previous.filter((r) => r.version !== version.semver)],
    downloads: ["amd64", "arm64"].flatMap((arch) => {
      const a = findArtifact(ctx.manifest, "linux", arch);
      return a?.format === "tar.gz" ? [{ arch: flatpakArch[arch], url: a.url, sha256: a.sha256, size: a.size, binary: a.binary }] : [];
    })
  };
}
function releaseDate(sourceDateEpoch) {
  const seconds = Number(sourceDateEpoch);
  const when = sourceDateEpoch && Number.isFinite(seconds) ? new Date(seconds * 1e3) : /* @__PURE__ */ new Date();
  return when.toISOString().slice(0, 10);
}
var archiveName = "release.tar.gz";
function renderManifest(app) {
  const extracted = (binary2) => `/app/extra/${binary2}`;
  const binary = app.downloads[0]?.binary ?? app.command;
  const manifest = {
    id: app.appId,
    runtime: app.runtime,
    "runtime-version": app.runtimeVersion,
    sdk: app.sdk,
    command: app.command,
    "finish-args": app.finishArgs,
    modules: [
      {
        name: app.command,
        buildsystem: "simple",
        "build-commands": [
          "install -Dm755 apply_extra /app/bin/apply_extra",
          `install -Dm644 ${metainfoFile(app.appId)} /app/share/metainfo/${metainfoFile(app.appId)}`,
          `ln -s ${extracted(binary)} /app/bin/${app.command}`
        ],
        sources: [
          {
            type: "script",
            "dest-filename": "apply_extra",
            commands: [`tar -xzf ${archiveName} --no-same-owner`, `rm ${archiveName}`]
          },
          { type: "file", path: metainfoFile(app.appId) },
          ...app.downloads.map((d) => ({
            type: "extra-data",
            filename: archiveName,
            "only-arches": [d.arch],
            url: d.url,
            sha256: d.sha256,
            size: d.size
          }))
        ]
      }
    ]
  };
  return `${JSON.stringify(manifest, null, 2)}
`;
}
var attribute = "@_";
var builder = new json2xml_default({
  ignoreAttributes: false,
  attributeNamePrefix: attribute,
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true
});
var parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: attribute, isArray: (name) => name === "release" });
function renderMetainfo(app) {
  const component = {
    component: {
      [`${attribute}type`]: "console-application",
      id: app.appId,
      name: app.name,
      summary: app.summary,
      metadata_license: "CC0-1.0",
      project_license: app.license,
      description: { p: app.description },
      url: { [`${attribute}type`]: "homepage", "#text": app.homepage },
      developer: { [`${attribute}id`]: developerId(app.appId), name: app.developer },
      content_rating: { [`${attribute}type`]: "oars-1.1" },
      provides: { binary: app.command },
      releases: { release: app.releases.map((r) => ({ [`${attribute}version`]: r.version, [`${attribute}date`]: r.date })) }
    }
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
${builder.build(component)}`;
}
var developerId = (appId) => appId.split(".").slice(0, -1).join(".");
function parseReleases(xml) {
  const parsed = parser.parse(xml);
  return (parsed.component?.releases?.release ?? []).filter((r) => typeof r[`${attribute}version`] === "string").map((r) => ({ version: r[`${attribute}version`], date: String(r[`${attribute}date`] ?? "").slice(0, 10) }));
}
function downloadsOf(manifestJson) {
  if (manifestJson === void 0) return "";
  try {
    const manifest = JSON.parse(manifestJson);
    return (manifest.modules ?? []).flatMap((m) => typeof m === "string" ? [] : m.sources ?? []).filter((s) => s.type === "extra-data").map((s) => `${String(s.url)} ${String(s.sha256)} ${String(s.size)}`).sort().join("\n");
  } catch {
    return "";
  }
}

// registries/flathub/src/index.ts
var submissionDocs = "https://docs.flathub.org/docs/for-app-authors/submission";
var repository = (ctx) => ctx.options.repository ?? `flathub/${ctx.options.appId}`;
var api = (ctx) => (ctx.options.api ?? ctx.env("FERRY_FLATHUB_API") ?? "https://flathub.org/api/v2").replace(/\/$/, "");
var branchName = (ctx) => `ferry/${ctx.version.semver}`;
var prTitle = (ctx) => `Update ${ctx.options.appId} to ${ctx.version.semver}`;
var token = (ctx) => ctx.secret(ctx.options.token);
var github = (ctx) => ctx.github(token(ctx));
var readBranch = (ctx, path) => readRepoFile(ctx, github(ctx), repository(ctx), path, ctx.options.branch);
async function render(ctx) {
  const app = describeApp(ctx, await readBranch(ctx, metainfoFile(ctx.options.appId)));
  if (app.downloads.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no linux tar.gz archive for the flatpak to download.",
      fix: "Add a linux/amd64 (or linux/arm64) target to the build."
    });
  }
  return { [manifestFile(app.appId)]: renderManifest(app), [metainfoFile(app.appId)]: renderMetainfo(app) };
}
async function listedVersions(ctx) {
  const url = `${api(ctx)}/appstream/${encodeURIComponent(ctx.options.appId)}`;
  const response = await getUnlessAbsent(ctx.http, url, {
    registry: ctx.registry,
    what: url,
    fix: "Re-run later; ferry does not guess whether the version is published."
  });
  if (!response) return void 0;
  const data = await readJson(response, ctx.registry);
  return (data.releases ?? []).map((r) => String(r.version));
}
async function branchMatches(ctx, ours) {
  const file = manifestFile(ctx.options.appId);
  return downloadsOf(await readBranch(ctx, file)) === downloadsOf(ours[file]);
}
async function stage(ctx) {
  const version = ctx.version.semver;
  const ours = await render(ctx);
  if ((await listedVersions(ctx))?.includes(version)) return { stage: "published", matches: await branchMatches(ctx, ours) };
  const metainfo = await readBranch(ctx, metainfoFile(ctx.options.appId));
  if (metainfo !== void 0 && parseReleases(metainfo).some((r) => r.version === version)) {
    return { stage: "merged", matches: await branchMatches(ctx, ours) };
  }
  if (!await appRepositoryExists(ctx)) return void 0;
  const pull = await findOpenPullRequest(ctx, {
    upstream: repository(ctx),
    branch: branchName(ctx),
    title: prTitle(ctx),
    token: token(ctx)
  });
  if (!pull) return void 0;
  const file = manifestFile(ctx.options.appId);
  const theirs = await readRepoFile(ctx, github(ctx), pull.headRepo, file, pull.headSha);
  return { stage: "pull-request", matches: theirs === ours[file], number: pull.number };
}
function describeStage(ctx, found) {
  if (found.stage === "published") return `${ctx.version.semver} on Flathub`;
  if (found.stage === "merged") return `merged into ${repository(ctx)} ${ctx.options.branch}, waiting for Flathub's build`;
  return `pull request #${found.number} awaiting review`;
}
async function appRepositoryExists(ctx) {
  const [owner, repo] = splitRepo(repository(ctx));
  try {
    await github(ctx).rest.repos.get({ owner, repo });
    return true;
  } catch (error) {
    if (error.status === 404) return false;
    throw refused(ctx, `read ${repository(ctx)}`, error);
  }
}
var tokenFix = (ctx) => `Create a token (classic, scope public_repo) for the account that will own the fork, and set ${ctx.options.token}.`;
async function requireAppRepository(ctx) {
  if (!await appRepositoryExists(ctx)) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: `${repository(ctx)} does not exist, so ${ctx.options.appId} is not on Flathub yet.`,
      why: "A new app's first submission is reviewed by hand, as a pull request to flathub/flathub's new-pr branch; Flathub creates the app's repository after accepting it.",
      fix: `Submit the files ferry rendered in ${ctx.outDir}/ (\`ferry plan --only flathub\` writes them) as described at ${submissionDocs}; once ${repository(ctx)} exists, ferry sends every update.`
    });
  }
}
var src_default = defineRegistry({
  name: "flathub",
  needs: ["binaries"],
  targets: flathubTargets,
  options: flathubOptions,
  skipsPrereleases: true,
  async exists(ctx) {
    const found = await stage(ctx);
    if (found) return { state: "present", matches: found.matches, detail: describeStage(ctx, found) };
    const file = metainfoFile(ctx.options.appId);
    const metainfo = await readBranch(ctx, file);
    const newer = metainfo === void 0 ? void 0 : parseReleases(metainfo).find((r) => compareVersion(r.version, ctx.version) === 1);
    if (newer) return { state: "newer", version: newer.version, where: `${file} in ${repository(ctx)} ${ctx.options.branch}` };
    return { state: "absent" };
  },
  async prepare(ctx) {
    const changes = await render(ctx);
    await mkdir(ctx.outDir, { recursive: true });
    const files = [];
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
        fix: tokenFix(ctx)
      });
    }
    await requireAppRepository(ctx);
    const pull = await proposeChange(ctx, {
      upstream: repository(ctx),
      base: ctx.options.branch,
      branch: branchName(ctx),
      title: prTitle(ctx),
      body: `Updates ${ctx.options.appId} to ${ctx.version.semver}, released at ${ctx.manifest.url}.

Files generated by ferry.`,
      files: changes,
      token: value
    });
    return { detail: `pull request #${pull.number} (${pull.url})${pull.created ? "" : ", already open"}` };
  },
  async verify(ctx) {
    const found = await stage(ctx);
    if (!found) return void 0;
    if (!found.matches) {
      throw new FerryError("PublishedContentDiffers", {
        registry: ctx.registry,
        what: `${ctx.options.appId} ${ctx.version.semver} (${describeStage(ctx, found)}) downloads other files than this release.`,
        fix: "Release a new version, or correct the pull request by hand."
      });
    }
    if (found.stage === "published") return { state: "verified", detail: describeStage(ctx, found) };
    return {
      state: "awaiting-review",
      detail: found.stage === "pull-request" ? `pull request #${found.number}` : describeStage(ctx, found)
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
      ...app.filter((c) => c.name !== `${tokenName} accepted`).map((c) => c.ok || c.name !== `${repository(ctx)} exists` ? c : { ...c, fix: newApp })
    ];
  }
});
export {
  src_default as default
};
