import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { extractFile, writeHashed } from "../archive.ts";
import type { AssetInput, MadeFile } from "../assets.ts";
import { packageArch, type PackageFormat } from "./archs.ts";
import { debBytes } from "./deb.ts";
import { rpmBytes, rpmRelease } from "./rpm.ts";
import { packageSpec, packageTime, readPackageInputs, type PackageSpec } from "./spec.ts";

export { packagesSchema, type PackagesOptions } from "./spec.ts";

/** Each format's writer and the file name its packages get on the release. */
const formats: Record<PackageFormat, { write: (spec: PackageSpec) => Buffer; fileName: (spec: PackageSpec) => string }> = {
  deb: { write: debBytes, fileName: (s) => `${s.name}_${s.version}_${s.arch}.deb` },
  rpm: { write: rpmBytes, fileName: (s) => `${s.name}-${s.version}-${rpmRelease}.${s.arch}.rpm` },
};

/**
 * The packages section's asset maker: a package of each configured format for every linux
 * architecture, the binary taken from its archive (so a merged split build makes the same
 * packages). Where an architecture has a glibc and a musl build, the packages hold the glibc one.
 */
export async function linuxPackages({ config, version, distDir, manifest, log }: AssetInput): Promise<MadeFile[]> {
  const options = config.packages;
  if (!options) return [];
  const inputs = await readPackageInputs(config, options);
  const mtime = packageTime();
  const made: MadeFile[] = [];
  const linux = manifest.artifacts.filter((a) => a.os === "linux").sort((a, b) => (a.name < b.name ? -1 : 1));
  const chosen = linux.filter((a) => !a.libc || !linux.some((b) => b.arch === a.arch && !b.libc));
  for (const artifact of chosen) {
    const out = join(distDir, ".packages", artifact.arch, artifact.binary);
    await extractFile(join(distDir, artifact.name), artifact.format, artifact.binary, out);
    const binary = await readFile(out);
    await rm(join(distDir, ".packages", artifact.arch), { recursive: true, force: true });
    for (const format of options.formats) {
      const arch = packageArch(artifact.arch, format);
      const writer = formats[format];
      if (!arch) continue;
      const spec = packageSpec({ config, options, inputs, version, format, arch, binary, mtime });
      const name = writer.fileName(spec);
      const written = await writeHashed(Readable.from([writer.write(spec)]), join(distDir, name));
      made.push({ name, kind: format, os: "linux", arch: artifact.arch, ...written });
    }
  }
  if (made.length) log(`made ${made.length} linux package${made.length === 1 ? "" : "s"}`);
  return made;
}
