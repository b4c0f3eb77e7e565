import { access, copyFile, mkdir, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { asFerryError, FerryError } from "./errors.ts";
import { targetName, type Target } from "./targets.ts";
import { readManifest, renderChecksums, writeManifest, type Artifact, type AssetFile, type ReleaseManifest } from "./manifest.ts";

/**
 * Joins the partial manifests of a split build (one `ferry build --target` per runner) into
 * the output directory: copies each archive and release file, and writes manifest.json and checksums.txt exactly
 * as a single-machine build would. Partial builds of another release, two different archives for
 * the same name or platform, or two different files of one name, are refused. A file every runner
 * makes alike (an installer, an attached file) is kept once. A configured target that no partial
 * build holds is refused too, unless `allowMissing` names it: a release is never silently short.
 */
export async function mergeBuilds(
  dirs: string[],
  distDir: string,
  tag: string,
  expected: { targets: Target[]; allowMissing: Target[] },
): Promise<ReleaseManifest> {
  if (!dirs.length) {
    throw new FerryError("UsageInvalid", {
      what: "--merge needs the directories of the partial builds.",
      fix: "Pass them after --merge, e.g. `ferry release --merge dist-*`.",
    });
  }
  const parts = await Promise.all(dirs.map(async (dir) => ({ dir, manifest: await readPartial(dir) })));
  const [first] = parts;
  if (first!.manifest.tag !== tag) throw conflict(`${first!.dir} holds a build of ${first!.manifest.tag}, not ${tag}.`);
  const byName = new Map<string, { dir: string; artifact: Artifact }>();
  const byPlatform = new Map<string, string>();
  const files = new Map<string, { dir: string; file: AssetFile }>();
  for (const { dir, manifest } of parts) {
    for (const key of ["project", "version", "tag", "repository", "url"] as const) {
      if (manifest[key] !== first!.manifest[key]) {
        throw conflict(`${dir} is a build of ${key} "${manifest[key]}", but ${first!.dir} is of "${first!.manifest[key]}".`);
      }
    }
    for (const artifact of manifest.artifacts) {
      const seen = byName.get(artifact.name);
      if (seen && seen.artifact.sha256 !== artifact.sha256) {
        throw conflict(`${artifact.name} was built twice with different contents (in ${seen.dir} and ${dir}).`);
      }
      const platform = targetName(artifact);
      const other = byPlatform.get(platform);
      if (other && other !== artifact.name) throw conflict(`${platform} was built twice, as ${other} and ${artifact.name}.`);
      byPlatform.set(platform, artifact.name);
      byName.set(artifact.name, { dir, artifact });
    }
    for (const file of manifest.files ?? []) {
      const seen = files.get(file.name);
      if (seen && seen.file.sha256 !== file.sha256)
        throw conflict(`${file.name} was made twice with different contents (in ${seen.dir} and ${dir}).`);
      files.set(file.name, { dir, file });
    }
  }
  const allowed = new Set(expected.allowMissing.map(targetName));
  const missing = expected.targets.map(targetName).filter((t) => !byPlatform.has(t) && !allowed.has(t));
  if (missing.length) {
    throw new FerryError("InputMissing", {
      what: `The partial builds lack ${missing.join(", ")}, which build.targets lists.`,
      why: `They hold ${[...byPlatform.keys()].sort().join(", ") || "no archives"}; a runner's build may have failed or not been downloaded.`,
      fix: `Pass the missing runners' output directories to --merge, or release without them with ${missing.map((t) => `--allow-missing ${t}`).join(" ")}.`,
    });
  }
  await mkdir(distDir, { recursive: true });
  const assets = [...byName.values()].map(({ dir, artifact }) => ({ dir, name: artifact.name }));
  assets.push(...[...files.values()].map(({ dir, file }) => ({ dir, name: file.name })));
  await Promise.all(assets.map(({ dir, name }) => copyFile(join(dir, name), join(distDir, basename(name)))));
  const manifest: ReleaseManifest = { ...first!.manifest, artifacts: [...byName.values()].map((v) => v.artifact) };
  delete manifest.files;
  if (files.size) manifest.files = [...files.values()].map((v) => v.file);
  await writeManifest(join(distDir, "manifest.json"), manifest);
  await writeFile(join(distDir, "checksums.txt"), renderChecksums(manifest));
  return manifest;
}

/** A partial build's manifest; a directory that is not one is bad input, not a crash. */
async function readPartial(dir: string): Promise<ReleaseManifest> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const path = join(dir, "manifest.json");
  if (
    !isDir ||
    !(await access(path).then(
      () => true,
      () => false,
    ))
  ) {
    throw new FerryError("InputMissing", {
      what: `--merge ${dir}: ${isDir ? "it holds no manifest.json" : "no such directory"}.`,
      why: "Each directory given to --merge is the output directory (.ferry/) of one `ferry build --target …` run.",
      fix: "Download every runner's output directory (e.g. with actions/download-artifact) and pass those directories.",
    });
  }
  return readManifest(path).catch((error: unknown) => {
    throw new FerryError("InputMissing", {
      what: `--merge ${dir}: ${asFerryError(error).message}`,
      fix: "Pass the dist/ of a `ferry build --target …` run as it left it.",
    });
  });
}

const conflict = (what: string) =>
  new FerryError("InputMissing", {
    what,
    fix: "Merge the partial builds of one tag, each target built once (`ferry build --target <os>/<arch>`).",
  });
