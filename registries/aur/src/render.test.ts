import { rm } from "node:fs/promises";
import { createContext } from "@ferry/core";
import { afterAll, describe, expect, it } from "vitest";
import { makeRelease } from "../../../test/fixtures.ts";
import { makepkg } from "../../../test/makepkg.ts";
import { aurOptions } from "./options.ts";
import { describePackage, parseSrcinfo, renderPkgbuild, renderSrcinfo, semverOfAur, type AurPackage } from "./render.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const sample: AurPackage = {
  pkgname: "hello-bin",
  pkgver: "1.2.3rc1",
  pkgrel: 1,
  pkgdesc: "Says hello and prints its version.",
  url: "https://example.com/hello",
  license: "MIT",
  provides: "hello",
  maintainer: "Ferry Test <test@example.com>",
  binary: "hello",
  command: "hello",
  sources: [
    {
      arch: "x86_64",
      file: "hello-1.2.3rc1-x86_64.tar.gz",
      url: "https://github.com/ferry-test/hello/releases/download/v1.2.3-rc.1/hello_1.2.3-rc.1_linux_amd64.tar.gz",
      sha256: "a".repeat(64),
    },
    {
      arch: "aarch64",
      file: "hello-1.2.3rc1-aarch64.tar.gz",
      url: "https://github.com/ferry-test/hello/releases/download/v1.2.3-rc.1/hello_1.2.3-rc.1_linux_arm64.tar.gz",
      sha256: "b".repeat(64),
    },
  ],
};

/** What the real makepkg prints as .SRCINFO for a PKGBUILD. */
const printSrcinfo = async (pkgbuild: string) => {
  const { dir, stdout } = await makepkg(pkgbuild, ["--printsrcinfo"]);
  dirs.push(dir);
  return stdout;
};

describe("describePackage", () => {
  it("maps the release's Linux archives to Arch architectures and the version to a pkgver", async () => {
    const release = await makeRelease({
      version: "1.2.3-rc.1",
      targets: [
        ["darwin", "arm64"],
        ["linux", "arm64"],
        ["linux", "amd64"],
      ],
    });
    dirs.push(release.project.dir);
    const ctx = createContext({ registry: "aur", options: aurOptions.parse({}), ...release, env: {} });
    const pkg = describePackage(ctx);
    expect(pkg.pkgname).toBe("hello-bin");
    expect(pkg.pkgver).toBe("1.2.3rc1");
    expect(pkg.maintainer).toBe("Ferry Test <test@example.com>");
    expect(pkg.sources.map((s) => [s.arch, s.file, s.sha256])).toEqual([
      ["x86_64", "hello-1.2.3rc1-x86_64.tar.gz", release.manifest.artifacts.find((a) => a.os === "linux" && a.arch === "amd64")!.sha256],
      ["aarch64", "hello-1.2.3rc1-aarch64.tar.gz", release.manifest.artifacts.find((a) => a.os === "linux" && a.arch === "arm64")!.sha256],
    ]);
  });

  it("refuses a project name that cannot be a package name", async () => {
    const release = await makeRelease({ name: "Hello World" });
    dirs.push(release.project.dir);
    const ctx = createContext({ registry: "aur", options: aurOptions.parse({}), ...release, env: {} });
    expect(() => describePackage(ctx)).toThrow(/"hello world-bin" is not a valid AUR package name/);
    const named = createContext({ registry: "aur", options: aurOptions.parse({ package: "hello-world-bin" }), ...release, env: {} });
    expect(describePackage(named).pkgname).toBe("hello-world-bin");
  });

  it("refuses a release without Linux archives", async () => {
    const release = await makeRelease({ targets: [["darwin", "arm64"]] });
    dirs.push(release.project.dir);
    const ctx = createContext({ registry: "aur", options: aurOptions.parse({}), ...release, env: {} });
    expect(() => describePackage(ctx)).toThrow(/no Linux amd64 or arm64 archive/);
  });
});

