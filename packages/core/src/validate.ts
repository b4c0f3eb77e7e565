import { stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { configInvalid, type Config } from "./config.ts";
import { asFerryError, FerryError } from "./errors.ts";
import { readManifest } from "./manifest.ts";
import type { Spoke } from "./orchestrator.ts";
import { targetName, targetValues, type Target } from "./targets.ts";
import { fillTemplate } from "./template.ts";
import type { Version } from "./version.ts";

export interface ValidateInput {
  config: Config;
  /** The registries this run selects. */
  spokes: readonly Spoke[];
  /** Whether the run builds (release, build and plan without --merge): the build's inputs are checked then. */
  builds: boolean;
  /** The release's version; absent for `ferry check` without --tag. */
  version?: Version | undefined;
  /**
   * The output directory and what the run does with it: `build` writes archives, manifest.json and
   * checksums.txt there; `read` takes its manifest.json when there is one (`ferry publish`).
   */
  output?: { dir: string; use: "build" | "read" } | undefined;
  env?: NodeJS.ProcessEnv;
}

/**
 * `ferry check`, the first step of every command: everything about a run's inputs that can be judged
 * before anything is built or sent: the files ferry.yaml names, the archive names each target gets,
 * the output directory, and each selected registry's own checks (the version it must take, names it
 * derives). Every problem found is reported at once; nothing is written.
 */
export async function validateRun(input: ValidateInput): Promise<void> {
  const { config, version } = input;
  const problems = input.builds
    ? [
        ...(await buildProblems(config, version)),
        ...(await archiveProblems(config, version)),
        ...(await releaseFileProblems(config, version)),
      ]
    : [];
  if (input.output) problems.push(...(await outputProblems(input.output.dir, input.output.use)));
  if (problems.length) throw configInvalid(config.path, problems);

  const refused: FerryError[] = [];
  for (const { adapter, options, common } of input.spokes) {
    const carried = adapter.targets;
    // A project without build targets releases only files; registries that need binaries say so themselves.
    if (carried && config.build.targets.length && !config.build.targets.some((t) => carried.includes(targetName(t)))) {
      refused.push(
        new FerryError("ConfigInvalid", {
          registry: adapter.name,
          what: `build.targets has none of the targets ${adapter.name} carries (${carried.join(", ")}).`,
          fix: `Add one of them to build.targets, or leave ${adapter.name} out.`,
        }),
      );
    }
    if (!adapter.validate) continue;
    const skipped = version?.isPrerelease && adapter.skipsPrereleases && !common.prerelease;
    const env = input.env ?? process.env;
    try {
      await adapter.validate({
        registry: adapter.name,
        options,
        project: config.project,
        version: skipped ? undefined : version,
        targets: config.build.targets,
        env: (name) => env[name],
      });
    } catch (error) {
      const ferry = asFerryError(error, adapter.name);
      if (ferry.exitCode !== 2) throw ferry;
      refused.push(ferry);
    }
  }
  if (refused.length === 1) throw refused[0]!;
  if (refused.length > 1) {
    const codes = new Set(refused.map((e) => e.code));
    throw new FerryError(codes.size === 1 ? refused[0]!.code : "ConfigInvalid", {
      what: `${refused.length} registries refuse this release's inputs:\n  - ${refused.map((e) => e.message).join("\n  - ")}\n`,
      fix: "Fix each one, or leave those registries out with --skip.",
    });
  }
}

const isDirectory = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => undefined,
  );
const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => undefined,
  );

async function buildProblems(config: Config, version: Version | undefined): Promise<string[]> {
  const { project, build } = config;
  const problems: string[] = [];
  if (build.command !== undefined) {
    const dir = resolve(project.dir, build.dir);
    const found = await isDirectory(dir);
    if (!found) problems.push(`build.dir: ${dir} ${found === false ? "is not a directory" : "does not exist"}`);
  }
  if (build.prebuilt !== undefined && version) {
    // A universal binary is joined from its slices' builds, which build.ts finds itself.
    for (const target of build.targets.filter((t) => t.arch !== "universal")) {
      const path = resolve(
        project.dir,
        fillTemplate(build.prebuilt, { ...templateValues(config, version, target), output: "" }, "build.prebuilt"),
      );
      if (!(await isFile(path))) problems.push(`build.prebuilt: no binary for ${targetName(target)} at ${path}`);
    }
  }
  return problems;
}

