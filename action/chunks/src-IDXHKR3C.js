import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  XMLParser,
  json2xml_default
} from "./chunk-AJ6JV5FN.js";
import {
  checkStep,
  chocolateyVersion,
  defineRegistry,
  external_exports,
  findArtifact,
  httpUrl,
  makeTempDir,
  require_yazl,
  secretCheck
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import {
  __toESM
} from "./chunk-BHGG6FRM.js";

// registries/chocolatey/src/index.ts
import { openAsBlob } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join as join2 } from "node:path";

// registries/chocolatey/src/feed.ts
var withSlash = (url) => url.endsWith("/") ? url : `${url}/`;
var pushUrl = (ctx) => withSlash(ctx.options.push ?? ctx.env("FERRY_CHOCOLATEY_SOURCE") ?? "https://push.chocolatey.org/");
function feedUrl(ctx) {
  if (ctx.options.feed) return withSlash(ctx.options.feed);
  const source = ctx.env("FERRY_CHOCOLATEY_SOURCE");
  return source ? `${withSlash(source)}api/v2/` : "https://community.chocolatey.org/api/v2/";
}
var parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true });
var literal = (text) => `'${text.replace(/'/g, "''")}'`;
async function readEntry(ctx, id, version) {
  const url = `${feedUrl(ctx)}Packages(Id=${encodeURIComponent(literal(id))},Version=${encodeURIComponent(literal(version))})`;
  const response = await ctx.http(url, { headers: { accept: "application/atom+xml" } });
  if (response.status === 404) return void 0;
  const text = await response.text();
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The feed answered ${response.status} for ${id} ${version}.`,
      why: text.slice(0, 300) || void 0,
      fix: "The community feed answers 5xx at times; re-run later."
    });
  }
  const properties = parser.parse(text).entry?.properties;
  if (!properties) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The feed's answer for ${id} ${version} is not an OData Atom entry.`,
      why: text.slice(0, 300)
    });
  }
  const field = (name) => {
    const value = properties[name];
    return typeof value === "string" && value !== "" ? value : void 0;
  };
  const approved = field("IsApproved");
  return {
    status: field("PackageStatus"),
    approved: approved === void 0 ? void 0 : approved === "true",
    hash: field("PackageHash"),
    hashAlgorithm: field("PackageHashAlgorithm")
  };
}
async function countVersions(ctx, id) {
  const url = `${feedUrl(ctx)}FindPackagesById()?id=${encodeURIComponent(literal(id))}`;
  const response = await ctx.http(url, { headers: { accept: "application/atom+xml" } });
  const text = await response.text();
  const feed = response.ok ? parser.parse(text).feed : void 0;
  if (!feed) {
    throw new FerryError(response.status >= 500 ? "RegistryUnreachable" : "RegistryRefused", {
      registry: ctx.registry,
      what: `The feed answered ${response.status} to FindPackagesById() without an Atom feed.`,
      why: text.slice(0, 300) || void 0,
      fix: "Check the feed URL (option `feed` or FERRY_CHOCOLATEY_SOURCE); the community feed answers 5xx at times."
    });
  }
  return feed.entry === void 0 ? 0 : Array.isArray(feed.entry) ? feed.entry.length : 1;
}
var inModeration = (entry) => entry.status !== void 0 && entry.status !== "Approved" || entry.approved === false;

