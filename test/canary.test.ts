/**
 * The canary test: every secret ferry reads holds a value of its own, several registries answer
 * the credentials they are sent by echoing them back (in a 401 or 500: reason phrase, JSON body,
 * WWW-Authenticate), and everything ferry leaves is searched for every secret, raw, base64,
 * URL-encoded, JSON-escaped and inside a Basic credential, and for every credential header an echo
 * sent back: the stdout and stderr of a release (--json, annotations, debug), `ferry plan` and
 * `ferry doctor`, the step summary, every file under the project
 * (.ferry/ with its rendered registry files) and each run's TMPDIR. It prints "canary hits: N";
 * N must be 0.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sandbox } from "@ferry/sandbox";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ferry, type FerryRun } from "./cli.ts";
import { copyExample, exampleYaml, jsonReport, setCrateVersion, startExampleSandbox } from "./example-release.ts";
import { startFaultProxy, type EchoFault, type FaultProxy } from "./fault-proxy.ts";
import { makeGpgKey } from "./gpg.ts";

const tag = "v1.0.0";
/** Registries whose stand-in echoes the credentials it is sent, and how. */
const echoing: Record<string, EchoFault> = {
  npm: "echo-401",
  pypi: "echo-500",
  crates: "echo-401",
  docker: "echo-401",
  snap: "echo-401",
  chocolatey: "echo-500",
  winget: "echo-401",
  flathub: "echo-401",
};
/** The user names ferry puts in front of a secret in a Basic credential. */
const basicUsers = ["__token__", "x-access-token", "canary-user", "token", "oauth2"];

let sandbox: Sandbox;
let project: string;
let env: Record<string, string>;
const stops: Array<() => Promise<void>> = [];
const dirs: string[] = [];
/** The stand-in of each echoing registry (winget and flathub share GitHub's). */
const proxies = new Map<string, FaultProxy>();
let github: FaultProxy;

/** A value no output should hold: the variable's name, random bytes, and characters that URL and JSON encoding change. */
const canary = (name: string) => `canary-${name}-${randomBytes(6).toString("hex")}/+="\\`;

beforeAll(async () => {
  const yaml = await exampleYaml();
  sandbox = await startExampleSandbox(yaml);
  project = await copyExample("ferry-canary-", tag);
  dirs.push(project);

  const keys = await mkdtemp(join(tmpdir(), "ferry-canary-keys-"));
  dirs.push(keys);
  await execa("minisign", ["-G", "-W", "-p", join(keys, "ferry.pub"), "-s", join(keys, "ferry.key")]);
  const gpgPassphrase = canary("FERRY_GPG_PASSPHRASE");
  const gpg = await makeGpgKey(gpgPassphrase);
  stops.push(gpg.remove);
  const apkKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

  env = {
    ...sandbox.env,
    // Every secret ferry reads. The hub, the git hosts, the AUR, signing and the apk keep the sandbox's (or a real key):
    // they must succeed. The echoing registries get values of their own: their stand-in never sees them.
    GH_TOKEN: canary("GH_TOKEN"),
    NODE_AUTH_TOKEN: canary("NODE_AUTH_TOKEN"),
    NPM_TOKEN: canary("NPM_TOKEN"),
    NPM_ID_TOKEN: canary("NPM_ID_TOKEN"),
    PYPI_TOKEN: canary("PYPI_TOKEN"),
    CARGO_REGISTRY_TOKEN: canary("CARGO_REGISTRY_TOKEN"),
    DOCKER_USERNAME: "canary-user",
    DOCKER_PASSWORD: canary("DOCKER_PASSWORD"),
    DOCKER_TOKEN: canary("DOCKER_TOKEN"),
    CHOCOLATEY_API_KEY: canary("CHOCOLATEY_API_KEY"),
    WINGET_TOKEN: canary("WINGET_TOKEN"),
    WINGET_CREATE_GITHUB_TOKEN: canary("WINGET_CREATE_GITHUB_TOKEN"),
    FLATHUB_TOKEN: canary("FLATHUB_TOKEN"),
    HOMEBREW_TAP_TOKEN: canary("HOMEBREW_TAP_TOKEN"),
    SCOOP_BUCKET_TOKEN: canary("SCOOP_BUCKET_TOKEN"),
    NIX_REPO_TOKEN: canary("NIX_REPO_TOKEN"),
    FERRY_MINISIGN_KEY: await readFile(join(keys, "ferry.key"), "utf8"),
    FERRY_MINISIGN_PASSWORD: canary("FERRY_MINISIGN_PASSWORD"),
    APK_PRIVATE_KEY: apkKey,
    FERRY_GPG_KEY: gpg.secretKey,
    FERRY_GPG_PASSPHRASE: gpgPassphrase,
    GITHUB_ACTIONS: "true",
    FERRY_DEBUG: "1",
  };

  const proxy = async (variables: string[]) => {
    const upstream = /127\.0\.0\.1:\d+/.exec(env[variables[0]!]!)![0];
    const started = await startFaultProxy(`http://${upstream}`);
    stops.push(started.stop);
    for (const name of variables) env[name] = env[name]!.replace(upstream, started.host);
    return started;
  };
  github = await proxy(["GITHUB_API_URL"]);
  proxies.set("winget", github).set("flathub", github);
  proxies.set("npm", await proxy(["NPM_CONFIG_REGISTRY"]));
  proxies.set("pypi", await proxy(["FERRY_PYPI_URL", "FERRY_PYPI_UPLOAD_URL"]));
  proxies.set("crates", await proxy(["FERRY_CRATES_INDEX"]));
  proxies.set("docker", await proxy(["FERRY_DOCKER_REGISTRY"]));
  proxies.set("snap", await proxy(["FERRY_SNAP_STORAGE_URL", "FERRY_SNAP_DASHBOARD_URL", "FERRY_SNAP_API_URL"]));
  proxies.set("chocolatey", await proxy(["FERRY_CHOCOLATEY_SOURCE"]));
  for (const [name, fault] of Object.entries(echoing)) {
    if (name === "winget" || name === "flathub") continue;
    // The docker stand-in takes anonymous pushes: a challenge makes ferry log in.
    proxies.get(name)!.set({ fault, match: () => true, challenge: name === "docker" });
  }
  // The GitHub Release itself goes through: only the winget and flathub tokens are echoed.
  echoGitHub((authorization) => !authorization.includes(sandbox.env.GITHUB_TOKEN!));
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(stops.map((stop) => stop()));
  await sandbox?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function echoGitHub(which: (authorization: string) => boolean) {
  github.set({ fault: "echo-401", match: (_method, _path, headers) => which(String(headers.authorization ?? "")) });
}

/** Every file under `dir`, with its contents. */
async function files(dir: string): Promise<Array<[string, string]>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const found: Array<[string, string]> = [];
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    found.push([path, await readFile(path, "latin1")]);
  }
  return found;
}

