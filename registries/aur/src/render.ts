import { FerryError, aurVersion, findArtifact, type Arch, type Context, type TargetName } from "@ferry/core";
import type { AurOptions } from "./options.ts";

/** Arch Linux's name for each release architecture, in the order the PKGBUILD lists them. */
const archNames: Array<[Arch, AurArch]> = [
  ["amd64", "x86_64"],
  ["arm64", "aarch64"],
  ["386", "i686"],
  ["armv7", "armv7h"],
  ["riscv64", "riscv64"],
  ["ppc64le", "powerpc64le"],
];

type AurArch = "x86_64" | "aarch64" | "i686" | "armv7h" | "riscv64" | "powerpc64le";

/** The targets the PKGBUILD can carry (a musl build stands in for a missing glibc one). */
export const aurTargets = archNames.flatMap(([arch]) => [`linux/${arch}`, `linux/${arch}-musl`] as TargetName[]);

interface AurSource {
  arch: AurArch;
  /** The name makepkg saves the download as (`name::url`), unique per version and arch. */
  file: string;
  url: string;
  sha256: string;
}

/** Everything the PKGBUILD and .SRCINFO say, derived from the release. */
export interface AurPackage {
  pkgname: string;
  pkgver: string;
  pkgrel: number;
  pkgdesc: string;
  url: string;
  license: string;
  /** What the -bin package stands in for (`provides` and `conflicts`). */
  provides: string;
  maintainer: string;
  /** The binary's path inside the archive. */
  binary: string;
  /** The installed command: /usr/bin/<command>. */
  command: string;
  sources: AurSource[];
}

/**
 * A pkgver as SemVer, for ordering: the inverse of aurVersion (1.2.3rc1 → 1.2.3-rc.1). A pkgver
 * ferry would not write comes back as is, which compareVersion cannot order.
 */
export function semverOfAur(pkgver: string): string {
  const match = /^(\d+\.\d+\.\d+)([A-Za-z][A-Za-z0-9.]*)?$/.exec(pkgver);
  if (!match) return pkgver;
  const [, core, pre] = match;
  return pre ? `${core}-${pre.replace(/^([A-Za-z]+)(\d)/, "$1.$2")}` : core!;
}

/** makepkg collapses whitespace runs and trims every value it writes to .SRCINFO; the PKGBUILD gets the same text. */
const clean = (text: string) => text.replace(/\s+/g, " ").trim();

/** The package name (and pkgbase): the `package` option, else `<project>-bin`. */
export const packageName = (ctx: Context<AurOptions>): string => ctx.options.package ?? `${ctx.project.name.toLowerCase()}-bin`;

export function describePackage(ctx: Context<AurOptions>): AurPackage {
  const { project, manifest, options } = ctx;
  const pkgver = aurVersion(ctx.version);
  const found = archNames.flatMap(([arch, aurArch]) => {
    const artifact = findArtifact(manifest, "linux", arch);
    return artifact ? [{ artifact, aurArch }] : [];
  });
  if (found.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no Linux amd64 or arm64 archive (nor one for another CPU Arch Linux runs) to package for the AUR.",
      fix: "Add a linux/amd64 or linux/arm64 target to the build, or leave the aur target out.",
    });
  }
  const binaries = new Set(found.map((f) => f.artifact.binary));
  if (binaries.size > 1) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: `The Linux archives hold the binary under different paths (${[...binaries].join(", ")}).`,
      why: "The PKGBUILD installs one path for every architecture.",
      fix: "Build every Linux target with the same archive layout.",
    });
  }
  const name = project.name.toLowerCase();
  const pkgname = packageName(ctx);
  if (!/^[a-z0-9@_+][a-z0-9@._+-]*$/.test(pkgname)) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${pkgname}" is not a valid AUR package name.`,
      why: "Package names hold lowercase letters, digits and @ . _ + -, and do not start with - or .",
      fix: "Set `package` in the aur section of ferry.yaml.",
    });
  }
  return {
    pkgname,
    pkgver,
    pkgrel: 1,
    pkgdesc: clean(project.description),
    url: clean(project.homepage),
    license: clean(project.license),
    provides: name,
    maintainer: clean(options.maintainer ?? project.author),
    binary: found[0]!.artifact.binary,
    command: project.binary,
    sources: found.map(({ artifact, aurArch }) => ({
      arch: aurArch,
      file: `${name}-${pkgver}-${aurArch}.${artifact.format}`,
      url: artifact.url,
      sha256: artifact.sha256,
    })),
  };
}

