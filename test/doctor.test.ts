import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startGitHub, startSandbox, type GitHubStandIn, type Sandbox } from "@ferry/sandbox";
import { ferry, scriptProject, type FerryRun } from "./cli.ts";

const example = resolve(import.meta.dirname, "../examples/hello");
const config = resolve(example, "ferry.yaml");
const registries = [
  "npm",
  "pypi",
  "crates",
  "docker",
  "homebrew",
  "scoop",
  "winget",
  "aur",
  "nix",
  "flathub",
  "snap",
  "chocolatey",
  "apt",
  "rpm",
];

let sandbox: Sandbox;

beforeAll(async () => {
  const yaml = parse(await readFile(config, "utf8")) as {
    project: { name: string; repository: string };
    registries: Record<string, Record<string, unknown>>;
  };
  sandbox = await startSandbox({
    repository: yaml.project.repository,
    project: yaml.project.name,
    registries: Object.keys(yaml.registries),
    options: yaml.registries,
  });
}, 120_000);
afterAll(async () => {
  await sandbox?.stop();
});

const doctor = (args: string[], env: Record<string, string>) => ferry(["doctor", "--config", config, ...args], { cwd: example, env });

/** The printed check lines: `ok|fail  <registry>  <name>: <detail>`. */
const lines = (run: FerryRun) => run.stdout.split("\n").filter((line) => /^(ok|fail) /.test(line));

/** No credential of the environment is printed, on either stream. */
function expectNoSecrets(run: FerryRun, env: Record<string, string>) {
  for (const [name, value] of Object.entries(env)) {
    if (!/TOKEN|PASSWORD|KEY|CREDENTIALS/.test(name)) continue;
    expect(run.stdout, name).not.toContain(value);
    expect(run.stderr, name).not.toContain(value);
  }
}

describe("ferry doctor against the sandbox", () => {
  it("passes every check of every registry and exits 0", async () => {
    const run = await doctor([], sandbox.env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const printed = lines(run);
    expect(printed.filter((line) => line.startsWith("fail"))).toEqual([]);
    const seen = new Set(printed.map((line) => line.split(/\s+/)[1]));
    expect([...seen].sort()).toEqual(["github", "signing", "packages", ...registries].sort());
    expect(run.stdout).toMatch(/all \d+ checks passed/);
    expectNoSecrets(run, sandbox.env);
  }, 120_000);

  it("fails exactly the check of a missing token, naming the variable and the fix, and exits 1", async () => {
    // Without the sandbox's Actions id-token either, which PyPI would take for trusted publishing.
    const { PYPI_TOKEN: _token, ACTIONS_ID_TOKEN_REQUEST_URL: _url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: _request, ...env } = sandbox.env;
    const run = await doctor([], env);
    expect(run.code).toBe(1);
    const failed = lines(run).filter((line) => line.startsWith("fail"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^fail\s+pypi\s+PYPI_TOKEN set: PYPI_TOKEN is not set — fix: Set PYPI_TOKEN/);
    expect(run.stdout).toMatch(/1 of \d+ checks failed/);
  }, 120_000);

  it("reports refused tokens without printing them", async () => {
    const env = {
      ...sandbox.env,
      GITHUB_TOKEN: "ghp_CANARYdoctor0123456789abcdefABCDEF",
      NPM_TOKEN: "npm_CANARYdoctor0123456789abcdefABCDEF",
    };
    const run = await doctor(["--only", "npm,pypi"], env);
    expect(run.code).toBe(1);
    const failed = lines(run).filter((line) => line.startsWith("fail"));
    expect(failed.map((line) => line.split(/\s+/).slice(1, 3).join(" "))).toEqual(["github GITHUB_TOKEN", "npm npm"]);
    expect(failed[0]).toContain("401");
    expectNoSecrets(run, env);
  }, 120_000);

  it("selects registries with --only and --skip, and prints JSON with --json", async () => {
    const run = await doctor(["--skip", registries.filter((r) => r !== "chocolatey").join(","), "--json"], sandbox.env);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      checks: Array<{ registry: string; ok: boolean; name: string }>;
      failed: number;
      exitCode: number;
    };
    expect(new Set(report.checks.map((c) => c.registry))).toEqual(new Set(["github", "signing", "packages", "chocolatey"]));
    expect(report.checks.find((c) => c.name === "CHOCOLATEY_API_KEY set")?.ok).toBe(true);
    expect(report).toMatchObject({ failed: 0, exitCode: 0 });
  }, 60_000);

  it("starts its own stand-ins with --sandbox", async () => {
    const run = await doctor(["--sandbox", "--only", "npm,docker"], {});
    expect(run.code).toBe(0);
    expect(lines(run).map((line) => line.split(/\s+/)[1])).toEqual([
      ...Array<string>(4).fill("github"),
      ...Array<string>(3).fill("signing"),
      "packages",
      "packages",
      "npm",
      "npm",
      "docker",
      "docker",
    ]);
  }, 120_000);

  it("exits 2 for a registry that is not configured", async () => {
    const run = await doctor(["--only", "nosuch"], sandbox.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"nosuch" is not a registry');
  });
});

describe("ferry doctor on a tap written through the GitHub contents API", () => {
  let github: GitHubStandIn;
  beforeAll(async () => {
    github = await startGitHub();
  });
  afterAll(async () => {
    await github?.stop();
  });

  it("checks that the tap exists and the token may push, and says when the tap is missing", async () => {
    const dir = await scriptProject("tapped", "  homebrew:\n    tap: ferry-test/homebrew-tap");
    github.createRepo("ferry-test/tapped");
    const env = { GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: github.token, HOMEBREW_TAP_TOKEN: github.token };

    const missing = await ferry(["doctor"], { cwd: dir, env });
    expect(missing.code).toBe(1);
    expect(lines(missing).filter((line) => line.startsWith("fail"))).toEqual([
      expect.stringMatching(/^fail\s+homebrew\s+ferry-test\/homebrew-tap exists: .* — fix: Create ferry-test\/homebrew-tap/),
    ]);

    github.createRepo("ferry-test/homebrew-tap");
    const found = await ferry(["doctor"], { cwd: dir, env });
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/^ok\s+homebrew\s+HOMEBREW_TAP_TOKEN can push to ferry-test\/homebrew-tap: push permission/m);
    expectNoSecrets(found, env);

    const { HOMEBREW_TAP_TOKEN: _removed, ...withoutTap } = env;
    const unset = await ferry(["doctor"], { cwd: dir, env: withoutTap });
    expect(unset.code).toBe(1);
    expect(unset.stdout).toMatch(
      /^fail\s+homebrew\s+HOMEBREW_TAP_TOKEN set: HOMEBREW_TAP_TOKEN is not set\. .* — fix: Create a fine-grained personal access token/m,
    );
  }, 60_000);
});
