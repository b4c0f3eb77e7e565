import {
  FerryError,
  findArtifact,
  nixVersion,
  type Arch,
  type FileRelease,
  type Os,
  type Project,
  type ReleaseManifest,
  type TargetName,
  type Version,
} from "@ferry/core";

/** Nix system → the release platform that runs on it (a musl or universal build stands in for a missing one). */
const systems: Array<[string, Os, Arch]> = [
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
  ["x86_64-linux", "linux", "amd64"],
];

/** The targets a derivation can point at. */
export const nixTargets: TargetName[] = [
  ...systems.map(([, os, arch]) => `${os}/${arch}` as TargetName),
  ...systems.flatMap(([, os, arch]) => (os === "linux" ? [`linux/${arch}-musl` as TargetName] : [])),
  "darwin/universal",
];

/** SPDX identifiers → nixpkgs `lib.licenses` attributes, for the common licenses. */
const licenses: Record<string, string> = {
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
  Zlib: "zlib",
};

/** Text inside a Nix string literal; `${` is escaped so it never interpolates. */
const escape = (text: string) => text.replace(/[\\"]/g, "\\$&").replace(/\$\{/g, "\\${").replace(/\n/g, "\\n");
const nix = (text: string) => `"${escape(text)}"`;

/** The SRI form Nix's fetchurl takes (`sha256-<base64>`) of a hex sha256 from manifest.json. */
export const sriHash = (sha256: string): string => `sha256-${Buffer.from(sha256, "hex").toString("base64")}`;

/** Nix's `1.2.3pre-rc.1` back to SemVer, to order versions. */
export const semverOfNix = (version: string): string => version.replace(/^(\d+\.\d+\.\d+)pre-/, "$1-");

export interface DerivationInput {
  project: Project;
  version: Version;
  manifest: ReleaseManifest;
  pname: string;
}

/** A derivation that installs the release binary for each system that has a tar.gz, hashes from manifest.json. */
export function renderDerivation({ project, version, manifest, pname }: DerivationInput): string {
  const sources = systems.flatMap(([system, os, arch]) => {
    const artifact = findArtifact(manifest, os, arch);
    return artifact ? [{ system, artifact }] : [];
  });
  const binary = sources[0]?.artifact.binary;
  if (!binary) {
    throw new FerryError("InputMissing", {
      registry: "nix",
      what: "The release has no Linux or macOS archive for the derivation.",
      fix: "Add linux or darwin targets to the build, or skip nix.",
    });
  }
  if (!/^[\w.+-]+(\/[\w.+-]+)*$/.test(binary) || !/^[\w.+-]+$/.test(project.binary)) {
    throw new FerryError("ConfigInvalid", {
      registry: "nix",
      what: `The binary name "${binary}" needs shell quoting, which the derivation does not do.`,
    });
  }
  const spdx = project.license;
  const license = licenses[spdx] ? `lib.licenses.${licenses[spdx]}` : `{ spdxId = ${nix(spdx)}; fullName = ${nix(spdx)}; }`;
  const fetches = sources.map(
    ({ system, artifact }) =>
      `    ${system} = fetchurl {\n      url = ${nix(artifact.url)};\n      hash = ${nix(sriHash(artifact.sha256))};\n    };\n`,
  );
  return [
    "# Written by ferry on each release; edits here are replaced by the next one.\n",
    "{\n  lib,\n  stdenvNoCC,\n  fetchurl,\n}:\n\n",
    "let\n  sources = {\n",
    fetches.join(""),
    "  };\nin\n",
    "stdenvNoCC.mkDerivation {\n",
    `  pname = ${nix(pname)};\n`,
    `  version = ${nix(nixVersion(version))};\n\n`,
    "  src =\n",
    "    sources.${stdenvNoCC.hostPlatform.system}\n",
    `      or (throw "${escape(pname)}: the release has no archive for \${stdenvNoCC.hostPlatform.system}");\n\n`,
    "  # The archives hold the binary itself, not a top-level directory.\n",
    '  sourceRoot = ".";\n\n',
    "  dontConfigure = true;\n",
    "  dontBuild = true;\n\n",
    "  installPhase = ''\n",
    "    runHook preInstall\n",
    `    install -Dm755 ${binary} $out/bin/${project.binary}\n`,
    "    runHook postInstall\n",
    "  '';\n\n",
    "  meta = {\n",
    `    description = ${nix(project.description.trim().replace(/\.$/, ""))};\n`,
    `    homepage = ${nix(project.homepage)};\n`,
    `    license = ${license};\n`,
    "    sourceProvenance = [ lib.sourceTypes.binaryNativeCode ];\n",
    "    platforms = builtins.attrNames sources;\n",
    `    mainProgram = ${nix(project.binary)};\n`,
    "  };\n",
    "}\n",
  ].join("");
}

/** The version and hashes of a derivation read back from a repository. */
export function parseDerivation(text: string): FileRelease | undefined {
  const version = /^\s*version\s*=\s*"([^"]*)"\s*;/m.exec(text)?.[1];
  if (version === undefined) return undefined;
  return { version, checksums: [...text.matchAll(/^\s*hash\s*=\s*"(sha256-[A-Za-z0-9+/=]+)"\s*;/gm)].map((m) => m[1]!) };
}