/** Text for inside a bash double-quoted string: `$`, backticks, `"` and `\` are escaped, so nothing expands. */
const escape = (text: string) => text.replace(/[\\"$`]/g, "\\$&");
const dq = (text: string) => `"${escape(text)}"`;
/** A bash single-quoted string. */
const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function renderPkgbuild(pkg: AurPackage): string {
  const lines = [
    `# Maintainer: ${pkg.maintainer}`,
    "",
    `pkgname=${pkg.pkgname}`,
    `pkgver=${pkg.pkgver}`,
    `pkgrel=${pkg.pkgrel}`,
    `pkgdesc=${dq(pkg.pkgdesc)}`,
    `arch=(${pkg.sources.map((s) => sq(s.arch)).join(" ")})`,
    `url=${dq(pkg.url)}`,
    `license=(${sq(pkg.license)})`,
    `provides=(${sq(pkg.provides)})`,
    `conflicts=(${sq(pkg.provides)})`,
    ...pkg.sources.flatMap((s) => [`source_${s.arch}=(${dq(`${s.file}::${s.url}`)})`, `sha256sums_${s.arch}=(${sq(s.sha256)})`]),
    "",
    "package() {",
    `  install -Dm755 "$srcdir/${escape(pkg.binary)}" "$pkgdir/usr/bin/${escape(pkg.command)}"`,
    "}",
  ];
  return `${lines.join("\n")}\n`;
}

/** .SRCINFO exactly as `makepkg --printsrcinfo` writes it for this PKGBUILD (pkgbase section, then pkgname). */
export function renderSrcinfo(pkg: AurPackage): string {
  const attr = (key: string, value: string | number) => `\t${key} = ${clean(String(value))}\n`;
  return [
    `pkgbase = ${pkg.pkgname}\n`,
    attr("pkgdesc", pkg.pkgdesc),
    attr("pkgver", pkg.pkgver),
    attr("pkgrel", pkg.pkgrel),
    attr("url", pkg.url),
    ...pkg.sources.map((s) => attr("arch", s.arch)),
    attr("license", pkg.license),
    attr("provides", pkg.provides),
    attr("conflicts", pkg.provides),
    ...pkg.sources.flatMap((s) => [attr(`source_${s.arch}`, `${s.file}::${s.url}`), attr(`sha256sums_${s.arch}`, s.sha256)]),
    "\n",
    `pkgname = ${pkg.pkgname}\n`,
  ].join("");
}

export interface Srcinfo {
  pkgbase?: string;
  pkgver?: string;
  pkgrel?: string;
  /** sha256sums per architecture (`x86_64`), and `any` for the plain `sha256sums`. */
  sha256sums: Record<string, string[]>;
}

/** Reads the pkgbase section of a .SRCINFO (the only part ferry compares). */
export function parseSrcinfo(text: string): Srcinfo {
  const result: Srcinfo = { sha256sums: {} };
  for (const line of text.split("\n")) {
    const match = /^\s*([a-z0-9_]+) = (.*)$/.exec(line);
    if (!match) continue;
    const [, key = "", value = ""] = match;
    if (key === "pkgname") break;
    if (key === "pkgbase" || key === "pkgver" || key === "pkgrel") result[key] = value;
    const sums = /^sha256sums(?:_(.+))?$/.exec(key);
    if (sums) (result.sha256sums[sums[1] ?? "any"] ??= []).push(value);
  }
  return result;
}

/** The checksums this package declares, in .SRCINFO's terms. */
export const packageSums = (pkg: AurPackage): Record<string, string[]> => Object.fromEntries(pkg.sources.map((s) => [s.arch, [s.sha256]]));