describe("renderPkgbuild", () => {
  it("writes a -bin PKGBUILD with per-arch sources and checksums", () => {
    expect(renderPkgbuild(sample)).toMatchInlineSnapshot(`
      "# Maintainer: Ferry Test <test@example.com>

      pkgname=hello-bin
      pkgver=1.2.3rc1
      pkgrel=1
      pkgdesc="Says hello and prints its version."
      arch=('x86_64' 'aarch64')
      url="https://example.com/hello"
      license=('MIT')
      provides=('hello')
      conflicts=('hello')
      source_x86_64=("hello-1.2.3rc1-x86_64.tar.gz::https://github.com/ferry-test/hello/releases/download/v1.2.3-rc.1/hello_1.2.3-rc.1_linux_amd64.tar.gz")
      sha256sums_x86_64=('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
      source_aarch64=("hello-1.2.3rc1-aarch64.tar.gz::https://github.com/ferry-test/hello/releases/download/v1.2.3-rc.1/hello_1.2.3-rc.1_linux_arm64.tar.gz")
      sha256sums_aarch64=('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')

      package() {
        install -Dm755 "$srcdir/hello" "$pkgdir/usr/bin/hello"
      }
      "
    `);
  });
});

describe("renderSrcinfo", () => {
  it("writes makepkg's layout", () => {
    expect(renderSrcinfo(sample)).toMatchInlineSnapshot(`
      "pkgbase = hello-bin
      	pkgdesc = Says hello and prints its version.
      	pkgver = 1.2.3rc1
      	pkgrel = 1
      	url = https://example.com/hello
      	arch = x86_64
      	arch = aarch64
      	license = MIT
      	provides = hello
      	conflicts = hello
      	source_x86_64 = hello-1.2.3rc1-x86_64.tar.gz::https://github.com/ferry-test/hello/releases/download/v1.2.3-rc.1/hello_1.2.3-rc.1_linux_amd64.tar.gz
      	sha256sums_x86_64 = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
      	source_aarch64 = hello-1.2.3rc1-aarch64.tar.gz::https://github.com/ferry-test/hello/releases/download/v1.2.3-rc.1/hello_1.2.3-rc.1_linux_arm64.tar.gz
      	sha256sums_aarch64 = bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb

      pkgname = hello-bin
      "
    `);
  });

  it("equals the real makepkg --printsrcinfo, byte for byte", { timeout: 60_000 }, async () => {
    expect(await printSrcinfo(renderPkgbuild(sample))).toBe(renderSrcinfo(sample));
  });

  it("equals makepkg for one architecture and for text that bash would expand or split", { timeout: 60_000 }, async () => {
    const tricky: AurPackage = {
      ...sample,
      pkgname: "hello_tool+x-bin",
      pkgver: "2.0.0",
      pkgdesc: 'Prints "$HOME", `id` and \\n   with   spaces; it\'s fine',
      license: "MIT OR Apache-2.0",
      maintainer: "Zoë O'Brien <zoe@example.com>",
      binary: "bin/hello tool",
      sources: [sample.sources[1]!],
    };
    const pkgbuild = renderPkgbuild(tricky);
    expect(await printSrcinfo(pkgbuild)).toBe(renderSrcinfo(tricky));
    expect(pkgbuild).toContain(`install -Dm755 "$srcdir/bin/hello tool" "$pkgdir/usr/bin/hello"`);
  });
});

describe("parseSrcinfo", () => {
  it("reads back pkgbase, version and checksums", () => {
    expect(parseSrcinfo(renderSrcinfo(sample))).toEqual({
      pkgbase: "hello-bin",
      pkgver: "1.2.3rc1",
      pkgrel: "1",
      sha256sums: { x86_64: ["a".repeat(64)], aarch64: ["b".repeat(64)] },
    });
  });
});

describe("semverOfAur", () => {
  it("reads back what aurVersion writes, for ordering", () => {
    expect(semverOfAur("1.2.3")).toBe("1.2.3");
    expect(semverOfAur("1.2.3rc1")).toBe("1.2.3-rc.1");
    expect(semverOfAur("1.2.3beta")).toBe("1.2.3-beta");
    expect(semverOfAur("1.2.3rc1.2")).toBe("1.2.3-rc.1.2");
  });
  it("leaves other pkgvers as they are, which compareVersion cannot order", () => {
    expect(semverOfAur("1.2.3.r5.gabc")).toBe("1.2.3.r5.gabc");
    expect(semverOfAur("1:1.2.3")).toBe("1:1.2.3");
  });
});
