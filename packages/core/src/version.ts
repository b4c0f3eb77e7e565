import semver from "semver";
import { FerryError } from "./errors.ts";

/** A release version, parsed once from the tag; every registry's form is derived from it. */
export interface Version {
  /** The git tag, e.g. `v1.2.3-rc.1`. */
  tag: string;
  /** The SemVer 2 version, e.g. `1.2.3-rc.1` (build metadata included). */
  semver: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: readonly (string | number)[];
  build: readonly string[];
  isPrerelease: boolean;
}

const strictSemver = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(tag: string): Version {
  const bare = tag.startsWith("v") ? tag.slice(1) : tag;
  // semver.parse forgives a second "v", "=" and surrounding whitespace; a tag must be the version exactly.
  const parsed = strictSemver.test(bare) ? semver.parse(bare, { loose: false }) : null;
  if (!parsed) {
    throw new FerryError("VersionInvalid", {
      what: `The tag ${JSON.stringify(tag)} is not a semantic version.`,
      why: "ferry derives every registry's version from a SemVer 2 tag such as v1.2.3 or v1.2.3-rc.1.",
      fix: "Tag the release as v<major>.<minor>.<patch>[-<prerelease>] and pass it with --tag.",
    });
  }
  return {
    tag,
    semver: parsed.build.length ? `${parsed.version}+${parsed.build.join(".")}` : parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease,
    build: parsed.build,
    isPrerelease: parsed.prerelease.length > 0,
  };
}

/**
 * A tag of a project that shares its repository (`cli/v1.2.3` with the prefix `cli/`): the version
 * is what follows the prefix, the tag stays whole (it names the GitHub release and its downloads).
 */
export function parseTag(tag: string, prefix: string): Version {
  if (!tag.startsWith(prefix)) {
    throw new FerryError("VersionInvalid", {
      what: `The tag "${tag}" does not start with "${prefix}", the release.tagPrefix in ferry.yaml.`,
      why: "Each project of a repository releases from its own tags, such as cli/v1.2.3.",
      fix: `Pass a tag like ${prefix}v1.2.3, or fix release.tagPrefix.`,
    });
  }
  return { ...parseVersion(tag.slice(prefix.length)), tag };
}

const core = (v: Version) => `${v.major}.${v.minor}.${v.patch}`;

function unsupported(v: Version, registry: string, why: string): FerryError {
  return new FerryError("VersionUnsupported", {
    registry,
    what: `The version ${v.semver} cannot be expressed for ${registry}.`,
    why,
    fix: `Use a prerelease label of the form alpha.N, beta.N or rc.N, or skip ${registry} for this release.`,
  });
}

/** The prerelease's label and number, when it has the common `label.N` (or `label`) shape. */
function labelled(v: Version): { label: string; number: number } | undefined {
  const [label, number = 0, ...rest] = v.prerelease;
  if (typeof label !== "string" || typeof number !== "number" || rest.length > 0) return undefined;
  return { label: label.toLowerCase(), number };
}

/** npm: the SemVer version as is. */
export const npmVersion = (v: Version): string => v.semver;

/**
 * npm dist-tag, given the versions the package already has: `next` for a prerelease; for a release,
 * the broadest of `latest`, `latest-<major>`, `latest-<major>.<minor>` whose versions it is the
 * highest of, so none moves backwards (npm's own convention for older lines, as `npm@latest-6`).
 * A release below another of its own minor line gets `latest-<major>.<minor>.<patch>`, its own tag.
 */
export function npmDistTag(v: Version, published: readonly string[]): string {
  if (v.isPrerelease) return "next";
  const lines: Array<[string, string]> = [
    ["latest", ""],
    [`latest-${v.major}`, `${v.major}.`],
    [`latest-${v.major}.${v.minor}`, `${v.major}.${v.minor}.`],
  ];
  const line = lines.find(([, prefix]) =>
    isNewest(
      v,
      published.filter((other) => other.startsWith(prefix)),
    ),
  );
  return line?.[0] ?? `latest-${v.major}.${v.minor}.${v.patch}`;
}

/** crates.io: the SemVer version as is. */
export const cratesVersion = (v: Version): string => v.semver;

const pep440Labels: Record<string, string> = { alpha: "a", a: "a", beta: "b", b: "b", rc: "rc", c: "rc" };

/** PyPI (PEP 440, normalized): 1.2.3-rc.1 → 1.2.3rc1. Labels PEP 440 lacks are refused. */
export function pep440Version(v: Version): string {
  if (v.build.length) throw unsupported(v, "pypi", "PyPI refuses local versions, and build metadata would become one.");
  if (!v.isPrerelease) return core(v);
  const pre = labelled(v);
  const label = pre && pep440Labels[pre.label];
  if (!pre || !label) {
    throw unsupported(v, "pypi", "PEP 440 prereleases are only alpha (a), beta (b) and release candidates (rc).");
  }
  return `${core(v)}${label}${pre.number}`;
}

