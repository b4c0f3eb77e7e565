import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { schemaValidator } from "../../../test/schemas.ts";
import { renderManifests, type WingetPackage } from "./render.ts";

const pkg: WingetPackage = {
  identifier: "Hello.Hello",
  version: "1.2.3",
  manifestVersion: "1.10.0",
  publisher: "Hello",
  packageName: "hello",
  license: "MIT",
  shortDescription: "Says hello and prints its version.",
  homepage: "https://example.com/hello",
  command: "hello",
  installers: [
    {
      architecture: "arm64",
      url: "https://github.com/o/hello/releases/download/v1.2.3/hello_1.2.3_windows_arm64.zip",
      sha256: "ab".repeat(32),
      binary: "hello.exe",
    },
    {
      architecture: "x64",
      url: "https://github.com/o/hello/releases/download/v1.2.3/hello_1.2.3_windows_amd64.zip",
      sha256: "cd".repeat(32),
      binary: "hello.exe",
    },
  ],
};

const schemas = {
  version: schemaValidator("winget/v1.10.0/manifest.version.1.10.0.json"),
  installer: schemaValidator("winget/v1.10.0/manifest.installer.1.10.0.json"),
  defaultLocale: schemaValidator("winget/v1.10.0/manifest.defaultLocale.1.10.0.json"),
};

describe("winget manifests", () => {
  const files = renderManifests(pkg);

  it("lays out the three files in winget-pkgs' folder for the version", () => {
    expect(Object.keys(files)).toEqual([
      "manifests/h/Hello/Hello/1.2.3/Hello.Hello.yaml",
      "manifests/h/Hello/Hello/1.2.3/Hello.Hello.installer.yaml",
      "manifests/h/Hello/Hello/1.2.3/Hello.Hello.locale.en-US.yaml",
    ]);
  });

  it("passes the official v1.10.0 schemas, each with its schema header", () => {
    for (const [path, text] of Object.entries(files)) {
      const data = parse(text) as { ManifestType: keyof typeof schemas };
      expect(text.split("\n")[0]).toBe(
        `# yaml-language-server: $schema=https://aka.ms/winget-manifest.${data.ManifestType}.1.10.0.schema.json`,
      );
      expect(schemas[data.ManifestType](data), path).toEqual([]);
    }
  });

  it("declares a zip holding a portable command, with uppercase digests", () => {
    expect(files["manifests/h/Hello/Hello/1.2.3/Hello.Hello.installer.yaml"]).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=https://aka.ms/winget-manifest.installer.1.10.0.schema.json

      PackageIdentifier: Hello.Hello
      PackageVersion: 1.2.3
      InstallerType: zip
      NestedInstallerType: portable
      Installers:
        - Architecture: arm64
          NestedInstallerFiles:
            - RelativeFilePath: hello.exe
              PortableCommandAlias: hello
          InstallerUrl: https://github.com/o/hello/releases/download/v1.2.3/hello_1.2.3_windows_arm64.zip
          InstallerSha256: ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB
        - Architecture: x64
          NestedInstallerFiles:
            - RelativeFilePath: hello.exe
              PortableCommandAlias: hello
          InstallerUrl: https://github.com/o/hello/releases/download/v1.2.3/hello_1.2.3_windows_amd64.zip
          InstallerSha256: CDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCD
      ManifestType: installer
      ManifestVersion: 1.10.0
      "
    `);
  });

  it("nests identifiers with more than two parts deeper", () => {
    expect(Object.keys(renderManifests({ ...pkg, identifier: "Acme.Tools.Hello" }))[0]).toBe(
      "manifests/a/Acme/Tools/Hello/1.2.3/Acme.Tools.Hello.yaml",
    );
  });

  it("renders the same bytes twice", () => {
    expect(renderManifests(structuredClone(pkg))).toEqual(files);
  });

  it("rejects what winget would reject", () => {
    const bad = renderManifests({ ...pkg, installers: [{ ...pkg.installers[0]!, url: "ftp://example.com/x.zip" }] });
    const installer = parse(bad["manifests/h/Hello/Hello/1.2.3/Hello.Hello.installer.yaml"]!) as unknown;
    expect(schemas.installer(installer).join()).toMatch(/InstallerUrl/);
  });
});