/** Each secret value of the environment, by name, and every credential header an echo sent back. */
function secrets(): Map<string, string> {
  const values = new Map<string, string>();
  const credential = /TOKEN|PASSWORD|PASSPHRASE|SECRET|KEY|CREDENTIALS/;
  for (const [name, value] of Object.entries(env)) {
    if (!credential.test(name) || name.endsWith("_URL")) continue;
    values.set(name, value);
    // A key file also leaks by the lines of its body.
    value.split("\n").forEach((line, i) => /^[A-Za-z0-9+/=]{16,}$/.test(line) && values.set(`${name} line ${i + 1}`, line));
  }
  for (const proxy of new Set(proxies.values())) {
    for (const header of proxy.echoed) {
      values.set(`the echoed header "${header.slice(0, 12)}…"`, header);
      const [, credentials] = /^\S+\s+(.+)$/.exec(header) ?? [];
      if (credentials) values.set(`the credentials of the echoed header "${header.slice(0, 12)}…"`, credentials);
    }
  }
  return values;
}

/** The forms a secret leaks in: raw, base64, URL-encoded, JSON-escaped, and base64 inside a Basic credential. */
function forms(value: string): Array<[string, string]> {
  const base64 = (text: string) => Buffer.from(text).toString("base64");
  return [
    ["raw", value],
    ["base64", base64(value)],
    ["base64url", Buffer.from(value).toString("base64url")],
    ["URL-encoded", encodeURIComponent(value)],
    ["JSON-escaped", JSON.stringify(value).slice(1, -1)],
    ...basicUsers.map((user): [string, string] => [`Basic ${user}:`, base64(`${user}:${value}`)]),
  ];
}

it("no secret appears in any output, report, step summary, rendered file or temporary file, in any form", async () => {
  const outputs: Array<[string, string]> = [];
  const temps: string[] = [];
  const summary = join(await mkdtemp(join(tmpdir(), "ferry-canary-summary-")), "summary.md");
  dirs.push(join(summary, ".."));
  const run = async (label: string, args: string[], extra: Record<string, string> = {}): Promise<FerryRun> => {
    const temp = await mkdtemp(join(tmpdir(), "ferry-canary-tmp-"));
    dirs.push(temp);
    temps.push(temp);
    const started = Date.now();
    const result = await ferry(args, { cwd: project, env: { ...env, TMPDIR: temp, GITHUB_STEP_SUMMARY: summary, ...extra } });
    console.log(`${label}: exit ${result.code} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    outputs.push([`${label}: stdout`, result.stdout], [`${label}: stderr`, result.stderr]);
    return result;
  };

  const release = jsonReport(await run("ferry release --json", ["release", "--tag", tag, "--json"]));
  expect(release.release.status, release.release.error).toBe("published");
  for (const target of release.targets) {
    const want = echoing[target.registry] ? "failed" : "published+verified";
    expect(`${target.registry} ${target.status}`, target.detail).toBe(`${target.registry} ${want}`);
  }
  for (const [name, proxy] of proxies) expect(proxy.injected, `${name} echoed nothing`).toBeGreaterThan(0);

  // A plan of the next version renders every registry's files; the echoing registries fail their reads (exit 1).
  await setCrateVersion(project, "v1.0.1");
  const plan = await run("ferry plan", ["plan", "--tag", "v1.0.1"], { SIGSTORE_ID_TOKEN: canary("SIGSTORE_ID_TOKEN") });
  expect(plan.code, plan.stderr).toBe(1);
  // The doctor's GitHub checks are echoed too, with GITHUB_TOKEN.
  echoGitHub(() => true);
  env.SIGSTORE_ID_TOKEN = canary("SIGSTORE_ID_TOKEN");
  await run("ferry doctor", ["doctor"]);

  const searched: Array<[string, string]> = [
    ...outputs,
    ["the step summary", await readFile(summary, "utf8")],
    ...(await files(project)),
    ...(await Promise.all(temps.map(files))).flat(),
  ];
  const hits: string[] = [];
  for (const [name, value] of secrets()) {
    for (const [form, text] of forms(value)) {
      for (const [where, content] of searched) if (content.includes(text)) hits.push(`${name} (${form}) in ${where}`);
    }
  }
  console.log(`canary hits: ${hits.length}${hits.length ? `\n${hits.join("\n")}` : ""}`);
  expect(hits).toEqual([]);
}, 600_000);