// registries/chocolatey/src/options.ts
var packageIdPattern = /^[a-z0-9][a-z0-9._-]{0,99}$/;
var chocolateyOptions = external_exports.object({
  id: external_exports.string().regex(packageIdPattern, "expected lower-case letters, digits, '.', '_' or '-' (at most 100)").optional().meta({ description: "The package id (lower case, as the community repository requires). Default: project.name." }),
  push: httpUrl().optional().meta({
    description: "Where packages are pushed (the NuGet v2 push API lives at `<push>api/v2/package/`). Default: $FERRY_CHOCOLATEY_SOURCE, else https://push.chocolatey.org/."
  }),
  feed: httpUrl().optional().meta({
    description: 'The OData feed that is asked whether a version exists. Default: $FERRY_CHOCOLATEY_SOURCE + "api/v2/", else https://community.chocolatey.org/api/v2/.'
  }),
  authors: external_exports.string().optional().meta({ description: "The software's authors, shown on the package page. Default: project.author without the e-mail address." }),
  tags: external_exports.array(external_exports.string().regex(/^\S+$/)).optional().meta({ description: "Search tags. Default: [project.name]." }),
  title: external_exports.string().optional().meta({ description: "The package's display title. Default: project.name." }),
  packageSourceUrl: httpUrl().optional().meta({
    description: "Where the package's source (this nuspec's generator) lives; moderators ask for it. Default: https://github.com/<project.repository>."
  })
}).strict();

// registries/chocolatey/src/render.ts
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
var import_yazl = __toESM(require_yazl(), 1);
var epoch = /* @__PURE__ */ new Date("2000-01-01T00:00:00Z");
var xml = new json2xml_default({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, indentBy: "  ", suppressEmptyNode: true });
var declaration = '<?xml version="1.0" encoding="utf-8"?>\n';
var packageId = (ctx) => ctx.options.id ?? ctx.project.name;
function metadata(ctx) {
  const { options, project } = ctx;
  const id = packageId(ctx);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id)) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${id}" is not a valid Chocolatey package id.`,
      why: "The community repository takes lower-case ids of letters, digits, dots, hyphens and underscores.",
      fix: "Set `id:` in the chocolatey section of ferry.yaml."
    });
  }
  return {
    id,
    version: chocolateyVersion(ctx.version),
    title: options.title ?? project.name,
    authors: options.authors ?? project.author.replace(/\s*<[^>]*>\s*/, "").trim(),
    projectUrl: project.homepage,
    packageSourceUrl: options.packageSourceUrl ?? `https://github.com/${project.repository}`,
    tags: (options.tags ?? [project.name]).join(" "),
    summary: project.description.split("\n")[0] ?? "",
    description: project.description,
    releaseNotes: ctx.manifest.url
  };
}
var nuspecNamespace = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
function renderNuspec(ctx) {
  const m = metadata(ctx);
  return declaration + xml.build({
    package: {
      "@xmlns": nuspecNamespace,
      metadata: {
        id: m.id,
        version: m.version,
        title: m.title,
        authors: m.authors,
        projectUrl: m.projectUrl,
        packageSourceUrl: m.packageSourceUrl,
        requireLicenseAcceptance: false,
        tags: m.tags,
        summary: m.summary,
        description: m.description,
        releaseNotes: m.releaseNotes
      }
    }
  });
}
var ps = (text) => `'${text.replace(/'/g, "''")}'`;
function renderInstallScript(ctx) {
  const artifact = findArtifact(ctx.manifest, "windows", "amd64");
  if (!artifact || artifact.format !== "zip") {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no windows amd64 zip for Chocolatey to install.",
      fix: "Add the windows/amd64 target to the build, or skip chocolatey for this project."
    });
  }
  return [
    "$ErrorActionPreference = 'Stop'",
    "$toolsDir = Split-Path -Parent $MyInvocation.MyCommand.Definition",
    "",
    "$packageArgs = @{",
    "  packageName    = $env:ChocolateyPackageName",
    "  unzipLocation  = $toolsDir",
    `  url64bit       = ${ps(artifact.url)}`,
    `  checksum64     = ${ps(artifact.sha256)}`,
    "  checksumType64 = 'sha256'",
    "}",
    "",
    "Install-ChocolateyZipPackage @packageArgs",
    ""
  ].join("\r\n");
}
function opcParts(ctx, nuspec) {
  const m = metadata(ctx);
  const corePath = `package/services/metadata/core-properties/${createHash("sha256").update(nuspec).digest("hex").slice(0, 32)}.psmdcp`;
  const contentTypes = xml.build({
    Types: {
      "@xmlns": "http://schemas.openxmlformats.org/package/2006/content-types",
      Default: [
        { "@Extension": "rels", "@ContentType": "application/vnd.openxmlformats-package.relationships+xml" },
        { "@Extension": "nuspec", "@ContentType": "application/octet" },
        { "@Extension": "ps1", "@ContentType": "application/octet" },
        { "@Extension": "psmdcp", "@ContentType": "application/vnd.openxmlformats-package.core-properties+xml" }
      ]
    }
  });
  const rels = xml.build({
    Relationships: {
      "@xmlns": "http://schemas.openxmlformats.org/package/2006/relationships",
      Relationship: [
        { "@Type": "http://schemas.microsoft.com/packaging/2010/07/manifest", "@Target": `/${m.id}.nuspec`, "@Id": "R0" },
        {
          "@Type": "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
          "@Target": `/${corePath}`,
          "@Id": "R1"
        }
      ]
    }
  });
  const core = xml.build({
    coreProperties: {
      "@xmlns:dc": "http://purl.org/dc/elements/1.1/",
      "@xmlns:dcterms": "http://purl.org/dc/terms/",
      "@xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
      "@xmlns": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
      "dc:creator": m.authors,
      "dc:description": m.description,
      "dc:identifier": m.id,
      version: m.version,
      keywords: m.tags,
      lastModifiedBy: "ferry"
    }
  });
  return { "[Content_Types].xml": declaration + contentTypes, "_rels/.rels": declaration + rels, [corePath]: declaration + core };
}
async function packNupkg(ctx, dir) {
  const { id, version } = metadata(ctx);
  const nuspec = renderNuspec(ctx);
  const parts = {
    [`${id}.nuspec`]: nuspec,
    "tools/chocolateyinstall.ps1": renderInstallScript(ctx),
    ...opcParts(ctx, nuspec)
  };
  const zip = new import_yazl.default.ZipFile();
  for (const name of Object.keys(parts).sort()) zip.addBuffer(Buffer.from(parts[name]), name, { mtime: epoch, mode: 33188 });
  zip.end();
  const file = join(dir, `${id}.${version}.nupkg`);
  await pipeline(zip.outputStream, createWriteStream(file));
  const sha512 = createHash("sha512").update(await readFile(file)).digest("base64");
  return { id, version, file, sha512, parts };
}

