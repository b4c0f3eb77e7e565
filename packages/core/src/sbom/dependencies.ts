import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { PackageURL } from "packageurl-js";
import type { Config } from "../config.ts";
import type { Target } from "../targets.ts";
import { cargoDependencies } from "./cargo.ts";
import { goDependencies } from "./go.ts";
import { npmDependencies, pnpmDependencies } from "./node.ts";

/** A package the released binary is built from, as its ecosystem names it. */
export interface Dependency {
  name: string;
  version: string;
  purl: PackageURL;
  /** Digests the ecosystem records for the package's contents, in hex. */
  hashes: { "SHA-256"?: string; "SHA-512"?: string };
}

/** What the SBOM reader of an archive needs: the project, the target and the binary taken out of the archive. */
export interface DependencyInput {
  config: Config;
  target: Target;
  /** Where the build ran (build.dir). */
  dir: string;
  /** Lazily extracts the archive's binary and returns its path. */
  binary: () => Promise<string>;
}

/** How each ecosystem is recognised (the first file found in build.dir wins) and read. */
const readers: Array<{ file: string; read: (input: DependencyInput) => Promise<Dependency[]> }> = [
  { file: "go.mod", read: goDependencies },
  { file: "Cargo.toml", read: cargoDependencies },
  { file: "package-lock.json", read: npmDependencies },
  { file: "pnpm-lock.yaml", read: pnpmDependencies },
];

/**
 * The packages a target's binary is made of, as the project's own tooling records them: Go's
 * build info in the binary, `cargo metadata` with Cargo.lock, or the npm/pnpm lockfile. A project
 * none of them describes has none to list.
 */
export async function dependenciesOf(input: Omit<DependencyInput, "dir">): Promise<Dependency[]> {
  const dir = resolve(input.config.project.dir, input.config.build.dir);
  for (const { file, read } of readers) {
    if (await exists(join(dir, file))) return read({ ...input, dir });
  }
  return [];
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A digest in base64 (Go's h1:, npm's integrity) as CycloneDX and SPDX want it: lowercase hex. */
export const base64Hex = (value: string) => Buffer.from(value, "base64").toString("hex");
