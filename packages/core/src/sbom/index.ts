import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { z } from "zod";
import { extractFile, writeHashed } from "../archive.ts";
import type { AssetInput, MadeFile } from "../assets.ts";
import { assetUrl } from "../build.ts";
import { parseTarget } from "../targets.ts";
import { dependenciesOf } from "./dependencies.ts";
import { cycloneDx } from "./cyclonedx.ts";
import { spdx } from "./spdx.ts";

export const sbomSchema = z.strictObject({
  format: z
    .enum(["cyclonedx", "spdx"])
    .default("cyclonedx")
    .meta({ description: "`cyclonedx` (CycloneDX 1.6 JSON, `<archive>.cdx.json`) or `spdx` (SPDX 2.3 JSON, `<archive>.spdx.json`)." }),
});
export type SbomOptions = z.infer<typeof sbomSchema>;

const formats = {
  cyclonedx: { suffix: ".cdx.json", write: cycloneDx },
  spdx: { suffix: ".spdx.json", write: spdx },
} as const;

/**
 * The sbom section's asset maker: one SBOM per archive, named after it, listing the packages its
 * binary is built from (sbom/dependencies.ts) and the archive itself with its sha256.
 */
export async function sboms({ config, version, distDir, manifest, serverUrl, sourceDate, log }: AssetInput): Promise<MadeFile[]> {
  const options = config.sbom;
  if (!options) return [];
  const { suffix, write } = formats[options.format];
  const made: MadeFile[] = [];
  for (const archive of [...manifest.artifacts].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const staging = join(distDir, ".sbom", archive.name);
    const binary = async () => {
      const out = join(staging, archive.binary);
      await extractFile(join(distDir, archive.name), archive.format, archive.binary, out);
      return out;
    };
    const target = parseTarget(`${archive.os}/${archive.arch}${archive.libc ? `-${archive.libc}` : ""}`)!;
    const dependencies = await dependenciesOf({ config, target, binary }).finally(() => rm(staging, { recursive: true, force: true }));
    dependencies.sort((a, b) => (a.purl.toString() < b.purl.toString() ? -1 : 1));
    const name = `${archive.name}${suffix}`;
    const url = assetUrl(serverUrl, config.project.repository, version.tag, name);
    const text = write({ project: config.project, version: version.semver, archive, url, time: sourceDate, dependencies });
    const written = await writeHashed(Readable.from([text]), join(distDir, name));
    made.push({ name, kind: "sbom", os: archive.os, arch: archive.arch, ...written });
  }
  await rm(join(distDir, ".sbom"), { recursive: true, force: true });
  if (made.length) log(`made ${made.length} SBOM${made.length === 1 ? "" : "s"}`);
  return made;
}
