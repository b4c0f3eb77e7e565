import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import {
  configFiles,
  contentKey,
  cpuBound,
  FerryError,
  makeTempDir,
  npmVersion,
  placeFile,
  type Arch,
  type Artifact,
  type Context,
  type Os,
  type ValidateContext,
} from "@ferry/core";
import { create as createTar } from "tar";
import { nameProblem, type NpmOptions } from "./options.ts";

/** One package ready to publish: its manifest and its tarball, with npm's two checksums. */
export interface RenderedPackage {
  name: string;
  version: string;
  manifest: Record<string, unknown>;
  tarball: string;
  /** sha1 hex, npm's `dist.shasum`. */
  shasum: string;
  /** `sha512-<base64>`, npm's `dist.integrity`. */
  integrity: string;
}

export interface Rendering {
  /** Platform packages first, the main package last: publishing in this order never leaves the main package pointing at missing ones. */
  packages: RenderedPackage[];
  /** Text files a dry run shows, and the tarballs. */
  files: string[];
}

/** npm's platform names (Node's process.platform and process.arch) for the release's targets. */
const npmOs: Record<Os, string> = { linux: "linux", darwin: "darwin", windows: "win32", freebsd: "freebsd" };
const npmCpu: Record<Exclude<Arch, "universal">, string> = {
  "386": "ia32",
  amd64: "x64",
  arm64: "arm64",
  armv7: "arm",
  riscv64: "riscv64",
  ppc64le: "ppc64",
  s390x: "s390x",
};
/** The cpu values an artifact runs on: both of a universal binary's. */
const cpusOf = (artifact: Pick<Artifact, "arch">): string[] =>
  artifact.arch === "universal" ? [npmCpu.amd64, npmCpu.arm64] : [npmCpu[artifact.arch]];

/** The timestamp npm itself gives every tarball entry, so equal contents give equal bytes. */
const npmEpoch = new Date("1985-10-26T08:15:00.000Z");

const mainPackageName = (ctx: Pick<Context<NpmOptions>, "options" | "project">): string => ctx.options.package ?? ctx.project.name;

/** Refuses, before anything runs, package names npm would refuse: the main package's and each platform package's. */
export function checkNames(ctx: ValidateContext<NpmOptions>): void {
  if (ctx.options.directory) return; // the directory's package.json names the package
  const name = mainPackageName(ctx);
  for (const pkg of [name, ...ctx.targets.map((t) => platformName(name, t))]) {
    const problem = nameProblem(pkg);
    if (!problem) continue;
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${pkg}" is not a valid npm package name: ${problem}.`,
      why:
        pkg === name ? "It is registries.npm.package, or project.name when that is unset." : `It is the ${name} package for one platform.`,
      fix: "Set `package:` in the npm section of ferry.yaml, e.g. `package: @you/tool`.",
    });
  }
}

/**
 * Every package of this release, each packed once per content into the output directory's cache
 * and reused by every later step and run. With `dir` (prepare), the tarballs are placed there, with
 * the package.json files and the shim a dry run shows.
 */
export function render(ctx: Context<NpmOptions>, dir?: string): Promise<Rendering> {
  return ctx.options.directory ? renderDirectory(ctx, ctx.options.directory, dir) : renderBinaries(ctx, dir);
}

/** A file of a package: the artifact's binary, or a text. */
type Source = { artifact: Artifact } | { text: string };

/** What a package is made of: its manifest and its files (besides package.json), each with its mode. */
interface PackageSpec {
  manifest: Record<string, unknown> & { name: string; version: string };
  files: Array<{ path: string; mode: number; source: Source }>;
}