// registries/chocolatey/src/index.ts
async function ourHash(ctx) {
  const dir = await makeTempDir("chocolatey");
  try {
    return (await packNupkg(ctx, dir)).sha512;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
function presence(entry, id, version, sha512) {
  const comparable = entry.hash !== void 0 && (entry.hashAlgorithm ?? "SHA512").toUpperCase() === "SHA512";
  const moderation = inModeration(entry) ? ", awaiting moderation" : "";
  return {
    state: "present",
    matches: comparable && entry.hash === sha512,
    detail: comparable ? `${id} ${version} is on the feed${moderation}${entry.hash === sha512 ? "" : ", with a different package hash"}` : `${id} ${version} is on the feed${moderation}, without a SHA512 hash to compare`
  };
}
var src_default = defineRegistry({
  name: "chocolatey",
  needs: ["binaries"],
  // Chocolatey's install script takes one 64-bit x86 zip; Windows on Arm runs it too.
  targets: ["windows/amd64"],
  options: chocolateyOptions,
  validate(ctx) {
    if (ctx.version) chocolateyVersion(ctx.version);
  },
  async exists(ctx) {
    const sha512 = await ourHash(ctx);
    const { id, version } = coordinates(ctx);
    const entry = await readEntry(ctx, id, version);
    return entry ? presence(entry, id, version, sha512) : { state: "absent" };
  },
  async prepare(ctx) {
    await mkdir(ctx.outDir, { recursive: true });
    const nupkg = await packNupkg(ctx, ctx.outDir);
    const files = [];
    for (const [name, text] of Object.entries(nupkg.parts)) {
      const file = join2(ctx.outDir, "content", name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      files.push(file);
    }
    return { files: [...files, nupkg.file], nupkg };
  },
  async publish(ctx, { nupkg }) {
    const apiKey = ctx.secret("CHOCOLATEY_API_KEY");
    if (!apiKey) {
      throw new FerryError("SecretMissing", {
        registry: ctx.registry,
        what: "CHOCOLATEY_API_KEY is not set.",
        fix: "Copy the API key from your account page on community.chocolatey.org and store it as the secret CHOCOLATEY_API_KEY."
      });
    }
    const form = new FormData();
    form.set("package", await openAsBlob(nupkg.file), basename(nupkg.file));
    const url = `${pushUrl(ctx)}api/v2/package/`;
    const response = await fetch(url, { method: "PUT", body: form, headers: { "X-NuGet-ApiKey": apiKey }, signal: ctx.signal }).catch(
      (error) => {
        if (ctx.signal.aborted) throw error;
        throw new FerryError("RegistryUnreachable", {
          registry: ctx.registry,
          what: `${new URL(url).host} did not answer the push of ${basename(nupkg.file)}.`,
          why: String(error.cause ?? error),
          fix: "Check that the push endpoint is reachable, then re-run.",
          cause: error
        });
      }
    );
    if (response.status === 409) {
      const entry = await readEntry(ctx, nupkg.id, nupkg.version);
      const found = entry && presence(entry, nupkg.id, nupkg.version, nupkg.sha512);
      if (found?.state === "present" && found.matches) return { detail: `${nupkg.id} ${nupkg.version} was already pushed` };
      throw new FerryError("PublishedContentDiffers", {
        registry: ctx.registry,
        what: `${nupkg.id} ${nupkg.version} is already taken on the feed by a different package.`,
        why: "Chocolatey never replaces a version (a rejected one stays reserved too).",
        fix: "Release a new version."
      });
    }
    if (response.status !== 200 && response.status !== 201 && response.status !== 202) {
      const denied = response.status === 401 || response.status === 403;
      throw new FerryError("RegistryRefused", {
        registry: ctx.registry,
        what: `Pushing ${basename(nupkg.file)} answered ${response.status}.`,
        why: (await response.text()).slice(0, 300) || void 0,
        fix: denied ? "Check CHOCOLATEY_API_KEY and that the account owns this package id." : "Re-run later."
      });
    }
    return { detail: `pushed ${nupkg.id} ${nupkg.version} to ${new URL(url).host}` };
  },
  async verify(ctx) {
    const { id, version } = coordinates(ctx);
    const entry = await readEntry(ctx, id, version);
    if (!entry) return void 0;
    if (inModeration(entry)) {
      return {
        state: "awaiting-review",
        detail: `${id} ${version} is in moderation (${entry.status ?? "not approved"}) on ${new URL(feedUrl(ctx)).host}`
      };
    }
    return { state: "verified", detail: `${id} ${version} is ${entry.status ?? "listed"} on ${new URL(feedUrl(ctx)).host}` };
  },
  async doctor(ctx) {
    const key = secretCheck(
      ctx,
      ["CHOCOLATEY_API_KEY"],
      "Copy the API key from your account page on community.chocolatey.org and store it as the secret CHOCOLATEY_API_KEY."
    );
    const id = packageId(ctx);
    const feed = await checkStep(`${new URL(feedUrl(ctx)).host} feed answers`, async () => {
      const count = await countVersions(ctx, id);
      return count ? `${id} has ${count} versions there` : `${id} is not there yet; the first push creates it`;
    });
    return [key, feed];
  }
});
var coordinates = (ctx) => ({ id: packageId(ctx), version: chocolateyVersion(ctx.version) });
export {
  src_default as default
};
