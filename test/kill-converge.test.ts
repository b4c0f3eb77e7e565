/**
 * Kill and converge: a sandbox release of examples/hello to all fourteen registries is killed
 * (SIGKILL to its process group) at a random point, then run again to completion. Every registry
 * must then hold this release's content, read back by `ferry publish` (each adapter's exists()
 * compares the registry's digests with the release's), the GitHub Release must match its
 * checksums.txt byte for byte, and the run's private TMPDIR must hold nothing: no key, no clone.
 *
 * Two runs by default; FERRY_KILL_RUNS=<n> for more.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Sandbox } from "@ferry/sandbox";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ferry } from "./cli.ts";
import { copyExample, exampleYaml, jsonReport as report, startExampleSandbox } from "./example-release.ts";

const runs = Number(process.env.FERRY_KILL_RUNS ?? 2);
/** The kill lands within this many milliseconds of the start: a whole release takes about a minute here. */
const window = 45_000;
const bin = resolve(import.meta.dirname, "../packages/cli/bin/ferry.js");

let sandbox: Sandbox;
let repository: string;
const cleanup: string[] = [];

beforeAll(async () => {
  const yaml = await exampleYaml();
  repository = yaml.project.repository;
  sandbox = await startExampleSandbox(yaml);
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The sandbox's secrets; a private key by one of its lines, as a file would hold it. */
function secrets(): Array<[string, string]> {
  return Object.entries(sandbox.env)
    .filter(([name]) => /TOKEN|PASSWORD|KEY|CREDENTIALS/.test(name))
    .map(([name, value]) => [name, value.includes("\n") ? value.split("\n")[2]! : value] as [string, string]);
}

/** Every file under `dir`, relative to it. */
async function listing(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

/** One run: kill a release at `killAt` ms, re-run it, read everything back. Answers what is wrong ([] when it converged). */
async function killAndConverge(index: number, killAt: number): Promise<string[]> {
  const tag = `v1.${index}.0`;
  const project = await copyExample("ferry-kill-project-", tag);
  const temp = await mkdtemp(join(tmpdir(), "ferry-kill-tmp-"));
  cleanup.push(project, temp);
  const env = { ...sandbox.env, TMPDIR: temp };

  const child = execa("node", [bin, "release", "--tag", tag], {
    cwd: project,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CI: "true", ...env },
    extendEnv: false,
    reject: false,
    detached: true,
  });
  const finished = await Promise.race([child.then(() => true), sleep(killAt).then(() => false)]);
  if (!finished) process.kill(-child.pid!, "SIGKILL");
  const killed = await child;
  const when = finished ? `finished (exit ${killed.exitCode}) before the kill at ${killAt}ms` : `killed at ${killAt}ms`;

  const problems: string[] = [];
  const rerun = report(await ferry(["release", "--tag", tag, "--json"], { cwd: project, env }));
  for (const target of rerun.targets) {
    if (!["published+verified", "already-published", "awaiting-review"].includes(target.status))
      problems.push(`re-run: ${target.registry} ${target.status}: ${target.detail}`);
  }
  if (!["published", "already-published"].includes(rerun.release.status))
    problems.push(`re-run: the release ${rerun.release.status}: ${rerun.release.error}`);
  if (rerun.exitCode !== 0) problems.push(`re-run exited ${rerun.exitCode}`);

  // Read back: each registry's exists() compares what it holds with the release's digests.
  const readBack = report(await ferry(["publish", "--tag", tag, "--json"], { cwd: project, env }));
  for (const target of readBack.targets) {
    if (target.status !== "already-published") problems.push(`read back: ${target.registry} ${target.status}: ${target.detail}`);
  }

  const release = sandbox.github.release(repository, tag);
  const checksums = release?.assets.find((a) => a.name === "checksums.txt")?.bytes.toString() ?? "";
  const listed = checksums.split("\n").filter(Boolean);
  if (!listed.length) problems.push("the release has no checksums.txt");
  for (const line of listed) {
    const [sha256, name] = line.split(/\s+/);
    const asset = release?.assets.find((a) => a.name === name);
    const actual = asset && createHash("sha256").update(asset.bytes).digest("hex");
    if (actual !== sha256) problems.push(`release asset ${name}: ${actual ? `sha256 ${actual}` : "missing"}, checksums.txt says ${sha256}`);
  }

  // The killed run's tools (go, tsx) keep caches there; nothing of ferry's may stay, and no secret in any file.
  const left = await listing(temp);
  const own = left.filter((path) => path.startsWith("ferry-"));
  if (own.length) problems.push(`left in TMPDIR: ${own.join(", ")}`);
  for (const path of left) {
    const text = await readFile(join(temp, path), "latin1").catch(() => "");
    for (const [name, value] of secrets()) if (text.includes(value)) problems.push(`TMPDIR/${path} holds ${name}`);
  }
  return problems.map((p) => `run ${index + 1} (${when}): ${p}`);
}

it(
  `a release killed at a random point converges on a re-run (${runs} runs)`,
  async () => {
    const problems: string[] = [];
    let converged = 0;
    for (let i = 0; i < runs; i++) {
      // Spread the kills over the release: run i lands in the i-th slice of the window.
      const killAt = Math.round(((i + Math.random()) / runs) * window);
      const found = await killAndConverge(i, killAt);
      if (!found.length) converged++;
      problems.push(...found);
    }
    console.log(`kill runs: ${converged}/${runs} converged`);
    expect(problems).toEqual([]);
  },
  runs * 400_000,
);
