import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { cratesVersion, FerryError, hashFile, type Context, type Version } from "@ferry/core";
import { parse } from "smol-toml";

const registry = "crates";
export const cratesIo = "sparse+https://index.crates.io/";

export interface CrateOptions {
  manifest: string;
  index?: string | undefined;
}

export interface Crate {
  name: string;
  version: string;
  /** Absolute path of Cargo.toml. */
  manifestPath: string;
  /** Where cargo builds, from `cargo metadata`. */
  targetDirectory: string;
}

/** The sparse index URL, always `sparse+…/`. */
export function indexUrl(ctx: Context<CrateOptions>): string {
  const url = ctx.options.index ?? ctx.env("FERRY_CRATES_INDEX") ?? cratesIo;
  if (!url.startsWith("sparse+http")) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `The index "${url}" is not a sparse index URL.`,
      why: "ferry reads crates through the sparse protocol only.",
      fix: "Set `index` (or FERRY_CRATES_INDEX) to a URL of the form sparse+https://host/path/.",
    });
  }
  return url.endsWith("/") ? url : `${url}/`;
}

/**
 * How cargo is pointed at the index: crates.io needs nothing; any other index becomes the
 * registry `ferry`, configured through the child's environment only (no file in CARGO_HOME).
 */
export function cargoRegistry(ctx: Context<CrateOptions>, token?: string): { args: string[]; env: Record<string, string> } {
  const url = indexUrl(ctx);
  const env: Record<string, string> = {};
  const home = ctx.env("CARGO_HOME");
  if (home) env.CARGO_HOME = home;
  if (url === cratesIo) {
    if (token) env.CARGO_REGISTRY_TOKEN = token;
    return { args: [], env };
  }
  env.CARGO_REGISTRIES_FERRY_INDEX = url;
  if (token) env.CARGO_REGISTRIES_FERRY_TOKEN = token;
  return { args: ["--registry", "ferry"], env };
}

type Manifest = { package?: { version?: unknown; workspace?: unknown }; workspace?: { package?: { version?: unknown } } };

const readToml = async (path: string) => parse(await readFile(path, "utf8")) as Manifest;

/**
 * The version Cargo.toml gives its package, read as cargo does: `version.workspace = true` takes the
 * workspace's `[workspace.package] version`, from the Cargo.toml that `package.workspace` names or
 * the nearest one above with a `[workspace]`; no version is cargo's 0.0.0.
 */
async function manifestVersion(manifest: string, path: string): Promise<string> {
  let file: Manifest;
  try {
    file = await readToml(path);
  } catch (error) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `${manifest} cannot be read as TOML.`,
      why: (error as Error).message.split("\n")[0],
      fix: "Fix Cargo.toml (`cargo metadata --no-deps` shows what cargo makes of it).",
    });
  }
  const version = file.package?.version;
  if (!file.package) throw noPackage(manifest);
  if (typeof version === "string") return version;
  if (version === undefined) return "0.0.0";
  const rootDir = typeof file.package.workspace === "string" ? resolve(dirname(path), file.package.workspace) : undefined;
  for (let dir = rootDir ?? dirname(path); ; dir = dirname(dir)) {
    const root = await readToml(join(dir, "Cargo.toml")).catch(() => undefined);
    const inherited = root?.workspace?.package?.version;
    if (root?.workspace) {
      if (typeof inherited === "string") return inherited;
      break;
    }
    if (rootDir || dir === dirname(dir)) break;
  }
  throw new FerryError("ConfigInvalid", {
    registry,
    what: `${manifest} takes its version from the workspace, but no workspace Cargo.toml above it has [workspace.package] version.`,
    fix: "Give the workspace's Cargo.toml `[workspace.package] version`, or the crate a version of its own.",
  });
}

const noPackage = (manifest: string) =>
  new FerryError("ConfigInvalid", {
    registry,
    what: `${manifest} has no [package] to publish.`,
    fix: "Point the option `manifest` at the Cargo.toml of the crate itself, not a virtual workspace manifest.",
  });

/**
 * Part of validation: the version in Cargo.toml must be the release's, because crates.io publishes
 * the version Cargo.toml says. Read from the file, before anything is built or sent.
 */
export async function checkManifestVersion(options: CrateOptions, path: string, version: Version): Promise<void> {
  const found = await manifestVersion(options.manifest, path);
  const expected = cratesVersion(version);
  if (found !== expected) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `registries.crates.manifest: ${options.manifest} says version ${found}, but the release is ${expected}.`,
      why: "crates.io publishes the version in Cargo.toml, and it must match the tag.",
      fix: `Set \`version = "${expected}"\` in ${options.manifest}, commit, and tag again.`,
    });
  }
}

/** The crate's name and version as `cargo metadata` reads them from Cargo.toml. */
export async function readMetadata(ctx: Context<CrateOptions>): Promise<Crate> {
  const manifestPath = resolve(ctx.project.dir, ctx.options.manifest);
  const { env } = cargoRegistry(ctx);
  const { stdout } = await ctx.exec("cargo", ["metadata", "--no-deps", "--format-version", "1", "--manifest-path", manifestPath], { env });
  const metadata = JSON.parse(stdout) as {
    packages: Array<{ name: string; version: string; manifest_path: string }>;
    target_directory: string;
  };
  const pkg = metadata.packages.find((p) => resolve(p.manifest_path) === manifestPath);
  if (!pkg) throw noPackage(ctx.options.manifest);
  return { name: pkg.name, version: pkg.version, manifestPath, targetDirectory: metadata.target_directory };
}

/** Runs `cargo package` and answers the .crate's path and sha256 (cargo's output is reproducible for the same sources). */
export async function packageCrate(
  ctx: Context<CrateOptions>,
  crate: Crate,
  { verify, targetDir }: { verify: boolean; targetDir: string },
) {
  const { args, env } = cargoRegistry(ctx);
  const flags = ["--manifest-path", crate.manifestPath, "--target-dir", targetDir, ...args, ...(verify ? [] : ["--no-verify"])];
  await ctx.exec("cargo", ["package", ...flags], { env });
  const path = join(targetDir, "package", `${crate.name}-${crate.version}.crate`);
  return { path, sha256: await hashFile(path) };
}

/** The files `cargo package` would put in the crate. */
export async function packageList(ctx: Context<CrateOptions>, crate: Crate): Promise<string> {
  const { args, env } = cargoRegistry(ctx);
  const { stdout } = await ctx.exec("cargo", ["package", "--list", "--manifest-path", crate.manifestPath, ...args], { env });
  return `${stdout.trim()}\n`;
}
