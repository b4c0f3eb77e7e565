import { describe, expect, it } from "vitest";
import { FerryError } from "./errors.ts";
import {
  aurVersion,
  chocolateyVersion,
  compareVersion,
  cratesVersion,
  dockerFloatingTags,
  dockerTags,
  isNewest,
  nixVersion,
  npmDistTag,
  npmVersion,
  parseVersion,
  pep440Version,
  snapChannel,
  snapVersion,
} from "./version.ts";

const rc = parseVersion("v1.2.3-rc.1");
const stable = parseVersion("v1.2.3");

const refused = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FerryError);
    return expect((error as FerryError).code).toBe(code);
  }
  throw new Error("expected a FerryError");
};

describe("parseVersion", () => {
  it("reads v-prefixed and bare SemVer tags", () => {
    expect(rc).toMatchObject({ tag: "v1.2.3-rc.1", semver: "1.2.3-rc.1", major: 1, minor: 2, patch: 3, isPrerelease: true });
    expect(parseVersion("1.2.3+build.5")).toMatchObject({ semver: "1.2.3+build.5", build: ["build", "5"], isPrerelease: false });
  });
  it.each(["v1.2", "release-1", "v01.2.3", "1.2.3.4", ""])("refuses %j", (tag) => refused(() => parseVersion(tag), "VersionInvalid"));
});

// One row per line of DESIGN.md's version table, for the tag v1.2.3-rc.1 and its stable twin.
describe("per-registry versions", () => {
  it("npm: as is, dist-tag next for prereleases", () => {
    expect([npmVersion(rc), npmDistTag(rc, [])]).toEqual(["1.2.3-rc.1", "next"]);
    expect([npmVersion(stable), npmDistTag(stable, [])]).toEqual(["1.2.3", "latest"]);
  });
  it("npm: an older release leaves latest (and every line tag above it) where it is", () => {
    expect(npmDistTag(stable, ["1.2.2", "1.2.4-rc.1", "0.9.0"])).toBe("latest");
    expect(npmDistTag(stable, ["2.0.0", "1.2.2"])).toBe("latest-1");
    expect(npmDistTag(stable, ["2.0.0", "1.10.0", "1.2.0"])).toBe("latest-1.2");
    expect(npmDistTag(stable, ["2.0.0", "1.2.4"])).toBe("latest-1.2.3");
  });
  it("PyPI: PEP 440 normalized", () => {
    expect(pep440Version(rc)).toBe("1.2.3rc1");
    expect(pep440Version(parseVersion("v1.2.3-alpha.2"))).toBe("1.2.3a2");
    expect(pep440Version(parseVersion("v1.2.3-beta"))).toBe("1.2.3b0");
    expect(pep440Version(stable)).toBe("1.2.3");
  });
  it.each(["v1.2.3-dev.1", "v1.2.3-next", "v1.2.3-rc.1.2", "v1.2.3-rc.x", "v1.2.3+build"])("PyPI refuses %s", (tag) =>
    refused(() => pep440Version(parseVersion(tag)), "VersionUnsupported"),
  );
  it("crates: as is", () => expect(cratesVersion(rc)).toBe("1.2.3-rc.1"));
  it("Docker: prereleases get only their tag; stable moves 1.2, 1 and latest; + becomes _", () => {
    expect(dockerTags(rc)).toEqual({ version: "1.2.3-rc.1", floating: [] });
    expect(dockerTags(stable)).toEqual({ version: "1.2.3", floating: ["1.2", "1", "latest"] });
    expect(dockerTags(parseVersion("v1.2.3+build.5")).version).toBe("1.2.3_build.5");
  });
  it("orders a registry's version against the release by SemVer; what is not SemVer is unknown", () => {
    expect(compareVersion("1.2.4", stable)).toBe(1);
    expect(compareVersion("v1.10.0", stable)).toBe(1);
    expect(compareVersion("1.2.3", stable)).toBe(0);
    expect(compareVersion("1.2.3+build.5", stable)).toBe(0);
    expect(compareVersion("1.2.3-rc.1", stable)).toBe(-1);
    expect(compareVersion("1.2.3", rc)).toBe(1);
    expect(compareVersion("0.9.0", stable)).toBe(-1);
    for (const unknown of ["1.2", "1.2.3rc1", "latest", "", "1:1.2.3"]) expect(compareVersion(unknown, stable)).toBeUndefined();
  });
  it("latest never moves backwards: only the highest stable version takes it", () => {
    expect(isNewest(stable, ["v1.2.2", "1.2.4-rc.1", "nightly"])).toBe(true);
    expect(isNewest(stable, ["1.10.0"])).toBe(false);
    expect(isNewest(rc, [])).toBe(false);
    expect(dockerFloatingTags(stable, ["1.2.3", "1.3.0", "1.20.0", "2.0.0_build.1", "latest"])).toEqual(["1.2"]);
    expect(dockerFloatingTags(stable, ["1.2.2", "1.2.9-rc.1", "0.9.0"])).toEqual(["1.2", "1", "latest"]);
  });
  it("AUR: no hyphens, sorts below the release", () => {
    expect(aurVersion(rc)).toBe("1.2.3rc1");
    expect(aurVersion(parseVersion("v1.2.3-beta"))).toBe("1.2.3beta");
    expect(aurVersion(stable)).toBe("1.2.3");
    refused(() => aurVersion(parseVersion("v1.2.3-1")), "VersionUnsupported");
  });
  it("Chocolatey: SemVer 1 form", () => {
    expect(chocolateyVersion(rc)).toBe("1.2.3-rc1");
    expect(chocolateyVersion(stable)).toBe("1.2.3");
    refused(() => chocolateyVersion(parseVersion("v1.2.3-rc-x.1")), "VersionUnsupported");
  });
  it("Nix: pre- marks a prerelease so compareVersions sorts it below the release", () => {
    expect(nixVersion(rc)).toBe("1.2.3pre-rc.1");
    expect(nixVersion(stable)).toBe("1.2.3");
  });
  it("Snap: version as is; channel by label", () => {
    expect(snapVersion(rc)).toBe("1.2.3-rc.1");
    expect(
      [rc, parseVersion("v1.2.3-beta.1"), parseVersion("v1.2.3-alpha.1"), parseVersion("v1.2.3-nightly"), stable].map(snapChannel),
    ).toEqual(["candidate", "beta", "edge", "edge", "stable"]);
    refused(() => snapVersion(parseVersion("v1.2.3-averyveryverylongprerelease.label")), "VersionUnsupported");
  });
});
