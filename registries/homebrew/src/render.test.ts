import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseVersion, type Artifact, type Project, type ReleaseManifest } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { formulaClass, parseFormula, renderCask, renderFormula } from "./render.ts";

const project: Project = {
  name: "hello",
  description: 'Says "hello" for #{you}.',
  homepage: "https://example.com/hello",
  license: "MIT",
  repository: "acme/hello",
  binary: "hello",
  author: "Acme <dev@example.com>",
  dir: "/tmp/hello",
};
const version = parseVersion("v1.2.3");
const artifact = (os: Artifact["os"], arch: Artifact["arch"], digit: string): Artifact => ({
  name: `hello_1.2.3_${os}_${arch}.${os === "windows" ? "zip" : "tar.gz"}`,
  os,
  arch,
  format: os === "windows" ? "zip" : "tar.gz",
  binary: os === "windows" ? "hello.exe" : "hello",
  size: 100,
  sha256: digit.repeat(64),
  url: `https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_${os}_${arch}.${os === "windows" ? "zip" : "tar.gz"}`,
});
const manifest: ReleaseManifest = {
  schema: 1,
  project: "hello",
  version: "1.2.3",
  tag: "v1.2.3",
  repository: "acme/hello",
  url: "https://github.com/acme/hello/releases/tag/v1.2.3",
  artifacts: [
    artifact("linux", "amd64", "1"),
    artifact("darwin", "arm64", "2"),
    artifact("darwin", "amd64", "3"),
    artifact("windows", "amd64", "4"),
  ],
};

describe("formulaClass", () => {
  it("follows Homebrew's naming", () => {
    expect(["hello", "hello-world", "foo_bar.baz", "python@3.12", "gtk+3", "Hello-World", "k9s"].map(formulaClass)).toEqual([
      "Hello",
      "HelloWorld",
      "FooBarBaz",
      "PythonAT312",
      "Gtkx3",
      "HelloWorld",
      "K9s",
    ]);
  });
  it("refuses a name that makes no Ruby constant", () => {
    expect(() => formulaClass("2fa")).toThrow(/cannot be a formula name/);
  });
});

describe("renderFormula", () => {
  const text = renderFormula({ project, version, manifest, formula: "hello" });

  it("renders the artifacts that exist, with the manifest's sha256s", () => {
    expect(text).toMatchInlineSnapshot(`
      "# Written by ferry on each release; edits here are replaced by the next one.
      class Hello < Formula
        desc "Says \\"hello\\" for \\#{you}"
        homepage "https://example.com/hello"
        version "1.2.3"
        license "MIT"

        on_macos do
          on_arm do
            url "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_darwin_arm64.tar.gz"
            sha256 "2222222222222222222222222222222222222222222222222222222222222222"
          end

          on_intel do
            url "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_darwin_amd64.tar.gz"
            sha256 "3333333333333333333333333333333333333333333333333333333333333333"
          end
        end

        on_linux do
          on_intel do
            url "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_linux_amd64.tar.gz"
            sha256 "1111111111111111111111111111111111111111111111111111111111111111"
          end
        end

        def install
          bin.install "hello"
        end

        test do
          assert_match version.to_s, shell_output("#{bin}/hello --version")
        end
      end
      "
    `);
  });

  it("is valid Ruby", () => {
    const file = join(mkdtempSync(join(tmpdir(), "ferry-formula-")), "hello.rb");
    writeFileSync(file, text);
    expect(execFileSync("ruby", ["-c", file], { encoding: "utf8" })).toContain("Syntax OK");
  });

  it("is deterministic, and reads back its version and checksums", () => {
    expect(
      renderFormula({ project, version, manifest: { ...manifest, artifacts: [...manifest.artifacts].reverse() }, formula: "hello" }),
    ).toBe(text);
    expect(parseFormula(text)).toEqual({ version: "1.2.3", checksums: ["2".repeat(64), "3".repeat(64), "1".repeat(64)] });
  });

  it("refuses a release without macOS or Linux archives", () => {
    expect(() =>
      renderFormula({ project, version, manifest: { ...manifest, artifacts: [artifact("windows", "amd64", "4")] }, formula: "hello" }),
    ).toThrow(/no macOS or Linux archive/);
  });
});

describe("renderCask", () => {
  const text = renderCask({ project, version, manifest, formula: "hello" });

  it("renders the macOS archives with the binary stanza", () => {
    expect(text).toMatchInlineSnapshot(`
      "# Written by ferry on each release; edits here are replaced by the next one.
      cask "hello" do
        version "1.2.3"

        on_arm do
          sha256 "2222222222222222222222222222222222222222222222222222222222222222"
          url "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_darwin_arm64.tar.gz"
        end

        on_intel do
          sha256 "3333333333333333333333333333333333333333333333333333333333333333"
          url "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_darwin_amd64.tar.gz"
        end

        name "hello"
        desc "Says \\"hello\\" for \\#{you}"
        homepage "https://example.com/hello"

        binary "hello"
      end
      "
    `);
  });

  it("is valid Ruby and reads back its version and checksums", () => {
    const file = join(mkdtempSync(join(tmpdir(), "ferry-cask-")), "hello.rb");
    writeFileSync(file, text);
    expect(execFileSync("ruby", ["-c", file], { encoding: "utf8" })).toContain("Syntax OK");
    expect(parseFormula(text)).toEqual({ version: "1.2.3", checksums: ["2".repeat(64), "3".repeat(64)] });
  });
});
