import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { chocolateyVersion, FerryError, findArtifact, type Context } from "@ferry/core";
import { XMLBuilder } from "fast-xml-parser";
import yazl from "yazl";
import type { ChocolateyOptions } from "./options.ts";

export interface Nupkg {
  id: string;
  version: string;
  file: string;
  /** base64 sha512 of the .nupkg, what the feed reports as PackageHash. */
  sha512: string;
  /** The text parts, for a dry run to show. */
  parts: Record<string, string>;
}

/** Every entry gets this time, so the same release gives the same .nupkg bytes. */
const epoch = new Date("2000-01-01T00:00:00Z");
const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, indentBy: "  ", suppressEmptyNode: true });
const declaration = '<?xml version="1.0" encoding="utf-8"?>\n';

export const packageId = (ctx: Context<ChocolateyOptions>): string => ctx.options.id ?? ctx.project.name;

function metadata(ctx: Context<ChocolateyOptions>) {
  const { options, project } = ctx;
  const id = packageId(ctx);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id)) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${id}" is not a valid Chocolatey package id.`,
      why: "The community repository takes lower-case ids of letters, digits, dots, hyphens and underscores.",
      fix: "Set `id:` in the chocolatey section of ferry.yaml.",
    });
  }
  return {
    id,
    version: chocolateyVersion(ctx.version),
    title: options.title ?? project.name,
    authors: options.authors ?? project.author.replace(/\s*<[^>]*>\s*/, "").trim(),
    projectUrl: project.homepage,
    packageSourceUrl: options.packageSourceUrl ?? `https://github.com/${project.repository}`,
    tags: (options.tags ?? [project.name]).join(" "),
    summary: project.description.split("\n")[0] ?? "",
    description: project.description,
    releaseNotes: ctx.manifest.url,
  };
}

/**
 * The 2013/05 nuspec schema: every NuGet since 2.8 reads it, and so do both generations of choco
 * (1.x is built on NuGet 2.8, 2.x on NuGet.Client); NuGet 2.8 refuses the newer 2015/06 namespace.
 */
const nuspecNamespace = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";

function renderNuspec(ctx: Context<ChocolateyOptions>): string {
  const m = metadata(ctx);
  return (
    declaration +
    xml.build({
      package: {
        "@xmlns": nuspecNamespace,
        metadata: {
          id: m.id,
          version: m.version,
          title: m.title,
          authors: m.authors,
          projectUrl: m.projectUrl,
          packageSourceUrl: m.packageSourceUrl,
          requireLicenseAcceptance: false,
          tags: m.tags,
          summary: m.summary,
          description: m.description,
          releaseNotes: m.releaseNotes,
        },
      },
    })
  );
}

/** PowerShell single-quoted string: only the quote itself needs doubling. */
const ps = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * tools/chocolateyinstall.ps1: unpacks the release's windows amd64 zip, checked against its
 * sha256; Chocolatey then shims the .exe onto PATH. Chocolatey's helpers know only 32- and
 * 64-bit x86 URLs, so a windows arm64 build is not offered (Windows on Arm runs the amd64 one).
 */
function renderInstallScript(ctx: Context<ChocolateyOptions>): string {
  const artifact = findArtifact(ctx.manifest, "windows", "amd64");
  if (!artifact || artifact.format !== "zip") {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no windows amd64 zip for Chocolatey to install.",
      fix: "Add the windows/amd64 target to the build, or skip chocolatey for this project.",
    });
  }
  return [
    "$ErrorActionPreference = 'Stop'",
    "$toolsDir = Split-Path -Parent $MyInvocation.MyCommand.Definition",
    "",
    "$packageArgs = @{",
    "  packageName    = $env:ChocolateyPackageName",
    "  unzipLocation  = $toolsDir",
    `  url64bit       = ${ps(artifact.url)}`,
    `  checksum64     = ${ps(artifact.sha256)}`,
    "  checksumType64 = 'sha256'",
    "}",
    "",
    "Install-ChocolateyZipPackage @packageArgs",
    "",
  ].join("\r\n");
}

/** The Open Packaging Conventions parts NuGet expects beside the nuspec. */
function opcParts(ctx: Context<ChocolateyOptions>, nuspec: string) {
  const m = metadata(ctx);
  // NuGet names this part randomly; a name derived from the nuspec keeps the bytes stable.
  const corePath = `package/services/metadata/core-properties/${createHash("sha256").update(nuspec).digest("hex").slice(0, 32)}.psmdcp`;
  const contentTypes = xml.build({
    Types: {
      "@xmlns": "http://schemas.openxmlformats.org/package/2006/content-types",
      Default: [
        { "@Extension": "rels", "@ContentType": "application/vnd.openxmlformats-package.relationships+xml" },
        { "@Extension": "nuspec", "@ContentType": "application/octet" },
        { "@Extension": "ps1", "@ContentType": "application/octet" },
        { "@Extension": "psmdcp", "@ContentType": "application/vnd.openxmlformats-package.core-properties+xml" },
      ],
    },
  });
  const rels = xml.build({
    Relationships: {
      "@xmlns": "http://schemas.openxmlformats.org/package/2006/relationships",
      Relationship: [
        { "@Type": "http://schemas.microsoft.com/packaging/2010/07/manifest", "@Target": `/${m.id}.nuspec`, "@Id": "R0" },
        {
          "@Type": "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
          "@Target": `/${corePath}`,
          "@Id": "R1",
        },
      ],
    },
  });
  const core = xml.build({
    coreProperties: {
      "@xmlns:dc": "http://purl.org/dc/elements/1.1/",
      "@xmlns:dcterms": "http://purl.org/dc/terms/",
      "@xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
      "@xmlns": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
      "dc:creator": m.authors,
      "dc:description": m.description,
      "dc:identifier": m.id,
      version: m.version,
      keywords: m.tags,
      lastModifiedBy: "ferry",
    },
  });
  return { "[Content_Types].xml": declaration + contentTypes, "_rels/.rels": declaration + rels, [corePath]: declaration + core };
}

/** Packs `<id>.<version>.nupkg` into `dir`. */
export async function packNupkg(ctx: Context<ChocolateyOptions>, dir: string): Promise<Nupkg> {
  const { id, version } = metadata(ctx);
  const nuspec = renderNuspec(ctx);
  const parts: Record<string, string> = {
    [`${id}.nuspec`]: nuspec,
    "tools/chocolateyinstall.ps1": renderInstallScript(ctx),
    ...opcParts(ctx, nuspec),
  };
  const zip = new yazl.ZipFile();
  for (const name of Object.keys(parts).sort()) zip.addBuffer(Buffer.from(parts[name]!), name, { mtime: epoch, mode: 0o100644 });
  zip.end();
  const file = join(dir, `${id}.${version}.nupkg`);
  await pipeline(zip.outputStream as unknown as Readable, createWriteStream(file));
  const sha512 = createHash("sha512")
    .update(await readFile(file))
    .digest("base64");
  return { id, version, file, sha512, parts };
}
