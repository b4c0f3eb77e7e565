/**
 * The fault matrix: a fault proxy in front of every stand-in of a sandbox release of examples/hello
 * (fourteen registries and the GitHub Release), one fault per target and run. Transient faults end
 * published; persistent ones fail that target alone with its reason; a clean re-run converges.
 *
 * By default one diagonal round: every registry, every fault at least once (twice), the GitHub Release
 * a lost answer. FERRY_FAULT_MATRIX=full runs every fault against every target, the GitHub Release too.
 *
 * HTTP stand-ins get HTTP faults on their writes (GitHub: on the writes to the target's own
 * repository); a hang stops reads too. The git hosts (git daemon for Homebrew, Scoop, Nix, APT and RPM, sshd for the AUR) get their
 * TCP equivalent: a 5xx or 429 once is a connection reset once, a 5xx always is a reset of every
 * connection. The AUR's git runs over ssh, whose encrypted stream shows no push to lose the answer of:
 * its lost answer is the RPC's answer.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Sandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ferry } from "./cli.ts";
import {
  copyExample,
  exampleYaml,
  jsonReport as report,
  registries,
  setCrateVersion,
  startExampleSandbox,
  type ExampleYaml,
} from "./example-release.ts";
import { startFaultProxy, startTcpFaultProxy, type Fault, type FaultProxy, type TcpFault, type TcpFaultProxy } from "./fault-proxy.ts";

const faults: readonly Fault[] = ["5xx-once", "5xx-always", "429", "reset", "lost-answer", "hang"];
const persistent = (fault: Fault) => fault === "5xx-always" || fault === "hang";
const reviewed = new Set(["winget", "flathub", "chocolatey"]);
/** Seconds a target (or the GitHub Release) may take in a round where it hangs. */
const hangTimeout = 15;
const full = process.env.FERRY_FAULT_MATRIX === "full";

/** Where a target's fault goes: an HTTP proxy (with the requests it matches) or a TCP proxy. */
type Channel =
  { kind: "http"; proxy: FaultProxy; scope?: (path: string) => boolean } | { kind: "tcp"; proxy: TcpFaultProxy; rpc?: FaultProxy };

let sandbox: Sandbox;
let dir: string;
let yaml: ExampleYaml;
let env: Record<string, string>;
let github: FaultProxy;
const channels = new Map<string, Channel>();
const stops: Array<() => Promise<void>> = [];
/** registry → fault → the cell as printed. */
const table = new Map<string, Map<Fault, string>>();

const hostOf = (url: string) => /127\.0\.0\.1:\d+/.exec(url)![0];

/** Puts an HTTP fault proxy in front of the server `variables[0]` names, and points every variable at it. */
async function http(variables: string[]): Promise<FaultProxy> {
  const upstream = hostOf(env[variables[0]!]!);
  const proxy = await startFaultProxy(`http://${upstream}`);
  stops.push(proxy.stop);
  for (const name of variables) env[name] = env[name]!.replace(upstream, proxy.host);
  return proxy;
}

/** The same for a TCP proxy (git daemon, sshd). */
async function tcp(variables: string[]): Promise<TcpFaultProxy> {
  const upstream = hostOf(env[variables[0]!]!);
  const proxy = await startTcpFaultProxy(Number(upstream.split(":")[1]));
  stops.push(proxy.stop);
  // known_hosts names a host on a port as [127.0.0.1]:port.
  for (const name of variables)
    env[name] = env[name]!.replace(upstream, `127.0.0.1:${proxy.port}`).replace(
      `[127.0.0.1]:${upstream.split(":")[1]}`,
      `[127.0.0.1]:${proxy.port}`,
    );
  return proxy;
}