/** The esbuild layout: one package per platform holding its binary, and a main package whose shim runs the installed one. */
async function renderBinaries(ctx: Context<NpmOptions>, dir: string | undefined): Promise<Rendering> {
  const name = mainPackageName(ctx);
  const version = npmVersion(ctx.version);
  const { project } = ctx;
  const common = {
    version,
    description: project.description,
    license: project.license,
    homepage: project.homepage,
    repository: { type: "git", url: `git+https://github.com/${project.repository}.git` },
  };
  const artifacts = [...ctx.manifest.artifacts].sort((a, b) => platformName(name, a).localeCompare(platformName(name, b)));
  if (artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no binaries to put in npm packages.",
      fix: "Build at least one target, or publish an existing package with `directory:`.",
    });
  }

  const specs: PackageSpec[] = [];
  const platforms: Record<string, string> = {};
  for (const artifact of artifacts) {
    const pkgName = platformName(name, artifact);
    const os = npmOs[artifact.os];
    const cpus = cpusOf(artifact);
    // The shim's keys: `<platform> <arch>`, plus ` musl` for musl builds; a universal binary serves both arches unless one has its own.
    for (const cpu of cpus) {
      const key = `${os} ${cpu}${artifact.libc ? ` ${artifact.libc}` : ""}`;
      if (artifact.arch !== "universal" || !platforms[key]) platforms[key] = pkgName;
    }
    // npm installs only the libc's package when a linux arch has both a glibc and a musl build.
    const twin = artifacts.some((a) => a !== artifact && a.os === artifact.os && a.arch === artifact.arch);
    const manifest = {
      name: pkgName,
      ...common,
      description: `The ${project.binary} binary for ${os} ${cpus.join("+")}${artifact.libc ? ` ${artifact.libc}` : ""}; installed by ${name}.`,
      os: [os],
      cpu: cpus,
      ...(twin ? { libc: [artifact.libc ?? "glibc"] } : {}),
      // Yarn PnP would otherwise keep the binary inside a zip, where it cannot be run.
      preferUnplugged: true,
    };
    specs.push({ manifest, files: [{ path: `bin/${artifact.binary}`, mode: 0o755, source: { artifact } }] });
  }
  const manifest = {
    name,
    ...common,
    bin: { [project.binary]: `bin/${project.binary}.js` },
    optionalDependencies: Object.fromEntries([...new Set(Object.values(platforms))].sort().map((p) => [p, version])),
  };
  specs.push({
    manifest,
    files: [{ path: `bin/${project.binary}.js`, mode: 0o755, source: { text: renderShim(project.binary, platforms) } }],
  });

  const packages = await Promise.all(specs.map((spec) => pack(ctx, spec)));
  if (!dir) return { packages, files: [] };
  // What prepare leaves: each package's package.json and texts (the shim), which a dry run shows, and the tarballs.
  const files: string[] = [];
  for (const [i, { manifest, files: contents }] of specs.entries()) {
    const root = join(dir, "packages", flatName(manifest.name));
    await writeFile(join(await mkdirs(root), "package.json"), manifestText(manifest));
    files.push(join(root, "package.json"));
    for (const file of contents) {
      if (!("text" in file.source)) continue;
      await writeFile(join(await mkdirs(join(root, dirname(file.path))), basename(file.path)), file.source.text, { mode: file.mode });
      files.push(join(root, file.path));
    }
    packages[i] = await placeTarball(packages[i]!, dir);
  }
  return { packages, files: [...files, ...packages.map((p) => p.tarball)] };
}

const mkdirs = async (path: string) => (await mkdir(path, { recursive: true }), path);
const manifestText = (manifest: Record<string, unknown>) => `${JSON.stringify(manifest, null, 2)}\n`;

/** The package in `dir`, where prepare leaves it (linked to the cached tarball). */
async function placeTarball(pkg: RenderedPackage, dir: string): Promise<RenderedPackage> {
  const tarball = join(dir, basename(pkg.tarball));
  await placeFile(pkg.tarball, tarball);
  return { ...pkg, tarball };
}

/** `@hello/cli` → `@hello/cli-linux-x64`, `@hello/cli-linux-x64-musl`, `@hello/cli-darwin-universal`. */
const platformName = (name: string, artifact: Pick<Artifact, "os" | "arch" | "libc">): string =>
  `${name}-${npmOs[artifact.os]}-${artifact.arch === "universal" ? "universal" : npmCpu[artifact.arch]}${artifact.libc ? `-${artifact.libc}` : ""}`;

/** `@hello/cli` → `hello-cli`, as `npm pack` names files. */
const flatName = (name: string): string => name.replace(/^@/, "").replace("/", "-");

/**
 * The package's tarball, as npm makes it (package.json and the files under `package/`, gzipped),
 * byte-for-byte reproducible: packed once per content (the manifest, and each file's bytes: the
 * archive's sha256 for the binary) into the output directory's cache.
 */
