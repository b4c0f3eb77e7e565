import { availableParallelism } from "node:os";
import { chmod, copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { execa } from "execa";
import pLimit from "p-limit";
import { writeArchive } from "./archive.ts";
import { makeAssets } from "./assets.ts";
import type { Config, Target } from "./config.ts";
import { FerryError } from "./errors.ts";
import { renderChecksums, writeManifest, type Artifact, type ReleaseManifest } from "./manifest.ts";
import { redact } from "./secrets.ts";
import { fillTemplate } from "./template.ts";
import type { Version } from "./version.ts";

export interface BuildInput {
  config: Config;
  version: Version;
  distDir: string;
  /** Where release assets will be downloadable, e.g. https://github.com. */
  serverUrl: string;
  /** Only these targets (a split build); all configured targets when absent. */
  targets?: Target[];
  log: (message: string) => void;
  signal?: AbortSignal;
}

/** The download URL of a release asset, known before the release exists. */
export const assetUrl = (serverUrl: string, repository: string, tag: string, name: string) =>
  `${serverUrl.replace(/\/$/, "")}/${repository}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(name)}`;

/**
 * Builds every target, archives it and hashes each archive as it is written, makes the other
 * release files (assets.ts), then writes manifest.json and checksums.txt into dist/. Returns the manifest.
 */
export async function buildRelease(input: BuildInput): Promise<ReleaseManifest> {
  const { config, version, distDir, log } = input;
  const targets = input.targets ?? config.build.targets;
  await mkdir(distDir, { recursive: true });
  const limit = pLimit(Math.max(1, Math.min(availableParallelism(), targets.length)));
  const artifacts = await Promise.all(targets.map((target) => limit(() => buildTarget(input, target))));
  const manifest: ReleaseManifest = {
    schema: 1,
    project: config.project.name,
    version: version.semver,
    tag: version.tag,
    repository: config.project.repository,
    url: `${input.serverUrl.replace(/\/$/, "")}/${config.project.repository}/releases/tag/${encodeURIComponent(version.tag)}`,
    artifacts,
  };
  const files = await makeAssets({ config, version, distDir, serverUrl: input.serverUrl, manifest, log });
  if (files.length) manifest.files = files;
  await writeManifest(join(distDir, "manifest.json"), manifest);
  await writeFile(join(distDir, "checksums.txt"), renderChecksums(manifest));
  log(`built ${artifacts.length} archive${artifacts.length === 1 ? "" : "s"} into ${distDir}`);
  return manifest;
}

async function buildTarget(input: BuildInput, { os, arch }: Target): Promise<Artifact> {
  const { config, version, distDir, log } = input;
  const { project, build, archives } = config;
  const ext = os === "windows" ? ".exe" : "";
  const binary = `${project.binary}${ext}`;
  const staging = join(distDir, ".build", `${os}_${arch}`);
  await mkdir(staging, { recursive: true });
  const output = join(staging, binary);
  const named = { os, arch, ext, version: version.semver, tag: version.tag, project: project.name, binary: project.binary };
  const values = { ...named, output };

  if (build.command) {
    log(`building ${os}/${arch}`);
    const env = Object.fromEntries(Object.entries(build.env).map(([k, v]) => [k, fillTemplate(v, values, `build.env.${k}`)]));
    const result = await execa(fillTemplate(build.command, values, "build.command"), {
      shell: true,
      cwd: resolve(project.dir, build.dir),
      env,
      reject: false,
      all: true,
      ...(input.signal ? { cancelSignal: input.signal } : {}),
    });
    if (result.failed) {
      throw new FerryError("BuildFailed", {
        what: `Building ${os}/${arch} failed (exit ${result.exitCode ?? result.signal}).`,
        why: redact(
          String(result.all ?? "")
            .trim()
            .slice(-2000),
        ),
        fix: "Run the build command from ferry.yaml by hand for this target and fix it.",
      });
    }
  } else {
    const source = resolve(project.dir, fillTemplate(build.prebuilt!, values, "build.prebuilt"));
    await copyFile(source, output).catch(() => {
      throw new FerryError("InputMissing", {
        what: `The prebuilt binary for ${os}/${arch} is not at ${source}.`,
        fix: "Build it first, or fix build.prebuilt in ferry.yaml.",
      });
    });
  }
  await chmod(output, 0o755).catch(() => {
    throw new FerryError("BuildFailed", {
      what: `The build for ${os}/${arch} did not write ${output}.`,
      fix: "Make the build command write its binary to {{output}}.",
    });
  });

  const extras: string[] = [];
  for (const file of archives.files) {
    await copyFile(resolve(project.dir, file), join(staging, basename(file))).catch(() => {
      throw new FerryError("InputMissing", {
        what: `archives.files lists ${file}, which does not exist.`,
        fix: "Fix archives.files in ferry.yaml.",
      });
    });
    extras.push(basename(file));
  }
  const format = os === "windows" ? "zip" : "tar.gz";
  const name = `${fillTemplate(archives.name, named, "archives.name")}.${format}`;
  const written = await writeArchive(format, staging, [binary, ...extras], join(distDir, name));
  return { name, os, arch, format, binary, ...written, url: assetUrl(input.serverUrl, project.repository, version.tag, name) };
}
