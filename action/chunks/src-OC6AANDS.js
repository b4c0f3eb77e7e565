import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  defineRegistry,
  envName,
  external_exports,
  findOpenPullRequest,
  githubForkChecks,
  githubRepoChecks,
  holdsFiles,
  proposeChange,
  readRepoFile,
  refused,
  repositoryName,
  require_dist,
  secretCheck,
  splitRepo
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import {
  __toESM
} from "./chunk-BHGG6FRM.js";

// registries/winget/src/index.ts
import { writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
var import_yaml2 = __toESM(require_dist(), 1);

// registries/winget/src/options.ts
var wingetOptions = external_exports.object({
  identifier: external_exports.string().regex(/^[^.\s\\/:*?"<>|\x01-\x1f]{1,32}(\.[^.\s\\/:*?"<>|\x01-\x1f]{1,32}){1,7}$/, {
    message: 'must be Publisher.Package: dot-separated parts without spaces or any of \\ / : * ? " < > |'
  }).meta({
    description: "The package identifier, `Publisher.Package` (up to eight dot-separated parts), e.g. `Hello.Hello`. It decides the manifest's folder: manifests/h/Hello/Hello/<version>/."
  }),
  publisher: external_exports.string().min(2).optional().meta({ description: "The publisher's display name. Default: the identifier's first part." }),
  packageName: external_exports.string().min(2).optional().meta({ description: "The package's display name. Default: project.name." }),
  repository: repositoryName().default("microsoft/winget-pkgs").meta({ description: "The repository the pull request goes to, `owner/name`." }),
  manifestVersion: external_exports.string().regex(/^\d+\.\d+\.\d+$/).default("1.10.0").meta({ description: "The manifest schema version written into every file; winget-pkgs accepts 1.10.0 and later." }),
  token: envName().default("WINGET_TOKEN").meta({
    description: 'The environment variable holding a GitHub token (classic scope public_repo) of the account that forks the repository and opens the pull request. Default: "WINGET_TOKEN", falling back to WINGET_CREATE_GITHUB_TOKEN.'
  }),
  license: external_exports.string().min(3).optional().meta({ description: "The license as winget shows it. Default: project.license." }),
  shortDescription: external_exports.string().min(3).max(256).optional().meta({ description: "One line describing the package. Default: project.description." })
}).strict();

// registries/winget/src/render.ts
var import_yaml = __toESM(require_dist(), 1);
var locale = "en-US";
var manifestDir = (identifier, version) => `manifests/${identifier[0].toLowerCase()}/${identifier.split(".").join("/")}/${version}`;
var manifestPaths = (identifier, version) => {
  const dir = manifestDir(identifier, version);
  return {
    version: `${dir}/${identifier}.yaml`,
    installer: `${dir}/${identifier}.installer.yaml`,
    locale: `${dir}/${identifier}.locale.${locale}.yaml`
  };
};
var architectures = {
  "386": "x86",
  amd64: "x64",
  arm64: "arm64"
};
function describePackage(ctx) {
  const { options, project } = ctx;
  const zips = ctx.manifest.artifacts.filter((a) => a.os === "windows" && a.format === "zip" && architectures[a.arch]).sort((a, b) => a.arch.localeCompare(b.arch));
  return {
    identifier: options.identifier,
    version: ctx.version.semver,
    manifestVersion: options.manifestVersion,
    publisher: options.publisher ?? options.identifier.split(".")[0],
    packageName: options.packageName ?? project.name,
    license: options.license ?? project.license,
    shortDescription: options.shortDescription ?? project.description,
    homepage: /^https?:\/\//i.test(project.homepage) ? project.homepage : void 0,
    command: project.binary,
    installers: zips.map((a) => ({ architecture: architectures[a.arch], url: a.url, sha256: a.sha256, binary: a.binary }))
  };
}
function renderManifests(pkg) {
  const paths = manifestPaths(pkg.identifier, pkg.version);
  const head = { PackageIdentifier: pkg.identifier, PackageVersion: pkg.version };
  const tail = { ManifestVersion: pkg.manifestVersion };
  return {
    [paths.version]: yamlFile("version", pkg.manifestVersion, {
      ...head,
      DefaultLocale: locale,
      ManifestType: "version",
      ...tail
    }),
    [paths.installer]: yamlFile("installer", pkg.manifestVersion, {
      ...head,
      InstallerType: "zip",
      NestedInstallerType: "portable",
      Installers: pkg.installers.map((i) => ({
        Architecture: i.architecture,
        NestedInstallerFiles: [{ RelativeFilePath: i.binary, PortableCommandAlias: pkg.command }],
        InstallerUrl: i.url,
        // winget-pkgs writes digests in uppercase hex; the comparison in exists() ignores case.
        InstallerSha256: i.sha256.toUpperCase()
      })),
      ManifestType: "installer",
      ...tail
    }),
    [paths.locale]: yamlFile("defaultLocale", pkg.manifestVersion, {
      ...head,
      PackageLocale: locale,
      Publisher: pkg.publisher,
      PackageName: pkg.packageName,
      ...pkg.homepage ? { PackageUrl: pkg.homepage } : {},
      License: pkg.license,
      ShortDescription: pkg.shortDescription,
      ManifestType: "defaultLocale",
      ...tail
    })
  };
}
function yamlFile(type, manifestVersion, data) {
  const header = `# yaml-language-server: $schema=https://aka.ms/winget-manifest.${type}.${manifestVersion}.schema.json`;
  return `${header}

${(0, import_yaml.stringify)(data, { lineWidth: 0 })}`;
}

