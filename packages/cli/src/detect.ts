import { access, readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { execa } from "execa";
import { parse as parseToml } from "smol-toml";

/** What `ferry init` found in a directory: enough to write a ferry.yaml and a release workflow. */
export interface Project {
  kind: "go" | "rust" | "node" | "plain";
  name: string;
  description: string;
  license: string;
  homepage: string;
  /** `owner/name` on GitHub; `OWNER/NAME` when nothing told. */
  repository: string;
  repositoryKnown: boolean;
  binary: string;
  /** README and LICENSE files that exist, for the archives. */
  files: string[];
  /** Go: the main package (`.` or `./cmd/<name>`). */
  goPackage?: string;
  /** Node: the package's own name (may be scoped) and its bin script. */
  npmPackage?: string;
  nodeBin?: string;
  /** Node: a package-lock.json exists, so the workflow can run `npm ci`. */
  npmLock?: boolean;
  /** Node: package.json lists the package's files (`files`), so nothing else is packed. */
  npmFiles?: boolean;
}

const placeholderRepository = "OWNER/NAME";

/** Detects a Go module, Cargo crate or Node package in `dir`, else a plain project. */
export async function detectProject(dir: string, env: NodeJS.ProcessEnv): Promise<Project> {
  const plain: Found = { kind: "plain", name: basename(dir) };
  const found = (await fromGoMod(dir)) ?? (await fromCargoToml(dir)) ?? (await fromPackageJson(dir)) ?? plain;
  const name = projectName(found.name);
  const repository = (await gitHubRemote(dir)) ?? gitHubRepository(env.GITHUB_REPOSITORY) ?? found.repository;
  const files = await existing(dir, ["README.md", "README", "LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"]);
  return {
    kind: found.kind,
    name,
    description: found.description || (await readmeSummary(dir)) || `The ${name} command-line tool.`,
    license: found.license || (await licenseOf(dir, files)) || "NOASSERTION",
    homepage: found.homepage || `https://github.com/${repository ?? placeholderRepository}`,
    repository: repository ?? placeholderRepository,
    repositoryKnown: repository !== undefined,
    binary: projectName(found.binary ?? found.name),
    files,
    goPackage: found.goPackage,
    npmPackage: found.npmPackage,
    nodeBin: found.nodeBin,
    npmLock: found.npmLock,
    npmFiles: found.npmFiles,
  };
}

type Found = Partial<Omit<Project, "kind" | "name">> & Pick<Project, "kind" | "name">;

async function fromGoMod(dir: string): Promise<Found | undefined> {
  const text = await readText(join(dir, "go.mod"));
  const module = text?.match(/^module\s+"?([^\s"]+)"?/m)?.[1];
  if (!module) return undefined;
  // github.com/acme/hello/v2: the name is the last element that is not a major-version suffix.
  const parts = module.split("/").filter((p) => !/^v\d+$/.test(p));
  const name = parts.at(-1) ?? basename(dir);
  return { kind: "go", name, repository: gitHubRepository(module), goPackage: await goMainPackage(dir, name) };
}

/** `.` when main.go is at the root, else the one (or the like-named) directory under cmd/. */
async function goMainPackage(dir: string, name: string): Promise<string> {
  if (await exists(join(dir, "main.go"))) return ".";
  const commands = await readdir(join(dir, "cmd"), { withFileTypes: true }).then(
    (entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name),
    (): string[] => [],
  );
  const command = commands.includes(name) ? name : commands.length === 1 ? commands[0] : undefined;
  return command ? `./cmd/${command}` : ".";
}

async function fromCargoToml(dir: string): Promise<Found | undefined> {
  const text = await readText(join(dir, "Cargo.toml"));
  if (text === undefined) return undefined;
  const manifest = parseToml(text) as { package?: Record<string, unknown>; bin?: Array<{ name?: unknown }> };
  const pkg = manifest.package ?? {};
  const name = typeof pkg.name === "string" ? pkg.name : basename(dir);
  const bin = manifest.bin?.find((b) => typeof b.name === "string")?.name as string | undefined;
  return {
    kind: "rust",
    name,
    binary: bin ?? name,
    description: stringOf(pkg.description),
    license: stringOf(pkg.license),
    homepage: stringOf(pkg.homepage),
    repository: gitHubRepository(stringOf(pkg.repository)),
  };
}

