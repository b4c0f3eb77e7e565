import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  Qn,
  addSecret,
  checkStep,
  configFiles,
  contentKey,
  contextSigner,
  cpuBound,
  defineRegistry,
  external_exports,
  httpUrl,
  idToken,
  idTokenAvailable,
  makeTempDir,
  npmDistTag,
  npmVersion,
  pass,
  placeFile,
  readJson,
  redact,
  secretCheck,
  signStatement,
  targetNames,
  trustedRoot,
  verifyBundle
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-BHGG6FRM.js";

// node_modules/.pnpm/validate-npm-package-name@6.0.2/node_modules/validate-npm-package-name/lib/index.js
var require_lib = __commonJS({
  "node_modules/.pnpm/validate-npm-package-name@6.0.2/node_modules/validate-npm-package-name/lib/index.js"(exports, module) {
    "use strict";
    var { builtinModules: builtins } = __require("module");
    var scopedPackagePattern = new RegExp("^(?:@([^/]+?)[/])?([^/]+?)$");
    var exclusionList = [
      "node_modules",
      "favicon.ico"
    ];
    function validate(name) {
      var warnings = [];
      var errors = [];
      if (name === null) {
        errors.push("name cannot be null");
        return done(warnings, errors);
      }
      if (name === void 0) {
        errors.push("name cannot be undefined");
        return done(warnings, errors);
      }
      if (typeof name !== "string") {
        errors.push("name must be a string");
        return done(warnings, errors);
      }
      if (!name.length) {
        errors.push("name length must be greater than zero");
      }
      if (name.startsWith(".")) {
        errors.push("name cannot start with a period");
      }
      if (name.match(/^_/)) {
        errors.push("name cannot start with an underscore");
      }
      if (name.trim() !== name) {
        errors.push("name cannot contain leading or trailing spaces");
      }
      exclusionList.forEach(function(excludedName) {
        if (name.toLowerCase() === excludedName) {
          errors.push(excludedName + " is not a valid package name");
        }
      });
      if (builtins.includes(name.toLowerCase())) {
        warnings.push(name + " is a core module name");
      }
      if (name.length > 214) {
        warnings.push("name can no longer contain more than 214 characters");
      }
      if (name.toLowerCase() !== name) {
        warnings.push("name can no longer contain capital letters");
      }
      if (/[~'!()*]/.test(name.split("/").slice(-1)[0])) {
        warnings.push(`name can no longer contain special characters ("~'!()*")`);
      }
      if (encodeURIComponent(name) !== name) {
        var nameMatch = name.match(scopedPackagePattern);
        if (nameMatch) {
          var user = nameMatch[1];
          var pkg = nameMatch[2];
          if (pkg.startsWith(".")) {
            errors.push("name cannot start with a period");
          }
          if (encodeURIComponent(user) === user && encodeURIComponent(pkg) === pkg) {
            return done(warnings, errors);
          }
        }
        errors.push("name can only contain URL-friendly characters");
      }
      return done(warnings, errors);
    }
    var done = function(warnings, errors) {
      var result = {
        validForNewPackages: errors.length === 0 && warnings.length === 0,
        validForOldPackages: errors.length === 0,
        warnings,
        errors
      };
      if (!result.warnings.length) {
        delete result.warnings;
      }
      if (!result.errors.length) {
        delete result.errors;
      }
      return result;
    };
    module.exports = validate;
  }
});

// registries/npm/src/client.ts
import { readFile } from "node:fs/promises";
function registryUrl(ctx) {
  const url = ctx.options.registry ?? ctx.env("NPM_CONFIG_REGISTRY") ?? ctx.env("npm_config_registry") ?? "https://registry.npmjs.org";
  return url.endsWith("/") ? url : `${url}/`;
}
var escapeName = (name) => encodeURIComponent(name).replace(/^%40/, "@").replace("%2F", "%2f");
async function readVersion(ctx, name, version) {
  const url = new URL(`${escapeName(name)}/${encodeURIComponent(version)}`, registryUrl(ctx));
  const token = ctx.secret("NODE_AUTH_TOKEN") ?? ctx.secret("NPM_TOKEN");
  const response = await ctx.http(url, {
    headers: { accept: "application/json", ...token ? { authorization: `Bearer ${token}` } : {} }
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return { state: "absent" };
  }
  if (response.status !== 200) throw await refused(ctx, response, `GET ${url.pathname}`);
  const body = await readJson(response, ctx.registry);
  if (!body.dist?.shasum) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `${url.host} answered GET ${url.pathname} without dist.shasum.`,
      why: "ferry cannot tell whether the published tarball is this release's."
    });
  }
  return { state: "present", shasum: body.dist.shasum, integrity: body.dist.integrity, attestations: body.dist.attestations };
}
async function readVersions(ctx, name) {
  const url = new URL(escapeName(name), registryUrl(ctx));
  url.searchParams.set("write", "true");
  const token = ctx.secret("NODE_AUTH_TOKEN") ?? ctx.secret("NPM_TOKEN");
  const response = await ctx.http(url, {
    headers: { accept: "application/json", ...token ? { authorization: `Bearer ${token}` } : {} }
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return [];
  }
  if (response.status !== 200) throw await refused(ctx, response, `GET ${url.pathname}`);
  const body = await readJson(response, ctx.registry);
  return Object.keys(body.versions ?? {});
}
var sameTarball = (remote, pkg) => remote.state === "present" && remote.shasum === pkg.shasum && (remote.integrity === void 0 || remote.integrity === pkg.integrity);
async function putPackage(ctx, pkg, tag, token, provenance) {
  const registry = registryUrl(ctx);
  const tarball = await readFile(pkg.tarball);
  const unscoped = pkg.name.replace(/^@[^/]+\//, "");
  const document = {
    _id: pkg.name,
    name: pkg.name,
    description: pkg.manifest.description,
    "dist-tags": { [tag]: pkg.version },
    versions: {
      [pkg.version]: {
        ...pkg.manifest,
        _id: `${pkg.name}@${pkg.version}`,
        dist: {
          shasum: pkg.shasum,
          integrity: pkg.integrity,
          tarball: new URL(`${pkg.name}/-/${unscoped}-${pkg.version}.tgz`, registry).href
        }
      }
    },
    access: ctx.options.access,
    _attachments: {
      [`${pkg.name}-${pkg.version}.tgz`]: {
        content_type: "application/octet-stream",
        data: tarball.toString("base64"),
        length: tarball.length
      },
      ...provenance ? { [`${pkg.name}-${pkg.version}.sigstore`]: bundleAttachment(provenance) } : {}
    }
  };
  const url = new URL(escapeName(pkg.name), registry);
  const response = await ctx.http(url, {
    method: "PUT",
    headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${token}`, "npm-command": "publish" },
    body: JSON.stringify(document)
  });
  if (response.ok) {
    await response.body?.cancel();
    return { state: "published" };
  }
  if (response.status === 403 || response.status === 409) {
    const why = redact(registryMessage(await response.text().catch(() => "")));
    return { state: "conflict", why: `${response.status}: ${why}` };
  }
  throw await refused(ctx, response, `PUT ${url.pathname}`);
}
function bundleAttachment(bundle) {
  const data = JSON.stringify(bundle);
  return { content_type: bundle.mediaType, data, length: data.length };
}
async function refused(ctx, response, request) {
  const host = new URL(response.url || registryUrl(ctx)).host;
  const text = redact(registryMessage(await response.text().catch(() => "")));
  const auth = response.status === 401 || response.status === 403;
  return new FerryError(response.status >= 500 ? "RegistryUnreachable" : "RegistryRefused", {
    registry: ctx.registry,
    what: `${host} answered ${request} with ${response.status}.`,
    ...text ? { why: `The registry says: ${text}` } : {},
    fix: auth ? "Check that the token (NODE_AUTH_TOKEN or NPM_TOKEN) is valid, has publish rights on the package, and, for automation, bypasses 2FA." : "Check the registry URL and try again; nothing else was changed."
  });
}
function registryMessage(body) {
  let message = body.trim();
  try {
    const json = JSON.parse(message);
    if (typeof json.error === "string") message = json.error;
    else if (typeof json.message === "string") message = json.message;
  } catch {
  }
  message = message.slice(0, 300);
  return message && !/[.!?]$/.test(message) ? `${message}.` : message;
}
async function whoami(ctx, token) {
  const url = new URL("-/whoami", registryUrl(ctx));
  const response = await ctx.http(url, { headers: { accept: "application/json", authorization: `Bearer ${token}` } });
  if (!response.ok) throw await refused(ctx, response, `GET ${url.pathname}`);
  const { username } = await readJson(response, ctx.registry);
  if (!username) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `${url.host} answered GET ${url.pathname} with no user: it does not recognize the token.`,
      fix: "Check that the token (NODE_AUTH_TOKEN or NPM_TOKEN) is valid for this registry and has not been revoked."
    });
  }
  return username;
}
async function publishToken(ctx, name) {
  const token = ctx.secret("NODE_AUTH_TOKEN") ?? ctx.secret("NPM_TOKEN");
  if (token) return token;
  const idToken2 = await ciIdToken(ctx);
  if (!idToken2) {
    throw new FerryError("SecretMissing", {
      registry: ctx.registry,
      what: "No npm token to publish with.",
      why: "Neither NODE_AUTH_TOKEN nor NPM_TOKEN is set, and no OIDC ID token is available for trusted publishing.",
      fix: "Set NPM_TOKEN to an automation token, or configure trusted publishing on npmjs.com and give the workflow `permissions: id-token: write`."
    });
  }
  const url = new URL(`-/npm/v1/oidc/token/exchange/package/${escapeName(name)}`, registryUrl(ctx));
  const response = await ctx.http(url, { method: "POST", headers: { accept: "application/json", authorization: `Bearer ${idToken2}` } });
  if (!response.ok) throw await refused(ctx, response, `POST ${url.pathname} (trusted publishing)`);
  const { token: exchanged } = await readJson(response, ctx.registry);
  if (!exchanged)
    throw new FerryError("RegistryRefused", { registry: ctx.registry, what: `${url.host} exchanged the ID token for no token.` });
  addSecret(exchanged);
  return exchanged;
}
var ciIdToken = (ctx) => idToken(ctx, `npm:${new URL(registryUrl(ctx)).host}`, { registry: ctx.registry, given: "NPM_ID_TOKEN", http: ctx.http });

// registries/npm/src/options.ts
var import_validate_npm_package_name = __toESM(require_lib(), 1);
function nameProblem(name) {
  const { validForNewPackages, errors = [], warnings = [] } = (0, import_validate_npm_package_name.default)(name);
  return validForNewPackages ? void 0 : [...errors, ...warnings].join("; ");
}
var npmOptions = external_exports.object({
  package: external_exports.string().superRefine((name, ctx) => {
    const problem = nameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: `"${name}" is not a valid npm package name: ${problem}` });
  }).optional().meta({
    description: "The main package's name, e.g. `@hello/cli` or `hello-cli`; platform packages are named after it (`@hello/cli-linux-x64`). Default: project.name."
  }),
  registry: httpUrl().optional().meta({ description: "The registry to publish to. Default: $NPM_CONFIG_REGISTRY, else https://registry.npmjs.org." }),
  access: external_exports.enum(["public", "restricted"]).default("public").meta({ description: "Who may install the package; `restricted` needs a paid scope on npmjs.org." }),
  provenance: external_exports.boolean().default(true).meta({
    description: "Send each package's provenance with publishes from CI with an OIDC identity, as `npm publish --provenance` does, and check it is served back. Set false for a registry that does not keep provenance (registry.npmjs.org does); `sign.attestations: off` turns it off too."
  }),
  directory: external_exports.string().min(1).optional().meta({
    description: "A package directory (relative to the project) to publish as it is, instead of packaging the release's binaries. Its package.json version must be the release's version."
  })
}).strict();

// registries/npm/src/provenance.ts
var provenancePredicate = "https://slsa.dev/provenance/v1";
var packageUrl = (pkg) => `pkg:npm/${pkg.name.replace(/^@/, "%40")}@${pkg.version}`;
var sha512Hex = (pkg) => Buffer.from(pkg.integrity.replace(/^sha512-/, ""), "base64").toString("hex");
function signProvenance(ctx, signer, pkg) {
  const env = (name) => ctx.env(name);
  const server = env("GITHUB_SERVER_URL") ?? "https://github.com";
  const repository = env("GITHUB_REPOSITORY") ?? ctx.project.repository;
  const relativeRef = (env("GITHUB_WORKFLOW_REF") ?? "").replace(`${repository}/`, "");
  const at = relativeRef.indexOf("@");
  return signStatement(
    signer,
    {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: packageUrl(pkg), digest: { sha512: sha512Hex(pkg) } }],
      predicateType: provenancePredicate,
      predicate: {
        buildDefinition: {
          buildType: "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
          externalParameters: {
            workflow: {
              ref: at < 0 ? void 0 : relativeRef.slice(at + 1),
              repository: `${server}/${repository}`,
              path: at < 0 ? void 0 : relativeRef.slice(0, at)
            }
          },
          internalParameters: {
            github: {
              event_name: env("GITHUB_EVENT_NAME"),
              repository_id: env("GITHUB_REPOSITORY_ID"),
              repository_owner_id: env("GITHUB_REPOSITORY_OWNER_ID")
            }
          },
          resolvedDependencies: [
            {
              uri: `git+${server}/${repository}@${env("GITHUB_REF") ?? `refs/tags/${ctx.version.tag}`}`,
              digest: { gitCommit: env("GITHUB_SHA") }
            }
          ]
        },
        runDetails: {
          builder: { id: `https://github.com/actions/runner/${env("RUNNER_ENVIRONMENT") ?? "github-hosted"}` },
          metadata: {
            invocationId: env("GITHUB_RUN_ID") ? `${server}/${repository}/actions/runs/${env("GITHUB_RUN_ID")}/attempts/${env("GITHUB_RUN_ATTEMPT") ?? "1"}` : void 0
          }
        }
      }
    },
    `the npm provenance of ${pkg.name}@${pkg.version}`
  );
}
async function readProvenance(ctx, pkg, dist) {
  const refused2 = (why) => new FerryError("PublishedContentDiffers", {
    registry: ctx.registry,
    what: `${pkg.name}@${pkg.version} was published with provenance, but the registry does not serve it: ${why}.`,
    why: "npm keeps the provenance bundle sent with a publish and names it in the version's dist.attestations.",
    fix: "Check that the registry keeps provenance (registry.npmjs.org does); for one that does not, set `provenance: false` in the npm section of ferry.yaml."
  });
  if (!dist.url) throw refused2("the version has no dist.attestations");
  if (dist.provenance?.predicateType !== provenancePredicate)
    throw refused2(`dist.attestations names ${dist.provenance?.predicateType ?? "no provenance"}`);
  const url = new URL(registryUrl(ctx).replace(/\/+$/, "") + new URL(dist.url).pathname);
  const response = await ctx.http(url, { headers: { accept: "application/json" } });
  if (response.status === 404) {
    await response.body?.cancel();
    return void 0;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw refused2(`GET ${url.pathname} answered ${response.status}`);
  }
  const { attestations } = await readJson(
    response,
    ctx.registry
  );
  const bundle = attestations?.find((a) => a.predicateType === provenancePredicate)?.bundle;
  if (!bundle) throw refused2("its attestations hold no SLSA provenance");
  return bundle;
}
function checkProvenance(ctx, root, bundle, pkg) {
  const what = `${pkg.name}@${pkg.version}'s provenance`;
  let payload;
  let signer;
  if (root) ({ payload, subject: signer } = verifyBundle(root, bundle, { what, registry: ctx.registry }));
  else if (bundle.dsseEnvelope) payload = Buffer.from(bundle.dsseEnvelope.payload, "base64");
  let statement = {};
  try {
    statement = JSON.parse(payload?.toString("utf8") ?? "{}");
  } catch {
  }
  const [named, ...more] = statement.subject ?? [];
  const problem = more.length || named?.name !== packageUrl(pkg) || named.digest?.sha512 !== sha512Hex(pkg) ? `it names ${named?.name ?? "nothing"} with sha512 ${named?.digest?.sha512 ?? "(none)"}, not ${packageUrl(pkg)} with ${sha512Hex(pkg)}` : statement.predicateType !== provenancePredicate ? `its predicate is ${statement.predicateType}` : void 0;
  if (problem) {
    throw new FerryError("PublishedContentDiffers", {
      registry: ctx.registry,
      what: `The registry's provenance of ${pkg.name}@${pkg.version} does not attest this release's tarball: ${problem}.`,
      why: "npm provenance names the package and the sha512 of the tarball it was made for.",
      fix: "Check who else publishes this package; a published version cannot be replaced, so release a new version."
    });
  }
  return signer;
}

