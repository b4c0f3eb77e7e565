import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { PackageURL } from "packageurl-js";
import { parse as parseToml } from "smol-toml";
import { FerryError } from "../errors.ts";
import { targetValues } from "../targets.ts";
import type { Dependency, DependencyInput } from "./dependencies.ts";

interface Metadata {
  packages: Array<{ id: string; name: string; version: string; source: string | null }>;
  workspace_members: string[];
  workspace_root: string;
  resolve: { nodes: Array<{ id: string; deps: Array<{ pkg: string; dep_kinds: Array<{ kind: string | null }> }> }> } | null;
}

/**
 * The crates a Rust target's binary links: `cargo metadata` for that target's triple (only normal
 * dependencies, followed from the workspace's members; dev and build dependencies are not in the
 * binary), with each crate's checksum from Cargo.lock.
 */
export async function cargoDependencies({ dir, target }: DependencyInput): Promise<Dependency[]> {
  const args = ["metadata", "--format-version", "1", "--locked", "--offline", "--filter-platform", targetValues(target).triple];
  const result = await execa("cargo", args, { cwd: dir, reject: false, all: true });
  if (result.failed) {
    throw new FerryError("ToolFailed", {
      what: `\`cargo ${args.join(" ")}\` failed in ${dir}.`,
      why: String(result.all ?? result.message)
        .trim()
        .slice(-2000),
      fix: "Commit an up-to-date Cargo.lock and fetch the crates before the release (`cargo fetch`).",
    });
  }
  const metadata = JSON.parse(result.stdout) as Metadata;
  const checksums = await lockChecksums(metadata.workspace_root);
  const nodes = new Map(metadata.resolve?.nodes.map((node) => [node.id, node]));
  const members = new Set(metadata.workspace_members);
  const reached = new Set<string>();
  const queue = [...members];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const dep of nodes.get(id)?.deps ?? []) {
      if (reached.has(dep.pkg) || !dep.dep_kinds.some((kind) => kind.kind === null)) continue;
      reached.add(dep.pkg);
      queue.push(dep.pkg);
    }
  }
  return metadata.packages
    .filter((p) => reached.has(p.id) && !members.has(p.id))
    .map((p) => {
      const checksum = checksums.get(`${p.name} ${p.version}`);
      return {
        name: p.name,
        version: p.version,
        purl: new PackageURL("cargo", undefined, p.name, p.version, undefined, undefined),
        hashes: checksum ? { "SHA-256": checksum } : {},
      };
    });
}

/** Cargo.lock's checksum (the .crate file's SHA-256) of every registry crate, by `name version`. */
async function lockChecksums(dir: string): Promise<Map<string, string>> {
  const text = await readFile(join(dir, "Cargo.lock"), "utf8").catch(() => "");
  const lock = parseToml(text) as { package?: Array<{ name: string; version: string; checksum?: string }> };
  return new Map((lock.package ?? []).filter((p) => p.checksum).map((p) => [`${p.name} ${p.version}`, p.checksum!]));
}