async function fromPackageJson(dir: string): Promise<Found | undefined> {
  const text = await readText(join(dir, "package.json"));
  if (text === undefined) return undefined;
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const npmPackage = stringOf(pkg.name) ?? basename(dir);
  const name = npmPackage.replace(/^@[^/]+\//, "");
  const bins: Array<[string, string]> =
    typeof pkg.bin === "string" ? [[name, pkg.bin]] : Object.entries((pkg.bin ?? {}) as Record<string, string>);
  const repository = typeof pkg.repository === "object" && pkg.repository ? (pkg.repository as { url?: unknown }).url : pkg.repository;
  return {
    kind: "node",
    name,
    npmPackage,
    binary: bins[0]?.[0],
    nodeBin: bins[0]?.[1].replace(/^\.\//, ""),
    description: stringOf(pkg.description),
    license: stringOf(pkg.license),
    homepage: stringOf(pkg.homepage),
    repository: gitHubRepository(stringOf(repository)),
    npmLock: await exists(join(dir, "package-lock.json")),
    npmFiles: Array.isArray(pkg.files),
  };
}

/** `owner/name` from the origin remote, when it is on github.com. */
async function gitHubRemote(dir: string): Promise<string | undefined> {
  const result = await execa("git", ["remote", "get-url", "origin"], { cwd: dir, reject: false });
  return result.exitCode === 0 ? gitHubRepository(result.stdout.trim()) : undefined;
}

/**
 * `owner/name` from the forms a GitHub repository is written in: https and ssh URLs, scp-like
 * `git@github.com:owner/name.git`, npm's `github:owner/name`, a Go module path, or `owner/name`.
 */
export function gitHubRepository(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match =
    value.match(/^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com\/([\w-]+)\/([\w.-]+?)(?:\.git)?\/?$/) ??
    value.match(/^(?:[^@/]+@)?github\.com[:/]([\w-]+)\/([\w.-]+?)(?:\.git)?(?:\/.*)?$/) ??
    // GitHub owners have no dots, which keeps a Go module path like example.com/hello out.
    value.match(/^(?:github:)?([\w-]+)\/([\w.-]+)$/);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** ferry.yaml's project names are lowercase letters, digits, `.`, `_` and `-`. */
function projectName(value: string): string {
  const name = value
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "");
  return name || "app";
}

/** The README's first paragraph line (not a heading, badge, HTML or code), as the description. */
async function readmeSummary(dir: string): Promise<string | undefined> {
  for (const file of ["README.md", "README"]) {
    const text = await readText(join(dir, file));
    const line = text
      ?.split("\n")
      .map((l) => l.trim())
      .find((l) => l && !/^([#[!<>`=|-]|\*\s)/.test(l));
    if (line) return line.length > 200 ? `${line.slice(0, 197)}...` : line;
  }
  return undefined;
}

/** The SPDX identifier of the common license texts, from their first lines. */
async function licenseOf(dir: string, files: string[]): Promise<string | undefined> {
  const file = files.find((f) => /^(LICENSE|COPYING)/.test(f));
  const head = file ? (await readText(join(dir, file)))?.slice(0, 2000) : undefined;
  if (!head) return undefined;
  const known: Array<[RegExp, string]> = [
    [/MIT License|Permission is hereby granted, free of charge/i, "MIT"],
    [/Apache License[\s\S]*Version 2\.0/i, "Apache-2.0"],
    [/Mozilla Public License[\s\S]*2\.0/i, "MPL-2.0"],
    [/GNU AFFERO GENERAL PUBLIC LICENSE[\s\S]*Version 3/i, "AGPL-3.0-only"],
    [/GNU LESSER GENERAL PUBLIC LICENSE[\s\S]*Version 3/i, "LGPL-3.0-only"],
    [/GNU GENERAL PUBLIC LICENSE[\s\S]*Version 3/i, "GPL-3.0-only"],
    [/GNU GENERAL PUBLIC LICENSE[\s\S]*Version 2/i, "GPL-2.0-only"],
    [/ISC License/i, "ISC"],
    [/unlicense|released into the public domain/i, "Unlicense"],
  ];
  return known.find(([pattern]) => pattern.test(head))?.[1] ?? (/BSD/.test(head) ? bsd(head) : undefined);
}

function bsd(head: string): string {
  return /3-Clause|Neither the name/i.test(head) ? "BSD-3-Clause" : "BSD-2-Clause";
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, "utf8").catch(() => undefined);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function existing(dir: string, names: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) if (await exists(join(dir, name))) found.push(name);
  return found;
}