// registries/npm/src/render.ts
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, copyFile, mkdir, readFile as readFile2, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
var npmOs = { linux: "linux", darwin: "darwin", windows: "win32", freebsd: "freebsd" };
var npmCpu = {
  "386": "ia32",
  amd64: "x64",
  arm64: "arm64",
  armv7: "arm",
  riscv64: "riscv64",
  ppc64le: "ppc64",
  s390x: "s390x"
};
var cpusOf = (artifact) => artifact.arch === "universal" ? [npmCpu.amd64, npmCpu.arm64] : [npmCpu[artifact.arch]];
var npmEpoch = /* @__PURE__ */ new Date("1985-10-26T08:15:00.000Z");
var mainPackageName = (ctx) => ctx.options.package ?? ctx.project.name;
function checkNames(ctx) {
  if (ctx.options.directory) return;
  const name = mainPackageName(ctx);
  for (const pkg of [name, ...ctx.targets.map((t) => platformName(name, t))]) {
    const problem = nameProblem(pkg);
    if (!problem) continue;
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${pkg}" is not a valid npm package name: ${problem}.`,
      why: pkg === name ? "It is registries.npm.package, or project.name when that is unset." : `It is the ${name} package for one platform.`,
      fix: "Set `package:` in the npm section of ferry.yaml, e.g. `package: @you/tool`."
    });
  }
}
function render(ctx, dir) {
  return ctx.options.directory ? renderDirectory(ctx, ctx.options.directory, dir) : renderBinaries(ctx, dir);
}
async function renderBinaries(ctx, dir) {
  const name = mainPackageName(ctx);
  const version = npmVersion(ctx.version);
  const { project } = ctx;
  const common = {
    version,
    description: project.description,
    license: project.license,
    homepage: project.homepage,
    repository: { type: "git", url: `git+https://github.com/${project.repository}.git` }
  };
  const artifacts = [...ctx.manifest.artifacts].sort((a, b) => platformName(name, a).localeCompare(platformName(name, b)));
  if (artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no binaries to put in npm packages.",
      fix: "Build at least one target, or publish an existing package with `directory:`."
    });
  }
  const specs = [];
  const platforms = {};
  for (const artifact of artifacts) {
    const pkgName = platformName(name, artifact);
    const os = npmOs[artifact.os];
    const cpus = cpusOf(artifact);
    for (const cpu of cpus) {
      const key = `${os} ${cpu}${artifact.libc ? ` ${artifact.libc}` : ""}`;
      if (artifact.arch !== "universal" || !platforms[key]) platforms[key] = pkgName;
    }
    const twin = artifacts.some((a) => a !== artifact && a.os === artifact.os && a.arch === artifact.arch);
    const manifest2 = {
      name: pkgName,
      ...common,
      description: `The ${project.binary} binary for ${os} ${cpus.join("+")}${artifact.libc ? ` ${artifact.libc}` : ""}; installed by ${name}.`,
      os: [os],
      cpu: cpus,
      ...twin ? { libc: [artifact.libc ?? "glibc"] } : {},
      // Yarn PnP would otherwise keep the binary inside a zip, where it cannot be run.
      preferUnplugged: true
    };
    specs.push({ manifest: manifest2, files: [{ path: `bin/${artifact.binary}`, mode: 493, source: { artifact } }] });
  }
  const manifest = {
    name,
    ...common,
    bin: { [project.binary]: `bin/${project.binary}.js` },
    optionalDependencies: Object.fromEntries([...new Set(Object.values(platforms))].sort().map((p) => [p, version]))
  };
  specs.push({
    manifest,
    files: [{ path: `bin/${project.binary}.js`, mode: 493, source: { text: renderShim(project.binary, platforms) } }]
  });
  const packages = await Promise.all(specs.map((spec) => pack(ctx, spec)));
  if (!dir) return { packages, files: [] };
  const files = [];
  for (const [i, { manifest: manifest2, files: contents }] of specs.entries()) {
    const root = join(dir, "packages", flatName(manifest2.name));
    await writeFile(join(await mkdirs(root), "package.json"), manifestText(manifest2));
    files.push(join(root, "package.json"));
    for (const file of contents) {
      if (!("text" in file.source)) continue;
      await writeFile(join(await mkdirs(join(root, dirname(file.path))), basename(file.path)), file.source.text, { mode: file.mode });
      files.push(join(root, file.path));
    }
    packages[i] = await placeTarball(packages[i], dir);
  }
  return { packages, files: [...files, ...packages.map((p) => p.tarball)] };
}
var mkdirs = async (path) => (await mkdir(path, { recursive: true }), path);
var manifestText = (manifest) => `${JSON.stringify(manifest, null, 2)}
`;
async function placeTarball(pkg, dir) {
  const tarball = join(dir, basename(pkg.tarball));
  await placeFile(pkg.tarball, tarball);
  return { ...pkg, tarball };
}
var platformName = (name, artifact) => `${name}-${npmOs[artifact.os]}-${artifact.arch === "universal" ? "universal" : npmCpu[artifact.arch]}${artifact.libc ? `-${artifact.libc}` : ""}`;
var flatName = (name) => name.replace(/^@/, "").replace("/", "-");
async function pack(ctx, { manifest, files }) {
  const tarballName = `${flatName(manifest.name)}-${manifest.version}.tgz`;
  const identity = files.map(({ path, mode, source }) => ({
    path,
    mode,
    ..."text" in source ? { text: source.text } : { archive: source.artifact.sha256, binary: source.artifact.binary }
  }));
  const key = contentKey("npm package", process.versions.zlib, manifest, identity);
  const { file, record } = await ctx.derived(key, tarballName, async (out) => {
    const root = await makeTempDir("npm");
    try {
      await writeFile(join(root, "package.json"), manifestText(manifest), { mode: 420 });
      await chmod(join(root, "package.json"), 420);
      for (const { path, mode, source } of files) {
        await mkdir(join(root, dirname(path)), { recursive: true });
        if ("text" in source) await writeFile(join(root, path), source.text);
        else await copyFile(await ctx.binary(source.artifact), join(root, path));
        await chmod(join(root, path), mode);
      }
      const entries = ["package.json", ...files.map((f) => f.path)].sort();
      const tar = Qn({ cwd: root, prefix: "package", portable: true, mtime: npmEpoch }, entries);
      await cpuBound(() => pipeline(tar, createGzip({ level: 9 }), portableGzipHeader(), createWriteStream(out)));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    ctx.log(`packed ${tarballName}`);
    return checksums(out);
  });
  return { name: manifest.name, version: manifest.version, manifest, tarball: file, shasum: record.shasum, integrity: record.integrity };
}
function portableGzipHeader() {
  const osByte = 9;
  let offset = 0;
  return new Transform({
    transform(chunk, _encoding, done) {
      if (offset <= osByte && offset + chunk.length > osByte) chunk[osByte - offset] = 255;
      offset += chunk.length;
      done(null, chunk);
    }
  });
}
async function checksums(file) {
  const bytes = await readFile2(file);
  return {
    sha256: createHash("sha256").update(bytes).digest("hex"),
    shasum: createHash("sha1").update(bytes).digest("hex"),
    integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`
  };
}
function renderShim(binary, platforms) {
  const table = JSON.stringify(Object.fromEntries(Object.entries(platforms).sort()), null, 2);
  return `#!/usr/bin/env node
"use strict";
const { spawnSync } = require("node:child_process");

const platforms = ${table};
const platform = \`\${process.platform} \${process.arch}\`;
// Node on musl reports no glibc version; a musl build is preferred there, the other build elsewhere.
const musl = process.platform === "linux" && !process.report?.getReport().header.glibcVersionRuntime;
const pkg = musl ? platforms[\`\${platform} musl\`] ?? platforms[platform] : platforms[platform] ?? platforms[\`\${platform} musl\`];
if (!pkg) {
  console.error(\`${binary}: no prebuilt binary for \${platform}; available: \${Object.keys(platforms).join(", ")}.\`);
  process.exit(1);
}
const exe = process.platform === "win32" ? "${binary}.exe" : "${binary}";
let file;
try {
  file = require.resolve(\`\${pkg}/bin/\${exe}\`);
} catch {
  console.error(\`${binary}: the package \${pkg} is not installed. Reinstall without --omit=optional or --no-optional.\`);
  process.exit(1);
}
const result = spawnSync(file, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  console.error(\`${binary}: could not run \${file}: \${result.error.message}\`);
  process.exit(1);
}
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
`;
}
var packedDirectories = /* @__PURE__ */ new WeakMap();
async function renderDirectory(ctx, directory, dir) {
  let packed = packedDirectories.get(ctx);
  if (!packed) {
    packed = packDirectory(ctx, directory);
    packedDirectories.set(ctx, packed);
    packed.catch(() => packedDirectories.delete(ctx));
  }
  const pkg = dir ? await placeTarball(await packed, dir) : await packed;
  return { packages: [pkg], files: dir ? [pkg.tarball] : [] };
}
async function packDirectory(ctx, directory) {
  const root = resolve(ctx.project.dir, directory);
  const version = npmVersion(ctx.version);
  const manifest = await readDirectory(ctx, directory, version);
  const scratch = await makeTempDir("npm");
  try {
    const { stdout } = await ctx.exec("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], { cwd: root });
    const [packed] = JSON.parse(stdout);
    if (!packed) throw new FerryError("ToolFailed", { registry: ctx.registry, what: "npm pack reported no tarball." });
    refuseFerryFiles(
      ctx,
      directory,
      root,
      (packed.files ?? []).map((f) => f.path)
    );
    const tarball = join(scratch, packed.filename);
    const sums = await checksums(tarball);
    const { file } = await ctx.derived(contentKey("npm pack", sums.sha256), packed.filename, async (out) => {
      await copyFile(tarball, out);
      return sums;
    });
    ctx.log(`packed ${packed.filename}`);
    return { name: manifest.name, version, manifest, tarball: file, shasum: sums.shasum, integrity: sums.integrity };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
function refuseFerryFiles(ctx, directory, root, packed) {
  const inside = (path) => relative(root, path).split(sep).join("/");
  const output = inside(resolve(ctx.outDir, "..", ".."));
  const ours = new Set(configFiles.map((name) => inside(join(ctx.project.dir, name))));
  const inOutput = (path) => !output.startsWith("..") && (path === output || path.startsWith(`${output}/`));
  const outputFiles = packed.filter(inOutput).length;
  const found = [...outputFiles ? [`${output}/`] : [], ...packed.filter((path) => ours.has(path))];
  if (!found.length) return;
  throw new FerryError("ConfigInvalid", {
    registry: ctx.registry,
    what: `The package packed from ${directory} would carry ferry's own files: ${found.join(", ")}${outputFiles ? ` (${outputFiles} file${outputFiles === 1 ? "" : "s"} in ${output}/)` : ""}.`,
    why: "npm pack takes every file of the directory that .npmignore or package.json's files does not leave out, and ferry's output directory and ferry.yaml are not part of the package.",
    fix: `List what the package holds in package.json's "files" (e.g. "files": ["bin", "lib"]), or add ${found.join(" and ")} to ${directory === "." ? "" : `${directory}/`}.npmignore.`
  });
}
async function readDirectory(ctx, directory, version) {
  const manifest = await readPackageJson(ctx, resolve(ctx.project.dir, directory));
  if (version !== void 0 && manifest.version !== version) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `${directory}/package.json has version ${String(manifest.version)}, but the release is ${version}.`,
      why: "ferry publishes the directory as it is, so its version must be the release's.",
      fix: `Set "version": "${version}" in ${directory}/package.json (e.g. \`npm version ${version} --no-git-tag-version\`) and re-run.`
    });
  }
  if (ctx.options.package && ctx.options.package !== manifest.name) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `${directory}/package.json is named ${String(manifest.name)}, but ferry.yaml says package: ${ctx.options.package}.`,
      fix: "Make the two names agree, or drop `package:` to use the directory's name."
    });
  }
  return manifest;
}
async function readPackageJson(ctx, root) {
  const path = join(root, "package.json");
  const text = await readFile2(path, "utf8").catch(() => void 0);
  const parsed = text === void 0 ? void 0 : parseJson(text);
  if (!parsed || typeof parsed.name !== "string" || typeof parsed.version !== "string") {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: `registries.npm.directory: ${path} is missing, is not JSON, or has no name and version.`,
      fix: "Point `directory:` at a package directory with a complete package.json."
    });
  }
  return parsed;
}
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return void 0;
  }
}

