import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PackageURL } from "packageurl-js";
import { parse as parseYaml } from "yaml";
import { FerryError } from "../errors.ts";
import { base64Hex, type Dependency, type DependencyInput } from "./dependencies.ts";

/** package-lock.json (lockfile version 2 and 3): every installed package that is not a dev dependency or a link. */
export async function npmDependencies({ dir }: DependencyInput): Promise<Dependency[]> {
  const lock = JSON.parse(await readFile(join(dir, "package-lock.json"), "utf8")) as {
    lockfileVersion?: number;
    packages?: Record<string, { name?: string; version?: string; integrity?: string; dev?: boolean; link?: boolean }>;
  };
  if (!lock.packages)
    throw unsupported("package-lock.json", `lockfile version ${lock.lockfileVersion}`, "npm 7 or later (lockfile version 2 or 3)");
  const seen = new Set<string>();
  const found: Dependency[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.link || !entry.version) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    if (seen.has(`${name}@${entry.version}`)) continue;
    seen.add(`${name}@${entry.version}`);
    found.push(npmPackage(name, entry.version, entry.integrity));
  }
  return found;
}

interface PnpmLock {
  lockfileVersion?: string;
  importers?: Record<string, Record<string, Record<string, { version: string }>> | undefined>;
  packages?: Record<string, { resolution?: { integrity?: string } }>;
  snapshots?: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> } | null>;
}

/** pnpm-lock.yaml (lockfile version 9): the packages reached from the project's dependencies, not its devDependencies. */
export async function pnpmDependencies({ dir }: DependencyInput): Promise<Dependency[]> {
  const lock = parseYaml(await readFile(join(dir, "pnpm-lock.yaml"), "utf8")) as PnpmLock;
  if (!String(lock.lockfileVersion).startsWith("9")) {
    throw unsupported("pnpm-lock.yaml", `lockfile version ${lock.lockfileVersion}`, "pnpm 9 or later (lockfile version 9)");
  }
  const importer = lock.importers?.["."] ?? {};
  const queue = Object.entries({ ...importer.dependencies, ...importer.optionalDependencies }).map(([name, d]) => `${name}@${d.version}`);
  const reached = new Set<string>();
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    if (reached.has(key) || key.includes("@link:") || key.includes("@file:")) continue;
    reached.add(key);
    const snapshot = lock.snapshots?.[key];
    queue.push(
      ...Object.entries({ ...snapshot?.dependencies, ...snapshot?.optionalDependencies }).map(([name, version]) => `${name}@${version}`),
    );
  }
  const packages = new Map<string, Dependency>();
  for (const key of reached) {
    const id = key.replace(/\(.*$/, "");
    const at = id.lastIndexOf("@");
    if (at <= 0 || packages.has(id)) continue;
    packages.set(id, npmPackage(id.slice(0, at), id.slice(at + 1), lock.packages?.[id]?.resolution?.integrity));
  }
  return [...packages.values()];
}

function npmPackage(name: string, version: string, integrity: string | undefined): Dependency {
  const [scope, bare] = name.startsWith("@") ? name.split("/") : [undefined, name];
  const sha512 = integrity?.startsWith("sha512-") ? base64Hex(integrity.slice(7)) : undefined;
  return {
    name,
    version,
    purl: new PackageURL("npm", scope, bare, version, undefined, undefined),
    hashes: sha512 ? { "SHA-512": sha512 } : {},
  };
}

const unsupported = (file: string, found: string, wanted: string) =>
  new FerryError("InputMissing", {
    what: `The project's ${file} is ${found}, which ferry cannot read for an SBOM.`,
    fix: `Regenerate it with ${wanted}, or remove the sbom section from ferry.yaml.`,
  });
