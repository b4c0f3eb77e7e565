import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  defineFileRegistry,
  envName,
  external_exports,
  findArtifact,
  repoFilesOptions
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import "./chunk-BHGG6FRM.js";

// registries/scoop/src/render.ts
var architectures = [
  ["32bit", "386"],
  ["64bit", "amd64"],
  ["arm64", "arm64"]
];
function autoupdateUrl(url, version) {
  const parts = url.split("/");
  return parts.map((part, i) => i >= parts.length - 2 ? part.split(version).join("$version") : part).join("/");
}
function renderScoop({ project, version, manifest }) {
  const found = architectures.flatMap(([scoop, arch]) => {
    const artifact = findArtifact(manifest, "windows", arch);
    return artifact ? [[scoop, artifact]] : [];
  });
  const first = found[0]?.[1];
  if (!first) {
    throw new FerryError("InputMissing", {
      registry: "scoop",
      what: "The release has no Windows archive for the Scoop manifest.",
      fix: "Add a windows target to the build, or skip scoop."
    });
  }
  const app = {
    version: version.semver,
    description: project.description,
    homepage: project.homepage,
    license: project.license,
    architecture: Object.fromEntries(found.map(([scoop, a]) => [scoop, { url: a.url, hash: a.sha256 }])),
    bin: first.binary,
    checkver: { github: `https://github.com/${project.repository}` },
    autoupdate: {
      architecture: Object.fromEntries(found.map(([scoop, a]) => [scoop, { url: autoupdateUrl(a.url, version.semver) }]))
    }
  };
  return `${JSON.stringify(app, null, 4)}
`;
}
function parseScoop(text) {
  let app;
  try {
    app = JSON.parse(text);
  } catch {
    return void 0;
  }
  if (typeof app.version !== "string") return void 0;
  const hashes = [app.hash, ...Object.values(app.architecture ?? {}).map((a) => a.hash)].flat();
  return { version: app.version, checksums: hashes.filter((h) => typeof h === "string").map((h) => h.toLowerCase()) };
}

// registries/scoop/src/index.ts
var options = external_exports.object({
  bucket: external_exports.string().regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name").optional().meta({ description: "The bucket on GitHub, `owner/name`, written through the contents API. Or set `git`." }),
  ...repoFilesOptions,
  app: external_exports.string().regex(/^[\w.-]+$/, "expected a file name without .json").optional().meta({ description: "The app name (bucket/<app>.json). Default: the project name." }),
  token: envName().default("SCOOP_BUCKET_TOKEN").meta({ description: "Name of the secret with a token that may write to the bucket." })
}).strict();
var appName = (ctx) => ctx.options.app ?? ctx.project.name;
var src_default = defineFileRegistry({
  name: "scoop",
  options,
  targets: architectures.map(([, arch]) => `windows/${arch}`),
  repository: (ctx) => ctx.options.bucket,
  path: (ctx) => `bucket/${appName(ctx)}.json`,
  render: (ctx) => renderScoop({ project: ctx.project, version: ctx.version, manifest: ctx.manifest }),
  message: (ctx) => `${appName(ctx)}: Update to version ${ctx.version.semver}`,
  version: (ctx) => ctx.version.semver,
  parse: parseScoop
});
export {
  src_default as default
};
