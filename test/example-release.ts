/**
 * A sandbox release of examples/hello to all fourteen registries, for the tests that run whole
 * releases (fault matrix, kill-and-converge, canary): its ferry.yaml, a sandbox with every
 * registry's stand-in, a copy of the project for a tag, and the `--json` report of a run.
 */
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startSandbox, type Sandbox } from "@ferry/sandbox";
import { parse } from "yaml";
import type { FerryRun } from "./cli.ts";

export const registries = [
  "npm",
  "pypi",
  "crates",
  "docker",
  "snap",
  "chocolatey",
  "winget",
  "flathub",
  "homebrew",
  "scoop",
  "nix",
  "aur",
  "apt",
  "rpm",
];
const example = resolve(import.meta.dirname, "../examples/hello");

export type ExampleYaml = {
  project: { name: string; repository: string };
  release?: Record<string, unknown>;
  registries: Record<string, Record<string, unknown>>;
  [section: string]: unknown;
};

export const exampleYaml = async () => parse(await readFile(join(example, "ferry.yaml"), "utf8")) as ExampleYaml;

/** A sandbox with a stand-in for each of the fourteen registries, set up for examples/hello. */
export async function startExampleSandbox(yaml: ExampleYaml): Promise<Sandbox> {
  return startSandbox({ repository: yaml.project.repository, project: yaml.project.name, registries, options: yaml.registries });
}

/** Sets the crate's version to the tag's: crates.io takes only the version Cargo.toml says. */
export async function setCrateVersion(project: string, tag: string): Promise<void> {
  const crate = join(project, "crate", "Cargo.toml");
  await writeFile(crate, (await readFile(crate, "utf8")).replace(/^version = ".*"$/m, `version = "${tag.slice(1)}"`));
}

/** A copy of examples/hello in a new temporary directory (the caller removes it), ready to release `tag`. */
export async function copyExample(prefix: string, tag: string): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), prefix));
  await cp(example, project, { recursive: true });
  await setCrateVersion(project, tag);
  return project;
}

export interface Report {
  exitCode: number;
  release: { status: string; error?: string };
  targets: Array<{ registry: string; status: string; detail: string }>;
}

/** The JSON report a `--json` run printed (annotations, with GITHUB_ACTIONS=true, may follow it). */
export function jsonReport(run: FerryRun): Report {
  // The report's closing brace is the first one at the start of a line.
  const start = run.stdout.indexOf("{");
  const end = run.stdout.slice(start).search(/\n\}(\n|$)/);
  if (start < 0 || end < 0) throw new Error(`no JSON report:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout.slice(start, start + end + 2)) as Report;
}
