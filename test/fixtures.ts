import { chmod, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseVersion,
  writeArchive,
  writeManifest,
  type Arch,
  type Os,
  type Project,
  type ReleaseManifest,
  type Version,
} from "@ferry/core";

export interface FixtureRelease {
  project: Project;
  version: Version;
  manifest: ReleaseManifest;
  /** Holds the archives and manifest.json, as `ferry build` leaves its output directory. */
  distDir: string;
}

export interface FixtureOptions {
  /** @default "1.2.3" */
  version?: string;
  /** @default every os/arch pair */
  targets?: Array<[Os, Arch]>;
  /** Where the release assets will be downloadable from. @default "http://127.0.0.1:9" */
  serverUrl?: string;
  /** @default "ferry-test/hello" */
  repository?: string;
  /** Changes the binaries' bytes, to make a conflicting release of the same version. */
  marker?: string;
  /** @default "hello" */
  name?: string;
}

const allTargets: Array<[Os, Arch]> = [
  ["linux", "amd64"],
  ["linux", "arm64"],
  ["darwin", "amd64"],
  ["darwin", "arm64"],
  ["windows", "amd64"],
  ["windows", "arm64"],
];

/**
 * A small release as the hub leaves it: per target a real archive holding an executable (a shell
 * script that prints `<name> <version>`, runnable on this machine), and manifest.json.
 */
export async function makeRelease(options: FixtureOptions = {}): Promise<FixtureRelease> {
  const {
    version: semver = "1.2.3",
    targets = allTargets,
    serverUrl = "http://127.0.0.1:9",
    repository = "ferry-test/hello",
    marker = "",
    name = "hello",
  } = options;
  const version = parseVersion(`v${semver}`);
  const root = await mkdtemp(join(tmpdir(), "ferry-fixture-"));
  const distDir = join(root, ".ferry");
  await mkdir(distDir, { recursive: true });
  const artifacts: ReleaseManifest["artifacts"] = [];
  for (const [os, arch] of targets) {
    const staging = join(root, "build", `${os}_${arch}`);
    await mkdir(staging, { recursive: true });
    const binary = os === "windows" ? `${name}.exe` : name;
    await writeFile(join(staging, binary), `#!/bin/sh\n# ${os}/${arch}${marker}\necho "${name} ${version.semver}"\n`);
    await chmod(join(staging, binary), 0o755);
    const format = os === "windows" ? "zip" : "tar.gz";
    const file = `${name}_${version.semver}_${os}_${arch}.${format}`;
    const written = await writeArchive(format, staging, [binary], join(distDir, file));
    artifacts.push({
      name: file,
      os,
      arch,
      format,
      binary,
      ...written,
      url: `${serverUrl}/${repository}/releases/download/${version.tag}/${file}`,
    });
  }
  const manifest: ReleaseManifest = {
    schema: 1,
    project: name,
    version: version.semver,
    tag: version.tag,
    repository,
    url: `${serverUrl}/${repository}/releases/tag/${version.tag}`,
    artifacts,
  };
  await writeManifest(join(distDir, "manifest.json"), manifest);
  const project: Project = {
    name,
    description: "Says hello and prints its version.",
    homepage: `https://example.com/${name}`,
    license: "MIT",
    repository,
    binary: name,
    author: "Ferry Test <test@example.com>",
    dir: root,
  };
  return { project, version, manifest, distDir };
}
