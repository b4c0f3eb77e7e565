import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { extractFile, writeHashed } from "../archive.ts";
import type { AssetInput, MadeFile } from "../assets.ts";
import type { Config } from "../config.ts";
import { failedCheck, pass } from "../doctor.ts";
import { gpgSigner, type GpgSigner } from "../gpg.ts";
import type { Check } from "../registry.ts";
import type { Artifact } from "../manifest.ts";
import type { Arch } from "../targets.ts";
import { apkBytes, apkSigner, apkVersion } from "./apk.ts";
import { packageArch, type PackageFormat } from "./archs.ts";
import { debBytes } from "./deb.ts";
import { rpmBytes, rpmRelease } from "./rpm.ts";
import { packageSpec, packageTime, readPackageInputs, type PackageSpec } from "./spec.ts";

export { packagesSchema, type PackagesOptions } from "./spec.ts";

/** Each format's writer and the file name its packages get on the release. */
const formats: Record<
  PackageFormat,
  { write: (spec: PackageSpec, gpg?: GpgSigner) => Buffer | Promise<Buffer>; fileName: (spec: PackageSpec) => string }
> = {
  deb: { write: debBytes, fileName: (s) => `${s.name}_${s.version}_${s.arch}.deb` },
  rpm: { write: rpmBytes, fileName: (s) => `${s.name}-${s.version}-${rpmRelease}.${s.arch}.rpm` },
  apk: { write: (s) => apkBytes(s, apkSigner(s.name)), fileName: (s) => `${s.name}-${s.version}.${s.arch}.apk` },
};

/** A package the release gets: its file name on the release and what it holds. */
interface PlannedPackage {
  fileName: string;
  spec: PackageSpec;
  /** The ferry architecture of the linux build it packs. */
  arch: Arch;
}

/**
 * Every package of the packages section: one of each configured format for every linux
 * architecture, the binary taken from its archive (so a merged split build makes the same
 * packages). Where an architecture has a glibc and a musl build, the .deb and .rpm hold the glibc
 * one and the .apk (Alpine is a musl system) the musl one.
 */
async function plannedPackages({ config, version, distDir, manifest }: PackageInput): Promise<PlannedPackage[]> {
  const options = config.packages;
  if (!options) return [];
  const inputs = await readPackageInputs(config, options);
  const mtime = packageTime();
  const planned: PlannedPackage[] = [];
  const linux = manifest.artifacts.filter((a) => a.os === "linux").sort((a, b) => (a.name < b.name ? -1 : 1));
  const archs = [...new Set(linux.map((a) => a.arch))];
  const binaries = new Map<string, Buffer>();
  const binaryOf = async (artifact: Artifact) => {
    const out = join(distDir, ".packages", artifact.name, artifact.binary);
    if (!binaries.has(artifact.name)) {
      await extractFile(join(distDir, artifact.name), artifact.format, artifact.binary, out);
      binaries.set(artifact.name, await readFile(out));
      await rm(join(distDir, ".packages", artifact.name), { recursive: true, force: true });
    }
    return binaries.get(artifact.name)!;
  };
  for (const ferryArch of archs) {
    const builds = linux.filter((a) => a.arch === ferryArch);
    const glibc = builds.find((a) => !a.libc);
    const musl = builds.find((a) => a.libc === "musl");
    for (const format of options.formats) {
      const arch = packageArch(ferryArch, format);
      const artifact = format === "apk" ? (musl ?? glibc) : (glibc ?? musl);
      if (!arch || !artifact) continue;
      const binary = await binaryOf(artifact);
      const spec = packageSpec({ config, options, inputs, version, format, arch, binary, mtime });
      if (format === "apk") spec.version = apkVersion(version.semver);
      planned.push({ fileName: formats[format].fileName(spec), spec, arch: ferryArch });
    }
  }
  return planned;
}

type PackageInput = Pick<AssetInput, "config" | "version" | "distDir" | "manifest">;

/** The packages section's asset maker: writes every planned package into distDir. */
export async function linuxPackages(input: AssetInput): Promise<MadeFile[]> {
  const made: MadeFile[] = [];
  const planned = await plannedPackages(input);
  // The .rpm packages are signed with the repositories' key (FERRY_GPG_KEY) when it is set.
  const gpg = planned.some((p) => p.spec.format === "rpm") ? await gpgSigner() : undefined;
  for (const { fileName, spec, arch } of planned) {
    const written = await writeHashed(Readable.from([await formats[spec.format].write(spec, gpg)]), join(input.distDir, fileName));
    made.push({ name: fileName, kind: spec.format, os: "linux", arch, ...written });
  }
  if (made.length) input.log(`made ${made.length} linux package${made.length === 1 ? "" : "s"}`);
  return made;
}

/** What a package holds, as `ferry plan` shows it: its control data and every file with its mode. */
export interface PackageDetails {
  /** The package's file name on the release. */
  file: string;
  format: PackageFormat;
  name: string;
  /** The version as the format spells it (with RPM's release, Alpine's -r0). */
  version: string;
  arch: string;
  maintainer: string;
  summary: string;
  depends: string[];
  conflicts: string[];
  files: Array<{ path: string; mode: string; size: number }>;
}

/** The details of every package the release gets, from the same specs the packages are written from. */
export async function linuxPackageDetails(input: PackageInput): Promise<PackageDetails[]> {
  return (await plannedPackages(input)).map(({ fileName, spec }) => ({
    file: fileName,
    format: spec.format,
    name: spec.name,
    version: spec.format === "rpm" ? `${spec.version}-${rpmRelease}` : spec.version,
    arch: spec.arch,
    maintainer: spec.maintainer,
    summary: spec.summary,
    depends: spec.depends,
    conflicts: spec.conflicts,
    files: spec.files.map((f) => ({ path: f.path, mode: f.mode.toString(8).padStart(4, "0"), size: f.data.length })),
  }));
}

/** `ferry doctor`'s checks of the packages section: the .rpm and .apk signing keys, for the formats it makes. */
export async function packagesDoctor(config: Config, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const options = config.packages;
  const checks: Check[] = [];
  if (options?.formats.includes("rpm")) {
    try {
      const signer = await gpgSigner(env);
      checks.push(
        pass(
          "rpm signing key",
          signer ? `FERRY_GPG_KEY signs the .rpm as ${signer.description}` : "FERRY_GPG_KEY is not set: the .rpm packages are unsigned",
        ),
      );
    } catch (error) {
      checks.push(failedCheck("rpm signing key", error));
    }
  }
  if (options?.formats.includes("apk")) {
    const name = options.name ?? config.project.name;
    try {
      const signer = apkSigner(name, env);
      checks.push(
        pass(
          "apk signing key",
          signer ? `APK_PRIVATE_KEY signs the .apk as ${signer.keyName}` : "APK_PRIVATE_KEY is not set: the .apk packages are unsigned",
        ),
      );
    } catch (error) {
      checks.push(failedCheck("apk signing key", error));
    }
  }
  return checks;
}