async function pack(ctx: Context<NpmOptions>, { manifest, files }: PackageSpec): Promise<RenderedPackage> {
  const tarballName = `${flatName(manifest.name)}-${manifest.version}.tgz`;
  const identity = files.map(({ path, mode, source }) => ({
    path,
    mode,
    ...("text" in source ? { text: source.text } : { archive: source.artifact.sha256, binary: source.artifact.binary }),
  }));
  const key = contentKey("npm package", process.versions.zlib, manifest, identity);
  const { file, record } = await ctx.derived(key, tarballName, async (out) => {
    const root = await makeTempDir("npm");
    try {
      await writeFile(join(root, "package.json"), manifestText(manifest), { mode: 0o644 });
      await chmod(join(root, "package.json"), 0o644);
      for (const { path, mode, source } of files) {
        await mkdir(join(root, dirname(path)), { recursive: true });
        if ("text" in source) await writeFile(join(root, path), source.text);
        else await copyFile(await ctx.binary(source.artifact), join(root, path));
        await chmod(join(root, path), mode);
      }
      const entries = ["package.json", ...files.map((f) => f.path)].sort();
      // Compressed by zlib's stream, on libuv's thread pool: node-tar's own gzip runs on the main thread.
      const tar = createTar({ cwd: root, prefix: "package", portable: true, mtime: npmEpoch }, entries);
      await cpuBound(() => pipeline(tar, createGzip({ level: 9 }), portableGzipHeader(), createWriteStream(out)));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    ctx.log(`packed ${tarballName}`);
    return checksums(out);
  });
  return { name: manifest.name, version: manifest.version, manifest, tarball: file, shasum: record.shasum, integrity: record.integrity };
}

/**
 * Sets the gzip header's OS byte to 255 ("unknown"), as node-tar does for a portable tarball
 * (npm pack's), so that the tarball's bytes do not depend on the machine that packed it.
 */
function portableGzipHeader(): Transform {
  const osByte = 9;
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (offset <= osByte && offset + chunk.length > osByte) chunk[osByte - offset] = 255;
      offset += chunk.length;
      done(null, chunk);
    },
  });
}

async function checksums(file: string): Promise<{ sha256: string; shasum: string; integrity: string }> {
  const bytes = await readFile(file);
  return {
    sha256: createHash("sha256").update(bytes).digest("hex"),
    shasum: createHash("sha1").update(bytes).digest("hex"),
    integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
  };
}

/**
 * The main package's bin: finds the platform package npm installed (npm skips the others by their
 * os/cpu fields) and runs its binary with the same arguments, stdio and exit code. No postinstall,
 * so it works with --ignore-scripts.
 */
function renderShim(binary: string, platforms: Record<string, string>): string {
  const table = JSON.stringify(Object.fromEntries(Object.entries(platforms).sort()), null, 2);
  return `#!/usr/bin/env node
"use strict";
const { spawnSync } = require("node:child_process");

const platforms = ${table};
const platform = \`\${process.platform} \${process.arch}\`;
// Node on musl reports no glibc version; a musl build is preferred there, the other build elsewhere.
const musl = process.platform === "linux" && !process.report?.getReport().header.glibcVersionRuntime;
const pkg = musl ? platforms[\`\${platform} musl\`] ?? platforms[platform] : platforms[platform] ?? platforms[\`\${platform} musl\`];
if (!pkg) {
  console.error(\`${binary}: no prebuilt binary for \${platform}; available: \${Object.keys(platforms).join(", ")}.\`);
  process.exit(1);
}
const exe = process.platform === "win32" ? "${binary}.exe" : "${binary}";
let file;
try {
  file = require.resolve(\`\${pkg}/bin/\${exe}\`);
} catch {
  console.error(\`${binary}: the package \${pkg} is not installed. Reinstall without --omit=optional or --no-optional.\`);
  process.exit(1);
}
const result = spawnSync(file, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  console.error(\`${binary}: could not run \${file}: \${result.error.message}\`);
  process.exit(1);
}
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
`;
}

/** The directory's package, packed once per run (the directory is the project's: its files may change between runs). */
const packedDirectories = new WeakMap<Context<NpmOptions>, Promise<RenderedPackage>>();

/** Publishes an existing package directory as it is: `npm pack` without its lifecycle scripts. */
async function renderDirectory(ctx: Context<NpmOptions>, directory: string, dir: string | undefined): Promise<Rendering> {
  let packed = packedDirectories.get(ctx);
  if (!packed) {
    packed = packDirectory(ctx, directory);
    packedDirectories.set(ctx, packed);
    packed.catch(() => packedDirectories.delete(ctx));
  }
  const pkg = dir ? await placeTarball(await packed, dir) : await packed;
  return { packages: [pkg], files: dir ? [pkg.tarball] : [] };
}

