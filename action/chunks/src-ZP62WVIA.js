import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  defineFileRegistry,
  envName,
  external_exports,
  findArtifact,
  innerPath,
  nixVersion,
  repoFilesOptions
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import "./chunk-BHGG6FRM.js";

// registries/nix/src/render.ts
var systems = [
  ["aarch64-darwin", "darwin", "arm64"],
  ["aarch64-freebsd", "freebsd", "arm64"],
  ["aarch64-linux", "linux", "arm64"],
  ["armv7l-linux", "linux", "armv7"],
  ["i686-linux", "linux", "386"],
  ["powerpc64le-linux", "linux", "ppc64le"],
  ["riscv64-linux", "linux", "riscv64"],
  ["s390x-linux", "linux", "s390x"],
  ["x86_64-darwin", "darwin", "amd64"],
  ["x86_64-freebsd", "freebsd", "amd64"],
  ["x86_64-linux", "linux", "amd64"]
];
var nixTargets = [
  ...systems.map(([, os, arch]) => `${os}/${arch}`),
  ...systems.flatMap(([, os, arch]) => os === "linux" ? [`linux/${arch}-musl`] : []),
  "darwin/universal"
];
var licenses = {
  "0BSD": "bsd0",
  "AGPL-3.0-only": "agpl3Only",
  "AGPL-3.0-or-later": "agpl3Plus",
  "Apache-2.0": "asl20",
  "BSD-2-Clause": "bsd2",
  "BSD-3-Clause": "bsd3",
  "GPL-2.0-only": "gpl2Only",
  "GPL-2.0-or-later": "gpl2Plus",
  "GPL-3.0-only": "gpl3Only",
  "GPL-3.0-or-later": "gpl3Plus",
  ISC: "isc",
  "LGPL-2.1-only": "lgpl21Only",
  "LGPL-3.0-only": "lgpl3Only",
  MIT: "mit",
  "MPL-2.0": "mpl20",
  Unlicense: "unlicense",
  Zlib: "zlib"
};
var escape = (text) => text.replace(/[\\"]/g, "\\$&").replace(/\$\{/g, "\\${").replace(/\n/g, "\\n");
var nix = (text) => `"${escape(text)}"`;
var sriHash = (sha256) => `sha256-${Buffer.from(sha256, "hex").toString("base64")}`;
var semverOfNix = (version) => version.replace(/^(\d+\.\d+\.\d+)pre-/, "$1-");
function renderDerivation({ project, version, manifest, pname: pname2 }) {
  const sources = systems.flatMap(([system, os, arch]) => {
    const artifact = findArtifact(manifest, os, arch);
    return artifact ? [{ system, artifact }] : [];
  });
  const binary = sources[0]?.artifact.binary;
  if (!binary) {
    throw new FerryError("InputMissing", {
      registry: "nix",
      what: "The release has no Linux or macOS archive for the derivation.",
      fix: "Add linux or darwin targets to the build, or skip nix."
    });
  }
  if (!/^[\w.+-]+(\/[\w.+-]+)*$/.test(binary) || !/^[\w.+-]+$/.test(project.binary)) {
    throw new FerryError("ConfigInvalid", {
      registry: "nix",
      what: `The binary name "${binary}" needs shell quoting, which the derivation does not do.`
    });
  }
  const spdx = project.license;
  const license = licenses[spdx] ? `lib.licenses.${licenses[spdx]}` : `{ spdxId = ${nix(spdx)}; fullName = ${nix(spdx)}; }`;
  const fetches = sources.map(
    ({ system, artifact }) => `    ${system} = fetchurl {
      url = ${nix(artifact.url)};
      hash = ${nix(sriHash(artifact.sha256))};
    };
`
  );
  return [
    "# Written by ferry on each release; edits here are replaced by the next one.\n",
    "{\n  lib,\n  stdenvNoCC,\n  fetchurl,\n}:\n\n",
    "let\n  sources = {\n",
    fetches.join(""),
    "  };\nin\n",
    "stdenvNoCC.mkDerivation {\n",
    `  pname = ${nix(pname2)};
`,
    `  version = ${nix(nixVersion(version))};

`,
    "  src =\n",
    "    sources.${stdenvNoCC.hostPlatform.system}\n",
    `      or (throw "${escape(pname2)}: the release has no archive for \${stdenvNoCC.hostPlatform.system}");

`,
    "  # The archives hold the binary itself, not a top-level directory.\n",
    '  sourceRoot = ".";\n\n',
    "  dontConfigure = true;\n",
    "  dontBuild = true;\n\n",
    "  installPhase = ''\n",
    "    runHook preInstall\n",
    `    install -Dm755 ${binary} $out/bin/${project.binary}
`,
    "    runHook postInstall\n",
    "  '';\n\n",
    "  meta = {\n",
    `    description = ${nix(project.description.trim().replace(/\.$/, ""))};
`,
    `    homepage = ${nix(project.homepage)};
`,
    `    license = ${license};
`,
    "    sourceProvenance = [ lib.sourceTypes.binaryNativeCode ];\n",
    "    platforms = builtins.attrNames sources;\n",
    `    mainProgram = ${nix(project.binary)};
`,
    "  };\n",
    "}\n"
  ].join("");
}
function parseDerivation(text) {
  const version = /^\s*version\s*=\s*"([^"]*)"\s*;/m.exec(text)?.[1];
  if (version === void 0) return void 0;
  return { version, checksums: [...text.matchAll(/^\s*hash\s*=\s*"(sha256-[A-Za-z0-9+/=]+)"\s*;/gm)].map((m) => m[1]) };
}

// registries/nix/src/index.ts
var options = external_exports.object({
  repository: external_exports.string().regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name").optional().meta({ description: "The flake or NUR repository on GitHub, `owner/name`, written through the contents API. Or set `git`." }),
  ...repoFilesOptions,
  pname: external_exports.string().regex(/^[A-Za-z_][\w.+-]*$/, "expected a Nix package name").optional().meta({ description: "The package name (`pname`). Default: the project name." }),
  path: innerPath().regex(/\.nix$/, "expected a path ending in .nix").optional().meta({ description: "Where the derivation goes in the repository.", default: "pkgs/<pname>/default.nix" }),
  token: envName().default("NIX_REPO_TOKEN").meta({ description: "Name of the secret with a token that may write to the repository." })
}).strict();
var pname = (ctx) => ctx.options.pname ?? ctx.project.name;
var src_default = defineFileRegistry({
  name: "nix",
  options,
  targets: nixTargets,
  repository: (ctx) => ctx.options.repository,
  path: (ctx) => ctx.options.path ?? `pkgs/${pname(ctx)}/default.nix`,
  render: (ctx) => renderDerivation({ project: ctx.project, version: ctx.version, manifest: ctx.manifest, pname: pname(ctx) }),
  message: (ctx) => `${pname(ctx)}: ${nixVersion(ctx.version)}`,
  // builtins.compareVersions sorts 1.2.3-rc.1 above 1.2.3; nixVersion marks prereleases with `pre`.
  version: (ctx) => nixVersion(ctx.version),
  parse: parseDerivation,
  toSemver: semverOfNix
});
export {
  src_default as default
};