async function archiveProblems(config: Config, version: Version | undefined): Promise<string[]> {
  const { project, archives, build } = config;
  const problems: string[] = [];
  const binaries = new Set(build.targets.map((t) => binaryName(config, t)));
  for (const file of archives.files) {
    const path = resolve(project.dir, file);
    const found = await isFile(path);
    if (!found) problems.push(`archives.files: ${file} ${found === false ? "is not a file" : "does not exist"} (${path})`);
    if (binaries.has(basename(file))) problems.push(`archives.files: ${file} has the binary's name, ${basename(file)}`);
  }
  // Each target's archive must get a name of its own, or one upload would replace another.
  const owners = new Map<string, string>();
  for (const target of build.targets) {
    const platform = targetName(target);
    const name = archiveName(config, version, target);
    if (name.startsWith(".")) problems.push(`archives.name: renders ${name} for ${platform}, a hidden file name`);
    if (name === "manifest.json" || name === "checksums.txt") problems.push(`archives.name: renders ${name}, a name ferry uses itself`);
    const other = owners.get(name);
    if (other) problems.push(`archives.name: renders ${name} for both ${other} and ${platform}; include {{os}} and {{arch}}`);
    owners.set(name, platform);
  }
  return problems;
}

/** release.files are made before the release (`npm pack`, an SBOM): each must be there once the version names it. */
async function releaseFileProblems(config: Config, version: Version | undefined): Promise<string[]> {
  if (!version) return [];
  const values = { version: version.semver, tag: version.tag, project: config.project.name, binary: config.project.binary };
  const problems: string[] = [];
  for (const [index, entry] of config.release.files.entries()) {
    const template = typeof entry === "string" ? entry : entry.path;
    const path = resolve(config.project.dir, fillTemplate(template, values, `release.files.${index}`));
    const found = await isFile(path);
    if (!found) problems.push(`release.files: ${template} ${found === false ? "is not a file" : "does not exist"} (${path})`);
  }
  return problems;
}

async function outputProblems(dir: string, use: "build" | "read"): Promise<string[]> {
  const found = await isDirectory(dir);
  if (found === undefined) return [];
  if (!found) return [`output directory: ${dir} is not a directory`];
  const problems: string[] = [];
  for (const name of ["manifest.json", "checksums.txt"]) {
    const path = join(dir, name);
    if ((await isFile(path)) === false) problems.push(`output directory: ${path} is not a file`);
  }
  // `ferry publish` compares a local manifest of its tag with the release's; one of another tag (a
  // later release from the same checkout) is not read, but one that cannot be read has no tag to tell.
  if (use === "read" && !problems.length && (await isFile(join(dir, "manifest.json")))) {
    await readManifest(join(dir, "manifest.json")).catch((error: unknown) =>
      problems.push(`output directory: ${asFerryError(error).message}`),
    );
  }
  return problems;
}

const binaryName = (config: Config, target: Target) => `${config.project.binary}${target.os === "windows" ? ".exe" : ""}`;

/** The values a build's templates are filled with (build.ts fills the same ones). */
function templateValues(config: Config, version: Version, target: Target): Record<string, string> {
  return {
    ...targetValues(target),
    version: version.semver,
    tag: version.tag,
    project: config.project.name,
    binary: config.project.binary,
  };
}

/** The archive's file name for a target; without a tag, with a stand-in version (names differ by target either way). */
function archiveName(config: Config, version: Version | undefined, target: Target): string {
  const values = templateValues(config, version ?? ({ semver: "0.0.0", tag: "v0.0.0" } as Version), target);
  return `${fillTemplate(config.archives.name, values, "archives.name")}.${target.os === "windows" ? "zip" : "tar.gz"}`;
}
