import type { Artifact, Context } from "@ferry/core";
import { stringify } from "yaml";
import type { WingetOptions } from "./options.ts";

/** The locale of the defaultLocale manifest. */
const locale = "en-US";

/** What the three manifests say, independent of where the values came from. */
export interface WingetPackage {
  identifier: string;
  version: string;
  manifestVersion: string;
  publisher: string;
  packageName: string;
  license: string;
  shortDescription: string;
  homepage?: string | undefined;
  /** The command name users type (the portable alias). */
  command: string;
  installers: WingetInstaller[];
}

interface WingetInstaller {
  architecture: "x86" | "x64" | "arm64";
  url: string;
  sha256: string;
  /** The executable's path inside the zip, e.g. `hello.exe`. */
  binary: string;
}

/** winget-pkgs' folder for a version: the identifier's first letter, lowercased, then one folder per part. */
export const manifestDir = (identifier: string, version: string): string =>
  `manifests/${identifier[0]!.toLowerCase()}/${identifier.split(".").join("/")}/${version}`;

export const manifestPaths = (identifier: string, version: string) => {
  const dir = manifestDir(identifier, version);
  return {
    version: `${dir}/${identifier}.yaml`,
    installer: `${dir}/${identifier}.installer.yaml`,
    locale: `${dir}/${identifier}.locale.${locale}.yaml`,
  };
};

/** WinGet's architecture names for the release's Windows targets. */
export const architectures: Partial<Record<Artifact["arch"], WingetInstaller["architecture"]>> = {
  "386": "x86",
  amd64: "x64",
  arm64: "arm64",
};

/** The package description of this release, from the project, the options and the windows zips. */
export function describePackage(ctx: Context<WingetOptions>): WingetPackage {
  const { options, project } = ctx;
  const zips = ctx.manifest.artifacts
    .filter((a) => a.os === "windows" && a.format === "zip" && architectures[a.arch])
    .sort((a, b) => a.arch.localeCompare(b.arch));
  return {
    identifier: options.identifier,
    version: ctx.version.semver,
    manifestVersion: options.manifestVersion,
    publisher: options.publisher ?? options.identifier.split(".")[0]!,
    packageName: options.packageName ?? project.name,
    license: options.license ?? project.license,
    shortDescription: options.shortDescription ?? project.description,
    homepage: /^https?:\/\//i.test(project.homepage) ? project.homepage : undefined,
    command: project.binary,
    installers: zips.map((a) => ({ architecture: architectures[a.arch]!, url: a.url, sha256: a.sha256, binary: a.binary })),
  };
}

/** The three manifests, path → YAML, as winget-pkgs lays them out. */
export function renderManifests(pkg: WingetPackage): Record<string, string> {
  const paths = manifestPaths(pkg.identifier, pkg.version);
  const head = { PackageIdentifier: pkg.identifier, PackageVersion: pkg.version };
  const tail = { ManifestVersion: pkg.manifestVersion };
  return {
    [paths.version]: yamlFile("version", pkg.manifestVersion, {
      ...head,
      DefaultLocale: locale,
      ManifestType: "version",
      ...tail,
    }),
    [paths.installer]: yamlFile("installer", pkg.manifestVersion, {
      ...head,
      InstallerType: "zip",
      NestedInstallerType: "portable",
      Installers: pkg.installers.map((i) => ({
        Architecture: i.architecture,
        NestedInstallerFiles: [{ RelativeFilePath: i.binary, PortableCommandAlias: pkg.command }],
        InstallerUrl: i.url,
        // winget-pkgs writes digests in uppercase hex; the comparison in exists() ignores case.
        InstallerSha256: i.sha256.toUpperCase(),
      })),
      ManifestType: "installer",
      ...tail,
    }),
    [paths.locale]: yamlFile("defaultLocale", pkg.manifestVersion, {
      ...head,
      PackageLocale: locale,
      Publisher: pkg.publisher,
      PackageName: pkg.packageName,
      ...(pkg.homepage ? { PackageUrl: pkg.homepage } : {}),
      License: pkg.license,
      ShortDescription: pkg.shortDescription,
      ManifestType: "defaultLocale",
      ...tail,
    }),
  };
}

/** One manifest with the schema comment line editors (and winget-pkgs' tooling) expect on top. */
function yamlFile(type: string, manifestVersion: string, data: Record<string, unknown>): string {
  const header = `# yaml-language-server: $schema=https://aka.ms/winget-manifest.${type}.${manifestVersion}.schema.json`;
  return `${header}\n\n${stringify(data, { lineWidth: 0 })}`;
}
