/** The large inputs of bench/tools.ts: a binary of many MiB, and a release of it (one linux/amd64 tar.gz and its manifest.json). */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeArchive } from "../packages/core/src/archive.ts";
import { writeManifest } from "../packages/core/src/manifest.ts";
import type { Project } from "../packages/core/src/registry.ts";

/** The project of the release: one binary, `big`. */
export const project: Project = {
  name: "big",
  description: "A large binary.",
  homepage: "https://example.com/big",
  license: "MIT",
  repository: "bench/big",
  binary: "big",
  author: "Bench <bench@example.com>",
  dir: "",
};

/** A binary of `mib` MiB (one random 1 MiB block, repeated), executable, as `big` in a fresh temp dir. */
export async function bigBinary(mib: number): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-bench-"));
  const file = join(dir, project.binary);
  const block = randomBytes(1 << 20);
  const out = createWriteStream(file);
  for (let i = 0; i < mib; i++) {
    if (!out.write(block)) await new Promise<void>((done) => out.once("drain", () => done()));
  }
  await new Promise<void>((done, fail) => out.end((error?: Error) => (error ? fail(error) : done())));
  await chmod(file, 0o755);
  return { dir, file };
}

/** Release `version` of the binary in `dir`: its tar.gz and manifest.json in `dist` (default `dir`/dist), which is returned. */
export async function bigRelease(dir: string, version = "1.0.0", dist = join(dir, "dist")): Promise<string> {
  await mkdir(dist, { recursive: true });
  const name = `big_${version}_linux_amd64.tar.gz`;
  const archived = await writeArchive("tar.gz", dir, [project.binary], join(dist, name));
  await writeManifest(join(dist, "manifest.json"), {
    schema: 1,
    project: project.name,
    version,
    tag: `v${version}`,
    repository: project.repository,
    url: `http://127.0.0.1:9/${project.repository}/releases/tag/v${version}`,
    artifacts: [
      { name, os: "linux", arch: "amd64", format: "tar.gz", binary: project.binary, ...archived, url: `http://127.0.0.1:9/${name}` },
    ],
  });
  return dist;
}