// registries/npm/src/index.ts
var packagesOf = async (ctx) => (await render(ctx)).packages;
var remotes = (ctx, packages) => Promise.all(packages.map((p) => readVersion(ctx, p.name, p.version)));
var differs = (ctx, pkg) => new FerryError("PublishedContentDiffers", {
  registry: ctx.registry,
  what: `${pkg.name}@${pkg.version} is already on the registry with different contents.`,
  why: "npm never lets a published version change, and ferry does not overwrite.",
  fix: "Release a new version; if the published one is wrong, deprecate it with `npm deprecate`."
});
var src_default = defineRegistry({
  name: "npm",
  needs: ["binaries"],
  targets: targetNames,
  options: npmOptions,
  async validate(ctx) {
    if (!ctx.options.directory) checkNames(ctx);
    else if (ctx.version) await readDirectory(ctx, ctx.options.directory, npmVersion(ctx.version));
  },
  async exists(ctx) {
    const packages = await packagesOf(ctx);
    const found = await remotes(ctx, packages);
    const present = packages.filter((_, i) => found[i]?.state === "present");
    const different = packages.filter((p, i) => found[i]?.state === "present" && !sameTarball(found[i], p));
    if (different.length > 0) {
      return {
        state: "present",
        matches: false,
        detail: `different contents: ${different.map((p) => `${p.name}@${p.version}`).join(", ")}`
      };
    }
    if (present.length === packages.length) {
      return { state: "present", matches: true, detail: packages.map((p) => `${p.name}@${p.version}`).join(", ") };
    }
    if (present.length > 0) ctx.log(`${present.length} of ${packages.length} packages are already published; the rest will follow.`);
    return { state: "absent" };
  },
  async prepare(ctx) {
    const { packages, files } = await render(ctx, ctx.outDir);
    return { packages, files };
  },
  async publish(ctx, { packages }) {
    const found = await remotes(ctx, packages);
    const signer = ctx.provenance && ctx.options.provenance && ctx.options.access === "public" ? contextSigner(ctx) : void 0;
    const done = [];
    const skipped = [];
    const tags = /* @__PURE__ */ new Set();
    for (const [i, pkg] of packages.entries()) {
      const remote = found[i];
      if (remote?.state === "present") {
        if (!sameTarball(remote, pkg)) throw differs(ctx, pkg);
        skipped.push(pkg.name);
        continue;
      }
      const tag = npmDistTag(ctx.version, await readVersions(ctx, pkg.name));
      const provenance = signer ? await signProvenance(ctx, signer, pkg) : void 0;
      const result = await putPackage(ctx, pkg, tag, await publishToken(ctx, pkg.name), provenance);
      if (result.state === "conflict") {
        const now = await readVersion(ctx, pkg.name, pkg.version);
        if (now.state === "absent") {
          throw new FerryError("RegistryRefused", {
            registry: ctx.registry,
            what: `The registry refused ${pkg.name}@${pkg.version}, and it is not published.`,
            why: `It answered ${result.why}`,
            fix: "Check that the token may publish this package (its scope and name must belong to you)."
          });
        }
        if (!sameTarball(now, pkg)) throw differs(ctx, pkg);
        skipped.push(pkg.name);
        continue;
      }
      ctx.log(`published ${pkg.name}@${pkg.version} (${tag})${provenance ? ` with provenance signed by ${signer?.identity}` : ""}`);
      done.push(pkg.name);
      tags.add(tag);
    }
    const version = packages[0]?.version ?? "";
    const already = skipped.length ? `; already there: ${skipped.join(", ")}` : "";
    const under = tags.size ? ` under dist-tag ${[...tags].join(", ")}` : "";
    const proven = signer && done.length ? " with provenance" : "";
    return {
      detail: `${version}${under}: ${done.join(", ") || "nothing new"}${proven}${already}`,
      ...signer ? { provenance: done } : {}
    };
  },
  async verify(ctx, published) {
    const packages = await packagesOf(ctx);
    const found = await remotes(ctx, packages);
    for (const [i, pkg] of packages.entries()) {
      const remote = found[i];
      if (remote?.state !== "present") return void 0;
      if (!sameTarball(remote, pkg)) throw differs(ctx, pkg);
    }
    const served = `${packages.map((p) => `${p.name}@${p.version}`).join(", ")} served with matching shasums`;
    const proven = packages.filter((p) => published.provenance?.includes(p.name));
    if (!proven.length) return { state: "verified", detail: served };
    const root = await trustedRoot((name) => ctx.env(name));
    let signer;
    const supplyChain = [];
    for (const pkg of proven) {
      const remote = found[packages.indexOf(pkg)];
      const dist = remote?.state === "present" && remote.attestations || {};
      const bundle = await readProvenance(ctx, pkg, dist);
      if (!bundle) return void 0;
      signer = checkProvenance(ctx, root, bundle, pkg);
      supplyChain.push({ kind: "provenance", subject: `${pkg.name}@${pkg.version}`, location: dist.url });
    }
    const what = `and provenance of ${proven.length === packages.length ? "each" : proven.map((p) => p.name).join(", ")}`;
    return {
      state: "verified",
      detail: signer ? `${served}, ${what} signed by ${signer}` : `${served}, ${what} naming its tarball (set FERRY_SIGSTORE_TRUSTED_ROOT to check the signatures here too)`,
      supplyChain
    };
  },
  async doctor(ctx) {
    const host = new URL(registryUrl(ctx)).host;
    const token = ctx.secret("NODE_AUTH_TOKEN") ?? ctx.secret("NPM_TOKEN");
    if (!token) {
      if (idTokenAvailable(ctx, "NPM_ID_TOKEN")) {
        return [pass("npm credentials", "no token; trusted publishing (an OIDC ID token) is available, exchanged at publish time")];
      }
      return [
        secretCheck(
          ctx,
          ["NODE_AUTH_TOKEN", "NPM_TOKEN"],
          "Set NPM_TOKEN to an automation token, or configure trusted publishing on npmjs.com and give the workflow `permissions: id-token: write`."
        )
      ];
    }
    const set = secretCheck(ctx, ["NODE_AUTH_TOKEN", "NPM_TOKEN"], "");
    return [set, await checkStep(`npm token accepted by ${host}`, async () => `whoami: ${await whoami(ctx, token)}`)];
  }
});
export {
  src_default as default
};