async function packDirectory(ctx: Context<NpmOptions>, directory: string): Promise<RenderedPackage> {
  const root = resolve(ctx.project.dir, directory);
  const version = npmVersion(ctx.version);
  const manifest = await readDirectory(ctx, directory, version);
  const scratch = await makeTempDir("npm");
  try {
    const { stdout } = await ctx.exec("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], { cwd: root });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files?: Array<{ path: string }> }>;
    if (!packed) throw new FerryError("ToolFailed", { registry: ctx.registry, what: "npm pack reported no tarball." });
    refuseFerryFiles(
      ctx,
      directory,
      root,
      (packed.files ?? []).map((f) => f.path),
    );
    const tarball = join(scratch, packed.filename);
    const sums = await checksums(tarball);
    // Kept by its own content: the run's later steps, and a dry run's files, take it from the cache.
    const { file } = await ctx.derived(contentKey("npm pack", sums.sha256), packed.filename, async (out) => {
      await copyFile(tarball, out);
      return sums;
    });
    ctx.log(`packed ${packed.filename}`);
    return { name: manifest.name, version, manifest, tarball: file, shasum: sums.shasum, integrity: sums.integrity };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * A package packed from a directory that holds ferry's own files (the project's directory, `.`)
 * must leave them out: ferry.yaml and the output directory (archives, staging, rendered packages).
 * ferry refuses such a package rather than change what `npm pack` makes of the project.
 */
function refuseFerryFiles(ctx: Context<NpmOptions>, directory: string, root: string, packed: string[]): void {
  // ctx.outDir is <output>/registries/npm.
  const inside = (path: string) => relative(root, path).split(sep).join("/"); // npm pack names files with "/"
  const output = inside(resolve(ctx.outDir, "..", ".."));
  const ours = new Set(configFiles.map((name) => inside(join(ctx.project.dir, name))));
  const inOutput = (path: string) => !output.startsWith("..") && (path === output || path.startsWith(`${output}/`));
  const outputFiles = packed.filter(inOutput).length;
  const found = [...(outputFiles ? [`${output}/`] : []), ...packed.filter((path) => ours.has(path))];
  if (!found.length) return;
  throw new FerryError("ConfigInvalid", {
    registry: ctx.registry,
    what: `The package packed from ${directory} would carry ferry's own files: ${found.join(", ")}${outputFiles ? ` (${outputFiles} file${outputFiles === 1 ? "" : "s"} in ${output}/)` : ""}.`,
    why: "npm pack takes every file of the directory that .npmignore or package.json's files does not leave out, and ferry's output directory and ferry.yaml are not part of the package.",
    fix: `List what the package holds in package.json's "files" (e.g. "files": ["bin", "lib"]), or add ${found.join(" and ")} to ${directory === "." ? "" : `${directory}/`}.npmignore.`,
  });
}

type DirectoryContext = Pick<Context<NpmOptions>, "registry" | "options" | "project">;

/** The `directory:` package's package.json, checked against the release: its version (when known) and ferry.yaml's name. */
export async function readDirectory(
  ctx: DirectoryContext,
  directory: string,
  version: string | undefined,
): Promise<Record<string, unknown> & { name: string; version: string }> {
  const manifest = await readPackageJson(ctx, resolve(ctx.project.dir, directory));
  if (version !== undefined && manifest.version !== version) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `${directory}/package.json has version ${String(manifest.version)}, but the release is ${version}.`,
      why: "ferry publishes the directory as it is, so its version must be the release's.",
      fix: `Set "version": "${version}" in ${directory}/package.json (e.g. \`npm version ${version} --no-git-tag-version\`) and re-run.`,
    });
  }
  if (ctx.options.package && ctx.options.package !== manifest.name) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `${directory}/package.json is named ${String(manifest.name)}, but ferry.yaml says package: ${ctx.options.package}.`,
      fix: "Make the two names agree, or drop `package:` to use the directory's name.",
    });
  }
  return manifest;
}

async function readPackageJson(ctx: DirectoryContext, root: string): Promise<Record<string, unknown> & { name: string; version: string }> {
  const path = join(root, "package.json");
  const text = await readFile(path, "utf8").catch(() => undefined);
  const parsed = text === undefined ? undefined : parseJson(text);
  if (!parsed || typeof parsed.name !== "string" || typeof parsed.version !== "string") {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: `registries.npm.directory: ${path} is missing, is not JSON, or has no name and version.`,
      fix: "Point `directory:` at a package directory with a complete package.json.",
    });
  }
  return parsed as Record<string, unknown> & { name: string; version: string };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
