import { constants, createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { writeHashed } from "./archive.ts";
import { assetUrl } from "./build.ts";
import type { Config } from "./config.ts";
import { FerryError } from "./errors.ts";
import { installers } from "./installers.ts";
import { linuxPackages } from "./linux-packages/index.ts";
import { signsChecksums, type AssetFile, type ReleaseManifest } from "./manifest.ts";
import { sboms } from "./sbom/index.ts";
import { fillTemplate } from "./template.ts";
import type { Version } from "./version.ts";

export interface AssetInput {
  config: Config;
  version: Version;
  distDir: string;
  /** The release so far: its archives, already in distDir. */
  manifest: ReleaseManifest;
  /** Where release assets will be downloadable, e.g. https://github.com. */
  serverUrl: string;
  /** The release's SOURCE_DATE_EPOCH (source-date.ts), for dates in the files made. */
  sourceDate: Date;
  log: (message: string) => void;
}

/** A file an asset maker wrote into distDir, with the size and sha256 taken as it was written. */
export type MadeFile = Omit<AssetFile, "url">;

/** Makes release files after the archives are built; each file goes into distDir, hashed once as it is written. */
export type AssetMaker = (input: AssetInput) => Promise<MadeFile[]>;

/** The asset makers every build runs, in this order. */
const assetMakers: AssetMaker[] = [attachedFiles, linuxPackages, sboms, installers];

/**
 * Runs the asset makers and returns their files with download URLs. Two files of one name, or a
 * file named like an archive, like checksums.txt and manifest.json, or like their signatures
 * (checksums.txt.*), are refused.
 */
export async function makeAssets(input: AssetInput, makers = assetMakers): Promise<AssetFile[]> {
  const { config, version, manifest } = input;
  const taken = new Set(["checksums.txt", "manifest.json", ...manifest.artifacts.map((a) => a.name)]);
  const files: AssetFile[] = [];
  for (const make of makers) {
    for (const file of await make(input)) {
      if (taken.has(file.name) || signsChecksums(file.name)) {
        throw new FerryError("ConfigInvalid", {
          what: `Two release assets are named ${file.name}.`,
          fix: "Rename one of them (release.files, archives.name or the package settings in ferry.yaml).",
        });
      }
      taken.add(file.name);
      files.push({ ...file, url: assetUrl(input.serverUrl, config.project.repository, version.tag, file.name) });
    }
  }
  return files;
}

/** release.files: files the project attaches as they are (an npm tarball, an SBOM), copied into distDir. */
async function attachedFiles({ config, version, distDir }: AssetInput): Promise<MadeFile[]> {
  const values = { version: version.semver, tag: version.tag, project: config.project.name, binary: config.project.binary };
  const made: MadeFile[] = [];
  for (const [index, entry] of config.release.files.entries()) {
    const { path: template, kind = "file", os, arch } = typeof entry === "string" ? { path: entry } : entry;
    const source = resolve(config.project.dir, fillTemplate(template, values, `release.files.${index}`));
    const name = basename(source);
    await access(source, constants.R_OK).catch(() => {
      throw new FerryError("InputMissing", {
        what: `release.files lists ${template}, but ${source} does not exist or cannot be read.`,
        fix: "Create the file before `ferry release` (e.g. run `npm pack` first), or fix release.files in ferry.yaml.",
      });
    });
    const written = await writeHashed(createReadStream(source), join(distDir, name));
    made.push({ name, kind, ...(os ? { os } : {}), ...(arch ? { arch } : {}), ...written });
  }
  return made;
}