// registries/winget/src/index.ts
function token(ctx) {
  const named = ctx.secret(ctx.options.token);
  return named ?? (ctx.options.token === "WINGET_TOKEN" ? ctx.secret("WINGET_CREATE_GITHUB_TOKEN") : void 0);
}
var tokenFix = (ctx) => `Create a token (classic, scope public_repo) for the account that will own the fork, and set ${ctx.options.token}.`;
function requireToken(ctx) {
  const value = token(ctx);
  if (value) return value;
  throw new FerryError("SecretMissing", {
    registry: ctx.registry,
    what: `No GitHub token in ${ctx.options.token} to open the pull request to ${ctx.options.repository}.`,
    fix: tokenFix(ctx)
  });
}
function render(ctx) {
  const pkg = describePackage(ctx);
  if (pkg.installers.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no windows zip archive for winget to install.",
      fix: "Add a windows/amd64 (or windows/arm64) target to the build."
    });
  }
  return renderManifests(pkg);
}
var branchName = (ctx) => `ferry/${ctx.options.identifier}-${ctx.version.semver}`;
var prTitle = (ctx) => `New version: ${ctx.options.identifier} version ${ctx.version.semver}`;
function digests(installerYaml) {
  if (installerYaml === void 0) return "";
  const data = (0, import_yaml2.parse)(installerYaml);
  const found = (data?.Installers ?? []).map((i) => i.InstallerSha256 ?? data?.InstallerSha256 ?? "");
  return found.map((d) => d.toUpperCase()).sort().join(",");
}
async function readMerged(ctx) {
  const { identifier, repository } = ctx.options;
  const version = ctx.version.semver;
  const gh = ctx.github(token(ctx));
  const [owner, repo] = splitRepo(repository);
  try {
    await gh.rest.repos.getContent({ owner, repo, path: manifestDir(identifier, version) });
  } catch (error) {
    if (error.status === 404) return void 0;
    throw refused(ctx, `read ${manifestDir(identifier, version)} in ${repository}`, error);
  }
  const path = manifestPaths(identifier, version).installer;
  const ours = render(ctx)[path];
  return { matches: digests(await readRepoFile(ctx, gh, repository, path)) === digests(ours) };
}
function findPull(ctx) {
  return findOpenPullRequest(ctx, {
    upstream: ctx.options.repository,
    branch: branchName(ctx),
    title: `${ctx.options.identifier} version ${ctx.version.semver}`,
    token: token(ctx)
  });
}
var src_default = defineRegistry({
  name: "winget",
  needs: ["binaries"],
  targets: Object.keys(architectures).map((arch) => `windows/${arch}`),
  options: wingetOptions,
  skipsPrereleases: true,
  async exists(ctx) {
    const dir = manifestDir(ctx.options.identifier, ctx.version.semver);
    const merged = await readMerged(ctx);
    if (merged) return { state: "present", matches: merged.matches, detail: `${dir} in ${ctx.options.repository}` };
    const pull = await findPull(ctx);
    if (!pull) return { state: "absent" };
    const path = manifestPaths(ctx.options.identifier, ctx.version.semver).installer;
    const theirs = await readRepoFile(ctx, ctx.github(token(ctx)), pull.headRepo, path, pull.headSha);
    const matches = digests(theirs) === digests(render(ctx)[path]);
    return { state: "present", matches, detail: `pull request #${pull.number} awaiting review` };
  },
  async prepare(ctx) {
    const changes = render(ctx);
    const files = [];
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
      body: `Adds ${identifier} ${ctx.version.semver}, released at ${ctx.manifest.url}.

Manifests generated by ferry.`,
      files: changes,
      token: requireToken(ctx)
    });
    return { detail: `pull request #${pull.number} (${pull.url})${pull.created ? "" : ", already open"}` };
  },
  async verify(ctx) {
    const merged = await readMerged(ctx);
    if (merged && !merged.matches) {
      throw new FerryError("PublishedContentDiffers", {
        registry: ctx.registry,
        what: `${ctx.options.repository} holds ${ctx.options.identifier} ${ctx.version.semver} with other installer checksums.`,
        fix: "Release a new version; winget-pkgs keeps one manifest per version."
      });
    }
    if (merged)
      return { state: "verified", detail: `${manifestDir(ctx.options.identifier, ctx.version.semver)} is in ${ctx.options.repository}` };
    const pull = await findPull(ctx);
    if (!pull || !await holdsFiles(ctx, ctx.github(token(ctx)), pull.headRepo, pull.headSha, render(ctx))) return void 0;
    return { state: "awaiting-review", detail: `pull request #${pull.number}` };
  },
  async doctor(ctx) {
    const names = ctx.options.token === "WINGET_TOKEN" ? ["WINGET_TOKEN", "WINGET_CREATE_GITHUB_TOKEN"] : [ctx.options.token];
    const set = secretCheck(ctx, names, tokenFix(ctx));
    if (!set.ok) return [set];
    const tokenName = names.find((n) => ctx.secret(n));
    const gh = ctx.github(token(ctx));
    const user = await githubForkChecks(gh, tokenName);
    if (!user[0]?.ok) return [set, ...user];
    const upstream = await githubRepoChecks(gh, { repository: ctx.options.repository, tokenName, push: false });
    return [set, ...user, ...upstream.filter((c) => c.name !== `${tokenName} accepted`)];
  }
});
export {
  src_default as default
};