/** Docker tags: the version (with `+` mapped to `_`); a stable release also moves major.minor, major and latest. */
export function dockerTags(v: Version): { version: string; floating: string[] } {
  const version = v.semver.replace(/\+/g, "_");
  if (v.isPrerelease) return { version, floating: [] };
  return { version, floating: [`${v.major}.${v.minor}`, `${v.major}`, "latest"] };
}

/**
 * The one ordering ferry applies to versions a registry already holds: SemVer precedence of `found`
 * (a version or a `v` tag, mapped to SemVer by the adapter when the registry spells it otherwise)
 * against `ours`. 1: `found` is newer, 0: the same precedence, -1: older; undefined when `found` is
 * not SemVer, since an unknown version is never taken for older or newer.
 */
export function compareVersion(found: string, ours: Version): -1 | 0 | 1 | undefined {
  const parsed = parseFound(found);
  return parsed ? semver.compare(parsed, ours.semver) : undefined;
}

function parseFound(found: string): semver.SemVer | null {
  const bare = found.startsWith("v") ? found.slice(1) : found;
  return strictSemver.test(bare) ? semver.parse(bare) : null;
}

/**
 * The rule for older versions: "latest" (a floating tag, npm's dist-tag, GitHub's latest release)
 * never moves backwards. True when `v` is a stable release at least as high as every stable
 * version in `others` (versions or tags; what is not SemVer is ignored).
 */
export function isNewest(v: Version, others: Iterable<string>): boolean {
  if (v.isPrerelease) return false;
  for (const other of others) {
    const parsed = parseFound(other);
    if (parsed && parsed.prerelease.length === 0 && semver.gt(parsed, v.semver)) return false;
  }
  return true;
}

/**
 * The floating Docker tags this release takes, given the repository's tags: `1.2`, `1` and
 * `latest` each name the highest stable version they cover, so an older release leaves them.
 */
export function dockerFloatingTags(v: Version, tags: readonly string[]): string[] {
  const versions = tags.map((tag) => tag.replace(/_/g, "+"));
  const covered = (floating: string) => {
    if (floating === "latest") return versions;
    return versions.filter((tag) => tag.startsWith(`${floating}.`) && /^\d+\.\d+\.\d+/.test(tag));
  };
  return dockerTags(v).floating.filter((floating) => isNewest(v, covered(floating)));
}

/** AUR pkgver: no hyphens, and a prerelease must sort below the release under vercmp: 1.2.3-rc.1 → 1.2.3rc1. */
export function aurVersion(v: Version): string {
  if (!v.isPrerelease) return core(v);
  const text = v.prerelease.join(".").replace(/^([A-Za-z]+)\.(\d)/, "$1$2");
  if (!/^[A-Za-z][A-Za-z0-9.]*$/.test(text)) {
    throw unsupported(
      v,
      "aur",
      "pkgver allows letters, digits and dots only, and the prerelease must start with a letter to sort below the release.",
    );
  }
  return `${core(v)}${text}`;
}

/** Chocolatey (SemVer 1 form): 1.2.3-rc.1 → 1.2.3-rc1. */
export function chocolateyVersion(v: Version): string {
  if (!v.isPrerelease) return core(v);
  const text = v.prerelease.join("");
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(text)) {
    throw unsupported(v, "chocolatey", "SemVer 1 prereleases are one alphanumeric label starting with a letter.");
  }
  return `${core(v)}-${text}`;
}

/** Nix: `builtins.compareVersions` only sorts `pre` below a release, so 1.2.3-rc.1 → 1.2.3pre-rc.1. */
export const nixVersion = (v: Version): string => (v.isPrerelease ? `${core(v)}pre-${v.prerelease.join(".")}` : core(v));

/** Snap channel risk for a version: stable, rc → candidate, beta → beta, anything else → edge. */
export function snapChannel(v: Version): "stable" | "candidate" | "beta" | "edge" {
  if (!v.isPrerelease) return "stable";
  const label = String(v.prerelease[0]).toLowerCase();
  if (label === "rc") return "candidate";
  if (label === "beta") return "beta";
  return "edge";
}

/** Snap version: SemVer as is, checked against snapd's rule (≤32 chars of [a-zA-Z0-9:.+~-]). */
export function snapVersion(v: Version): string {
  if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9:.+~-]{0,30}[a-zA-Z0-9+~])?$/.test(v.semver)) {
    throw unsupported(v, "snap", "snapd accepts at most 32 characters of letters, digits and :.+~-.");
  }
  return v.semver;
}