beforeAll(async () => {
  yaml = await exampleYaml();
  dir = await copyExample("ferry-fault-matrix-", "v1.0.0");
  sandbox = await startExampleSandbox(yaml);
  env = { ...sandbox.env };
  github = await http(["GITHUB_API_URL"]);
  const ownRepository = (repository: string) => (path: string) => path.includes(`/${repository}/`);
  const flathubRepository = `flathub/${String(yaml.registries.flathub!.appId)}`;
  channels.set("github-release", { kind: "http", proxy: github, scope: ownRepository(yaml.project.repository) });
  channels.set("winget", { kind: "http", proxy: github, scope: (path) => path.includes("/winget-pkgs") });
  channels.set("flathub", { kind: "http", proxy: github, scope: ownRepository(flathubRepository) });
  channels.set("npm", { kind: "http", proxy: await http(["NPM_CONFIG_REGISTRY"]) });
  channels.set("pypi", { kind: "http", proxy: await http(["FERRY_PYPI_URL", "FERRY_PYPI_UPLOAD_URL"]) });
  channels.set("crates", { kind: "http", proxy: await http(["FERRY_CRATES_INDEX"]) });
  channels.set("docker", { kind: "http", proxy: await http(["FERRY_DOCKER_REGISTRY"]) });
  channels.set("snap", { kind: "http", proxy: await http(["FERRY_SNAP_STORAGE_URL", "FERRY_SNAP_DASHBOARD_URL", "FERRY_SNAP_API_URL"]) });
  channels.set("chocolatey", { kind: "http", proxy: await http(["FERRY_CHOCOLATEY_SOURCE"]) });
  for (const name of ["homebrew", "scoop", "nix", "apt", "rpm"])
    channels.set(name, { kind: "tcp", proxy: await tcp([`FERRY_${name.toUpperCase()}_GIT`]) });
  channels.set("aur", { kind: "tcp", proxy: await tcp(["FERRY_AUR_GIT", "FERRY_AUR_KNOWN_HOSTS"]), rpc: await http(["FERRY_AUR_RPC"]) });
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(stops.map((stop) => stop()));
  await sandbox?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (table.size) console.log(render());
});

const tcpFault: Record<Fault, TcpFault> = {
  "5xx-once": "reset",
  "5xx-always": "reset-always",
  "429": "reset",
  reset: "reset",
  "lost-answer": "lost-answer",
  hang: "hang",
};

/** Sets each target's fault; answers how many faults its proxy injected so far, per target. */
function arm(plan: Map<string, Fault>): () => Map<string, number> {
  const httpRules = new Map<FaultProxy, Array<{ target: string; fault: Fault; match: (method: string, path: string) => boolean }>>();
  for (const channel of channels.values()) {
    if (channel.kind === "http") httpRules.set(channel.proxy, []);
    else {
      channel.proxy.set(undefined);
      if (channel.rpc) httpRules.set(channel.rpc, []);
    }
  }
  const counters = new Map<string, () => number>();
  for (const [target, fault] of plan) {
    const channel = channels.get(target)!;
    if (channel.kind === "tcp" && !(fault === "lost-answer" && channel.rpc)) {
      channel.proxy.set(tcpFault[fault]);
      counters.set(target, () => channel.proxy.injected);
      continue;
    }
    // The AUR's lost answer is its RPC's: every request there is a read. A hang stops every
    // request, so that it is met however long the target takes to reach its first write.
    const proxy = channel.kind === "http" ? channel.proxy : channel.rpc!;
    const scope = channel.kind === "http" ? channel.scope : undefined;
    const reads = fault === "hang" || channel.kind === "tcp";
    const match = (method: string, path: string) => (reads || (method !== "GET" && method !== "HEAD")) && (scope?.(path) ?? true);
    const rules = httpRules.get(proxy)!;
    const index = rules.length;
    rules.push({ target, fault, match });
    counters.set(target, () => proxy.injectedEach[index] ?? 0);
  }
  for (const [proxy, rules] of httpRules) proxy.set(rules.length ? rules.map(({ fault, match }) => ({ fault, match })) : undefined);
  return () => new Map([...counters].map(([target, count]) => [target, count()]));
}

function disarm() {
  for (const channel of channels.values()) {
    channel.proxy.set(undefined);
    if (channel.kind === "tcp") channel.rpc?.set(undefined);
  }
}

/** Writes ferry.yaml with a short timeout for whatever hangs this round. */
async function configure(tag: string, plan: Map<string, Fault>) {
  await setCrateVersion(dir, tag);
  const config = structuredClone(yaml);
  for (const [target, fault] of plan) {
    if (fault !== "hang") continue;
    if (target === "github-release") config.release = { ...config.release, timeout: hangTimeout };
    else config.registries[target] = { ...config.registries[target], timeout: hangTimeout };
  }
  await writeFile(join(dir, "ferry.yaml"), stringify(config));
}

const release = (tag: string) => ferry(["release", "--tag", tag, "--json", "--verify-timeout", "60"], { cwd: dir, env });

