import { parseVersion, type Artifact, type Project, type ReleaseManifest } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { parseScoop, renderScoop } from "./render.ts";

const project: Project = {
  name: "hello",
  description: "Says hello.",
  homepage: "https://example.com/hello",
  license: "Apache-2.0",
  repository: "acme/hello",
  binary: "hello",
  author: "Acme <dev@example.com>",
  dir: "/tmp/hello",
};
const version = parseVersion("v1.2.3");
const artifact = (os: Artifact["os"], arch: Artifact["arch"], digit: string): Artifact => {
  const name = `hello_1.2.3_${os}_${arch}.${os === "windows" ? "zip" : "tar.gz"}`;
  return {
    name,
    os,
    arch,
    format: os === "windows" ? "zip" : "tar.gz",
    binary: os === "windows" ? "hello.exe" : "hello",
    size: 100,
    sha256: digit.repeat(64),
    url: `https://github.com/acme/hello/releases/download/v1.2.3/${name}`,
  };
};
const manifest: ReleaseManifest = {
  schema: 1,
  project: "hello",
  version: "1.2.3",
  tag: "v1.2.3",
  repository: "acme/hello",
  url: "https://github.com/acme/hello/releases/tag/v1.2.3",
  artifacts: [artifact("windows", "arm64", "a"), artifact("linux", "amd64", "1"), artifact("windows", "amd64", "b")],
};

describe("renderScoop", () => {
  const text = renderScoop({ project, version, manifest });

  it("renders the Windows zips with 4-space indentation and a final newline", () => {
    expect(text).toMatchInlineSnapshot(`
      "{
          "version": "1.2.3",
          "description": "Says hello.",
          "homepage": "https://example.com/hello",
          "license": "Apache-2.0",
          "architecture": {
              "64bit": {
                  "url": "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_windows_amd64.zip",
                  "hash": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
              },
              "arm64": {
                  "url": "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_windows_arm64.zip",
                  "hash": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              }
          },
          "bin": "hello.exe",
          "checkver": {
              "github": "https://github.com/acme/hello"
          },
          "autoupdate": {
              "architecture": {
                  "64bit": {
                      "url": "https://github.com/acme/hello/releases/download/v$version/hello_$version_windows_amd64.zip"
                  },
                  "arm64": {
                      "url": "https://github.com/acme/hello/releases/download/v$version/hello_$version_windows_arm64.zip"
                  }
              }
          }
      }
      "
    `);
  });

  it("reads back its version and hashes", () => {
    expect(parseScoop(text)).toEqual({ version: "1.2.3", checksums: ["b".repeat(64), "a".repeat(64)] });
    expect(parseScoop("not json")).toBeUndefined();
  });

  it("refuses a release without Windows archives", () => {
    expect(() => renderScoop({ project, version, manifest: { ...manifest, artifacts: [artifact("linux", "amd64", "1")] } })).toThrow(
      /no Windows archive/,
    );
  });
});
