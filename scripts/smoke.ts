/**
 * A smoke test of the packages as users install them, under one Node: builds them, installs both
 * tarballs globally into a temporary prefix with npm, then runs `ferry --version`, `ferry plan`
 * and a release of a small project into the sandbox (GitHub and npm stand-ins).
 * Usage: tsx scripts/smoke.ts [path/to/node]  (default: the Node running this script)
 * .ci/run runs it under Node 24; the CI workflow on macOS and Windows runners.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const node = resolve(process.argv[2] ?? process.execPath);
const windows = process.platform === "win32";
const work = mkdtempSync(join(tmpdir(), "ferry-smoke-"));

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: "utf8", shell: windows, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}\n${String(result.stdout)}${String(result.stderr)}`);
  }
  return String(result.stdout);
}

try {
  run(
    process.execPath,
    ["--import", "tsx", join(root, "scripts/build.ts"), "--out", join(work, "build"), "--action-out", join(work, "action")],
    {
      cwd: root,
    },
  );
  for (const name of ["ferry", "sandbox"]) run("npm", ["pack", "--silent", "--pack-destination", work], { cwd: join(work, "build", name) });
  const tarballs = readdirSync(work).filter((f) => f.endsWith(".tgz"));
  const prefix = join(work, "prefix");
  run("npm", ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", ...tarballs.map((t) => join(work, t))], { cwd: work });

  // Global bins are in <prefix>/bin, or <prefix> itself on Windows; `node` is the Node under test.
  const bin = windows ? prefix : join(prefix, "bin");
  const env = { ...process.env, PATH: [dirname(node), bin, process.env.PATH].join(delimiter), CI: "true" };
  const ferry = (args: string[], cwd: string) => run(windows ? "ferry.cmd" : "ferry", args, { cwd, env });

  const nodeVersion = run(node, ["--version"]).trim();
  const version = ferry(["--version"], work).trim();
  const project = join(work, "hello");
  mkdirSync(project);
  writeFileSync(join(project, "README.md"), "# hello\n");
  writeFileSync(
    join(project, "ferry.yaml"),
    `project:
  name: hello
  description: Says hello.
  homepage: https://example.com/hello
  license: MIT
  repository: ferry-smoke/hello
build:
  command: node -e "require('fs').writeFileSync(process.argv[1], '#!/bin/sh\\\\necho hello\\\\n')" {{output}}
  targets: [linux/amd64, darwin/arm64, windows/amd64]
archives:
  files: [README.md]
registries:
  npm:
    package: "@ferry-smoke/hello"
`,
  );
  ferry(["plan", "--tag", "v1.0.0"], project);
  const release = ferry(["release", "--sandbox", "--tag", "v1.0.0"], project);
  if (!/^npm +published\+verified/m.test(release)) throw new Error(`the sandbox release did not publish npm:\n${release}`);
  console.log(`smoke passed: ferry ${version} on Node ${nodeVersion} (${process.platform}): --version, plan, release --sandbox`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
