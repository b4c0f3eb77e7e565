import { readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startGitHub, startVerdaccio, type GitHubStandIn } from "@ferry/sandbox";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";
import { scriptProject } from "./cli.ts";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.ts";

const bin = resolve(import.meta.dirname, "../packages/cli/bin/ferry.js");
let github: GitHubStandIn;
let proxy: FaultProxy;
let verdaccio: Awaited<ReturnType<typeof startVerdaccio>>;

beforeAll(async () => {
  [github, verdaccio] = await Promise.all([startGitHub(), startVerdaccio()]);
  proxy = await startFaultProxy(github.url);
});
afterAll(async () => {
  await proxy?.stop();
  await Promise.all([github?.stop(), verdaccio?.stop()]);
});

it.each([
  ["SIGTERM", 143],
  ["SIGINT", 130],
] as const)(
  "%s stops a release that waits on a hanging GitHub, reports each registry, and exits %i",
  async (signal, code) => {
    const name = `signal-${code}`;
    github.createRepo(`ferry-test/${name}`);
    const dir = await scriptProject(name, "  npm: {}");
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    proxy.set({ fault: "hang", match: (method) => method === "POST" });
    const run = execa("node", [bin, "release", "--tag", "v1.0.0"], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        CI: "true",
        GITHUB_API_URL: proxy.url,
        GITHUB_SERVER_URL: proxy.url,
        GITHUB_TOKEN: github.token,
        NPM_CONFIG_REGISTRY: verdaccio.url,
        NPM_TOKEN: verdaccio.token,
      },
      extendEnv: false,
      reject: false,
    });
    // Once the release's first write hangs, the build is done and npm waits on the release.
    while (proxy.injected === 0 && run.exitCode === null) await sleep(100);
    const sent = Date.now();
    run.kill(signal);
    const result = await run;
    expect(result.exitCode).toBe(code);
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect(result.stderr).toContain(`${signal}: stopping`);
    expect(result.stdout).toMatch(/^github-release +failed +\[github\] Stopped by a signal/m);
    expect(result.stdout).toMatch(/^npm +failed .*\[npm\] Stopped by a signal/m);
    expect(result.stdout).not.toContain(github.token);
  },
  60_000,
);

it("SIGINT while the build command runs kills it and exits 130 at once, with the report", async () => {
  const name = "signal-build";
  github.createRepo(`ferry-test/${name}`);
  const dir = await scriptProject(name, "  npm: {}");
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, "ferry.yaml");
  await writeFile(config, (await readFile(config, "utf8")).replace("  command: printf", "  command: sleep 60; printf"));
  const run = execa("node", [bin, "release", "--tag", "v1.0.0"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      CI: "true",
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: github.url,
      GITHUB_TOKEN: github.token,
      NPM_CONFIG_REGISTRY: verdaccio.url,
      NPM_TOKEN: verdaccio.token,
    },
    extendEnv: false,
    reject: false,
  });
  let stderr = "";
  run.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  while (!stderr.includes("building ") && run.exitCode === null) await sleep(100);
  const sent = Date.now();
  run.kill("SIGINT");
  const result = await run;
  expect(result.exitCode).toBe(130);
  // Well before the 20s fallback: the build's sleep was killed.
  expect(Date.now() - sent).toBeLessThan(10_000);
  expect(result.stdout).toMatch(/^github-release +failed +\[github\] Stopped by a signal/m);
  expect(github.release(`ferry-test/${name}`, "v1.0.0")).toBeUndefined();
}, 60_000);
