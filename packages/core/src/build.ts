import { chmod, copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { execa } from "execa";
import { writeArchive } from "./archive.ts";
import { makeAssets } from "./assets.ts";
import { checkBinary, joinUniversal } from "./binary-header.ts";
import type { Config } from "./config.ts";
import { cpuBound } from "./cpu.ts";
import { FerryError } from "./errors.ts";
import { renderChecksums, writeManifest, type Artifact, type ReleaseManifest } from "./manifest.ts";
import { redact } from "./secrets.ts";
import { sourceDateEpoch } from "./source-date.ts";
import { fillTemplate } from "./template.ts";
import { targetName, targetValues, universalSlices, type Target } from "./targets.ts";
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
  /** Stops the build: a running build command is killed (SIGTERM, then SIGKILL after 2s), none is started. */
  signal?: AbortSignal | undefined;
}

function stopIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new FerryError("Interrupted", { registry: "github", what: "Stopped by a signal while building." });
}

/** The download URL of a release asset, known before the release exists. */
export const assetUrl = (serverUrl: string, repository: string, tag: string, name: string) =>
  `${serverUrl.replace(/\/$/, "")}/${repository}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(name)}`;

/**
 * Builds every target, archives it and hashes each archive as it is written, makes the other
 * release files (assets.ts), then writes manifest.json and checksums.txt into the output directory. Returns the manifest.
 */
export async function buildRelease(input: BuildInput): Promise<ReleaseManifest> {
  const { config, version, distDir, log } = input;
  const targets = input.targets ?? config.build.targets;
  await mkdir(distDir, { recursive: true });
  // Each target's build commands and archive take their turns in the shared CPU pool.
  const epoch = await sourceDateEpoch(config.project.dir, version.tag);
  const artifacts = await Promise.all(targets.map((target) => buildTarget(input, target, epoch)));
  const manifest: ReleaseManifest = {
    schema: 1,
    project: config.project.name,
    version: version.semver,
    tag: version.tag,
    repository: config.project.repository,
    url: `${input.serverUrl.replace(/\/$/, "")}/${config.project.repository}/releases/tag/${encodeURIComponent(version.tag)}`,
    artifacts,
  };
  const files = await makeAssets({
    config,
    version,
    distDir,
    serverUrl: input.serverUrl,
    sourceDate: new Date(epoch * 1000),
    manifest,
    log,
  });
  if (files.length) manifest.files = files;
  await writeManifest(join(distDir, "manifest.json"), manifest);
  await writeFile(join(distDir, "checksums.txt"), renderChecksums(manifest));
  log(`built ${artifacts.length} archive${artifacts.length === 1 ? "" : "s"} into ${distDir}`);
  return manifest;
}

async function buildTarget(input: BuildInput, target: Target, epoch: number): Promise<Artifact> {
  const { config, version, distDir } = input;
  const { project, archives } = config;
  const { os, arch } = target;
  const values = { ...targetValues(target), version: version.semver, tag: version.tag, project: project.name, binary: project.binary };
  const binary = `${project.binary}${values.ext}`;
  const staging = join(distDir, ".build", `${os}_${values.arch}`);
  await mkdir(staging, { recursive: true });
  const output = join(staging, binary);
  if (arch === "universal") {
    // A universal binary is joined from a build of each slice, then read back like any other.
    const slices = await Promise.all(
      universalSlices.map(async (slice) => {
        const dir = join(staging, slice.arch);
        await mkdir(dir, { recursive: true });
        await compile(input, slice, join(dir, binary), epoch);
        return join(dir, binary);
      }),
    );
    await joinUniversal(slices, output);
    await checkBinary(output, target);
  } else {
    await compile(input, target, output, epoch);
  }

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
  const name = `${fillTemplate(archives.name, values, "archives.name")}.${format}`;
  const written = await cpuBound(() => writeArchive(format, staging, [binary, ...extras], join(distDir, name), new Date(epoch * 1000)));
  return {
    name,
    os,
    arch,
    ...(target.libc ? { libc: target.libc } : {}),
    format,
    binary,
    ...written,
    url: assetUrl(input.serverUrl, project.repository, version.tag, name),
  };
}

/** Runs the build command (or copies the prebuilt binary) for one target into `output`, and checks what it wrote. */
async function compile(input: BuildInput, target: Target, output: string, epoch: number): Promise<void> {
  const { config, version, log } = input;
  const { project, build } = config;
  const name = targetName(target);
  const values = {
    ...targetValues(target),
    version: version.semver,
    tag: version.tag,
    project: project.name,
    binary: project.binary,
    output,
  };

  if (build.command) {
    log(`building ${name}`);
    const env = {
      SOURCE_DATE_EPOCH: String(epoch),
      ...Object.fromEntries(Object.entries(build.env).map(([k, v]) => [k, fillTemplate(v, values, `build.env.${k}`)])),
    };
    const command = fillTemplate(build.command, values, "build.command");
    const result = await cpuBound(() => {
      stopIfAborted(input.signal);
      return execa(command, {
        shell: true,
        cwd: resolve(project.dir, build.dir),
        env,
        reject: false,
        all: true,
        ...(input.signal ? { cancelSignal: input.signal, forceKillAfterDelay: 2000 } : {}),
      });
    });
    stopIfAborted(input.signal);
    if (result.failed) {
      throw new FerryError("BuildFailed", {
        what: `Building ${name} failed (exit ${result.exitCode ?? result.signal}).`,
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
        what: `The prebuilt binary for ${name} is not at ${source}.`,
        fix: "Build it first, or fix build.prebuilt in ferry.yaml.",
      });
    });
  }
  await chmod(output, 0o755).catch(() => {
    throw new FerryError("BuildFailed", {
      what: `The build for ${name} did not write ${output}.`,
      fix: "Make the build command write its binary to {{output}}.",
    });
  });
  await checkBinary(output, target);
}