function record(target: string, fault: Fault, cell: string) {
  if (!table.has(target)) table.set(target, new Map());
  table.get(target)!.set(fault, cell);
}

/** The outcome a target must reach under a fault, when the GitHub Release went out. */
function expected(target: string, fault: Fault | undefined): string {
  if (fault && persistent(fault)) return "failed";
  if (target === "github-release") return "published";
  return reviewed.has(target) ? "awaiting-review" : "published+verified";
}

/**
 * One release with the faults of `plan`, checked against the expectation per target, then a
 * clean re-run that must converge: every target published or already there, exit 0.
 */
async function round(tag: string, plan: Map<string, Fault>) {
  await configure(tag, plan);
  const injected = arm(plan);
  const faulted = report(await release(tag));
  const counts = injected();
  disarm();
  await configure(tag, new Map());
  const rerun = report(await release(tag));

  const hubFailed = persistent(plan.get("github-release") ?? "5xx-once");
  const problems: string[] = [];
  const outcomes = new Map<string, { status: string; detail: string }>([
    ["github-release", { status: faulted.release.status, detail: faulted.release.error ?? "" }],
    ...faulted.targets.map((t) => [t.registry, t] as const),
  ]);
  for (const [target, outcome] of outcomes) {
    const fault = plan.get(target);
    const want = hubFailed && target !== "github-release" && target !== "crates" ? "blocked" : expected(target, fault);
    const converged = [
      ...rerun.targets,
      { registry: "github-release", status: rerun.release.status, detail: rerun.release.error ?? "" },
    ].find((t) => t.registry === target)!;
    const convergedOk = ["published", "already-published", "published+verified", "awaiting-review"].includes(converged.status);
    const reason = outcome.status !== "failed" || outcome.detail.startsWith(`[${target === "github-release" ? "github" : target}] `);
    const exercised = !fault || counts.get(target)! > 0;
    const ok = outcome.status === want && reason && exercised && convergedOk;
    if (fault) record(target, fault, `${ok ? "✓" : "✗"} ${outcome.status}${exercised ? "" : " (no fault hit)"}`);
    if (!ok)
      problems.push(
        `${target} under ${fault ?? "no fault"}: ${outcome.status} (want ${want}${exercised ? "" : ", fault never hit"}): ${outcome.detail}; re-run: ${converged.status}: ${converged.detail}`,
      );
  }
  const wantExit = [...plan.values()].some(persistent) ? 1 : 0;
  if (faulted.exitCode !== wantExit) problems.push(`the faulted run exited ${faulted.exitCode}, want ${wantExit}`);
  if (rerun.exitCode !== 0) problems.push(`the clean re-run exited ${rerun.exitCode}`);
  expect(problems).toEqual([]);
}

/** Round k: registry i gets fault (i + k) mod 6; the GitHub Release a transient fault. */
const diagonal = (k: number) =>
  new Map<string, Fault>([
    ...registries.map((name, i) => [name, faults[(i + k) % faults.length]!] as const),
    ["github-release", (["lost-answer", "5xx-once", "429", "reset"] as const)[k % 4]!],
  ]);

function render(): string {
  const rows = [["", ...faults], ...["github-release", ...registries].map((t) => [t, ...faults.map((f) => table.get(t)?.get(f) ?? "·")])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const lines = rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd(),
  );
  const cells = [...table.values()].flatMap((m) => [...m.values()]);
  const right = cells.filter((c) => c.startsWith("✓")).length;
  return `fault matrix (registry × fault → outcome, ✓ as expected):\n${lines.join("\n")}\nfault matrix: ${right}/${cells.length} cells as expected`;
}

describe("the fault matrix", () => {
  const rounds = full ? faults.length : 1;
  for (let k = 0; k < rounds; k++) {
    it(`round ${k + 1}: transient faults end published, persistent ones fail that target alone, a re-run converges`, async () => {
      await round(`v1.${k}.0`, diagonal(k));
    }, 600_000);
  }
  // The hub failing outright blocks every binary registry (also in test/release.test.ts and test/hub-faults.test.ts).
  for (const fault of full ? (["5xx-always", "hang"] as const) : []) {
    it(`the GitHub Release under ${fault}: it fails with its reason, binary registries are blocked, a re-run converges`, async () => {
      await round(`v2.${fault === "hang" ? 1 : 0}.0`, new Map([["github-release", fault]]));
    }, 600_000);
  }
});
