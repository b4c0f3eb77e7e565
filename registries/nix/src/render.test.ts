import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseVersion, type Artifact, type Project, type ReleaseManifest } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { parseDerivation, renderDerivation, semverOfNix, sriHash } from "./render.ts";

const project: Project = {
  name: "hello",
  description: 'Says "hello" to ${USER}.',
  homepage: "https://example.com/hello",
  license: "MIT",
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
  artifacts: [artifact("linux", "amd64", "1"), artifact("darwin", "arm64", "2"), artifact("windows", "amd64", "4")],
};
const parses = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "ferry-nix-")), "default.nix");
  writeFileSync(file, text);
  return execFileSync("nix-instantiate", ["--parse", file], { encoding: "utf8" });
};

describe("renderDerivation", () => {
  const text = renderDerivation({ project, version, manifest, pname: "hello" });

  it("fetches each system's archive by its SRI hash", () => {
    expect(text).toMatchInlineSnapshot(`
      "# Written by ferry on each release; edits here are replaced by the next one.
      {
        lib,
        stdenvNoCC,
        fetchurl,
      }:

      let
        sources = {
          aarch64-darwin = fetchurl {
            url = "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_darwin_arm64.tar.gz";
            hash = "sha256-IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=";
          };
          x86_64-linux = fetchurl {
            url = "https://github.com/acme/hello/releases/download/v1.2.3/hello_1.2.3_linux_amd64.tar.gz";
            hash = "sha256-ERERERERERERERERERERERERERERERERERERERERERE=";
          };
        };
      in
      stdenvNoCC.mkDerivation {
        pname = "hello";
        version = "1.2.3";

        src =
          sources.\${stdenvNoCC.hostPlatform.system}
            or (throw "hello: the release has no archive for \${stdenvNoCC.hostPlatform.system}");

        # The archives hold the binary itself, not a top-level directory.
        sourceRoot = ".";

        dontConfigure = true;
        dontBuild = true;

        installPhase = ''
          runHook preInstall
          install -Dm755 hello $out/bin/hello
          runHook postInstall
        '';

        meta = {
          description = "Says \\"hello\\" to \\\${USER}";
          homepage = "https://example.com/hello";
          license = lib.licenses.mit;
          sourceProvenance = [ lib.sourceTypes.binaryNativeCode ];
          platforms = builtins.attrNames sources;
          mainProgram = "hello";
        };
      }
      "
    `);
  });

  it("parses as Nix", () => {
    expect(parses(text)).toContain("mkDerivation");
  });

  it("names other licenses by their SPDX id", () => {
    const other = renderDerivation({ project: { ...project, license: "EUPL-1.2" }, version, manifest, pname: "hello" });
    expect(other).toContain('license = { spdxId = "EUPL-1.2"; fullName = "EUPL-1.2"; };');
    expect(parses(other)).toContain("EUPL-1.2");
    expect(renderDerivation({ project: { ...project, license: "Apache-2.0" }, version, manifest, pname: "hello" })).toContain(
      "license = lib.licenses.asl20;",
    );
  });

  it("reads back its version and hashes, and orders prerelease versions", () => {
    expect(parseDerivation(text)).toEqual({ version: "1.2.3", checksums: [sriHash("2".repeat(64)), sriHash("1".repeat(64))] });
    expect(renderDerivation({ project, version: parseVersion("v1.2.3-rc.1"), manifest, pname: "hello" })).toContain(
      'version = "1.2.3pre-rc.1";',
    );
    expect(semverOfNix("1.2.3pre-rc.1")).toBe("1.2.3-rc.1");
  });

  it("computes SRI hashes from hex", () => {
    expect(sriHash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")).toBe(
      "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    );
  });
});
