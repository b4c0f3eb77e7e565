import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCommand } from "../packages/cli/src/main.ts";
import { cases, type BadInput } from "./bad-input/cases.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "./fault-proxy.ts";

// Every case runs the CLI's own command function in this process (the `ferry` binary calls the same
// one): a few hundred spawns of the TypeScript sources would take minutes on a loaded machine.

const registries = {
  npm: {},
  pypi: { name: "ferry-hello" },
  crates: { manifest: "crate/Cargo.toml" },
  docker: { image: "ghcr.io/ferry-test/hello" },
  homebrew: { tap: "ferry-test/homebrew-tap" },
  scoop: { bucket: "ferry-test/scoop-bucket" },
  winget: { identifier: "FerryTest.Hello", publisher: "Ferry Test" },
  aur: {},
  nix: { repository: "ferry-test/nur-packages" },
  flathub: { appId: "io.github.ferry_test.Hello" },
  snap: {},
  chocolatey: {},
};

/** A valid project releasing to every registry; each case changes one thing in it. */
const valid = () => ({
  project: {
    name: "hello",
    description: "Says hello and prints its version.",
    homepage: "https://example.com/hello",
    license: "MIT",
    repository: "ferry-test/hello",
  },
  build: {
    command: `printf '#!/bin/sh\\necho "hello {{version}}"\\n' > {{output}}`,
    targets: ["linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64"],
  },
  archives: { files: ["README.md"] },
  registries: structuredClone(registries),
});

let root: string;
let sandbox: Sandbox;
let env: Record<string, string>;
/** Every stand-in is reached through a proxy that counts connections: a refused input opens none. */
const proxies: TcpFaultProxy[] = [];
const connections = () => proxies.reduce((n, p) => n + p.connections, 0);
const githubWrites = () => sandbox.github.requests.filter((r) => r.method !== "GET" && r.method !== "HEAD").length;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ferry-bad-input-"));
  sandbox = await startSandbox({
    repository: "ferry-test/hello",
    project: "hello",
    registries: Object.keys(registries),
    options: registries,
  });
  env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CI: "true" };
  for (const [name, value] of Object.entries(sandbox.env)) {
    let proxied = value;
    for (const port of new Set([...value.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))) {
      const proxy = await startTcpFaultProxy(port);
      proxies.push(proxy);
      proxied = proxied.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${proxy.port}`);
    }
    env[name] = proxied;
  }
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await sandbox?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

let projects = 0;
async function project(input: Pick<BadInput, "config" | "setup"> = {}): Promise<string> {
  const dir = join(root, `project-${++projects}`);
  await mkdir(join(dir, "crate", "src"), { recursive: true });
  await writeFile(join(dir, "README.md"), "# hello\n");
  await mkdir(join(dir, "docs"));
  await writeFile(join(dir, "docs", "README.md"), "# docs\n");
  await writeFile(join(dir, "crate", "Cargo.toml"), '[package]\nname = "ferry-hello"\nversion = "1.2.3"\nedition = "2021"\n');
  await writeFile(join(dir, "crate", "src", "main.rs"), "fn main() {}\n");
  let text: string;
  if (typeof input.config === "string") text = input.config;
  else {
    const file = valid();
    input.config?.(file);
    text = stringify(file);
  }
  await writeFile(join(dir, "ferry.yaml"), text);
  await input.setup?.(dir);
  return dir;
}

/** Runs `ferry <args>` in `cwd` with only `extra` and the sandbox's environment, capturing what it prints. */
async function ferry(args: string[], cwd: string, extra: Record<string, string> = {}) {
  let output = "";
  const capture = (chunk: string | Uint8Array) => {
    output += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  const saved = { stdout: process.stdout.write, stderr: process.stderr.write, env: process.env, cwd: process.cwd() };
  process.stdout.write = capture;
  process.stderr.write = capture;
  process.env = { ...env, ...extra };
  process.chdir(cwd);
  try {
    const code = await runCommand(args);
    return { code, output };
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    process.env = saved.env;
    process.chdir(saved.cwd);
  }
}

describe("the valid project", () => {
  it("passes ferry check, so each case below fails for its one change", async () => {
    const run = await ferry(["check", "--tag", "v1.2.3"], await project());
    expect(run.code, run.output).toBe(0);
  });

  it("reaches the stand-ins through the counting proxies (ferry doctor reads them)", async () => {
    const before = connections();
    await ferry(["doctor"], await project());
    expect(connections()).toBeGreaterThan(before);
  });
});

let refused = 0;
describe("bad input", () => {
  afterAll(() => {
    console.log(`bad inputs: ${refused} refused with exit 2, ${githubWrites()} writes`);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, input) => {
    const dir = await project(input);
    const before = { connections: connections(), writes: githubWrites() };
    const run = await ferry(input.args ?? ["release", "--tag", "v1.2.3"], dir, input.env);
    expect(run.code, run.output).toBe(2);
    if (typeof input.names === "string") expect(run.output).toContain(input.names);
    else expect(run.output).toMatch(input.names);
    expect(run.output, "a stack trace").not.toMatch(/^\s+at /m);
    expect(run.output, "a sentence ending in ..").not.toMatch(/[^.]\.\.$/m);
    expect(connections() - before.connections, "connections to the stand-ins").toBe(0);
    expect(githubWrites() - before.writes, "writes to the GitHub stand-in").toBe(0);
    refused++;
  });
});
