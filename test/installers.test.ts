import { createReadStream } from "node:fs";
import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Language, Parser } from "web-tree-sitter";
import { startGitHub, type GitHubStandIn } from "@ferry/sandbox";
import { ferry, scriptProject } from "./cli.ts";

// One release with both installers, published to the GitHub stand-in; install.sh is then run by
// dash as a user's `curl … | sh` would, with the detected os, arch and libc overridden (no emulator
// runs the other architectures' binaries here; each build's binary is a script that names its target).
const name = "installed-hello";
const tag = "v1.0.0";
let github: GitHubStandIn;
let dir: string;
let run: Awaited<ReturnType<typeof ferry>>;
const temps: string[] = [];
const temp = async () => {
  const made = await mkdtemp(join(tmpdir(), "ferry-install-"));
  temps.push(made);
  return made;
};
const download = (file: string) => `${github.url}/ferry-test/${name}/releases/download/${tag}/${file}`;

beforeAll(async () => {
  github = await startGitHub();
  github.createRepo(`ferry-test/${name}`);
  dir = await scriptProject(name, "  {}");
  temps.push(dir);
  const yaml = await readFile(join(dir, "ferry.yaml"), "utf8");
  await writeFile(
    join(dir, "ferry.yaml"),
    `${yaml.replace(/targets: \[.*\]/, "targets: [linux/amd64, linux/arm64, linux/amd64-musl, windows/amd64]")}installers: [sh, powershell]\n`,
  );
  run = await ferry(["release", "--tag", tag], {
    cwd: dir,
    env: { GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: github.token },
  });
}, 120_000);
afterAll(async () => {
  await github?.stop();
  for (const path of temps) await rm(path, { recursive: true, force: true });
});

/** Downloads install.sh from the release and runs it with dash, as `curl -fsSL … | sh -s -- --prefix <dir>` would. */
async function installSh(env: Record<string, string>, script?: string) {
  const prefix = await temp();
  const text = script ?? (await (await fetch(download("install.sh"))).text());
  const result = await execa("dash", ["-s", "--", "--prefix", prefix], {
    input: text,
    env: { FERRY_INSTALL_OS: "linux", ...env },
    reject: false,
    all: true,
  });
  return { code: result.exitCode, out: result.all ?? "", prefix, bin: join(prefix, "bin", name) };
}

it("attaches install.sh and install.ps1 to the release, in checksums.txt, and the report prints how to run them", async () => {
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toContain(`install: curl -fsSL ${download("install.sh")} | sh\n`);
  expect(run.stdout).toContain(`install: powershell -c "irm ${download("install.ps1")} | iex"\n`);
  const assets = github.release(`ferry-test/${name}`, tag)!.assets.map((a) => a.name);
  expect(assets).toEqual(expect.arrayContaining(["install.sh", "install.ps1"]));
  const check = await execa("sha256sum", ["--check", "--strict", "checksums.txt"], { cwd: join(dir, ".ferry"), reject: false });
  expect(check.stdout).toContain("install.sh: OK");
  expect(check.stdout).toContain("install.ps1: OK");
});

it.each([
  ["x86_64", "gnu", "linux/amd64"],
  ["aarch64", "gnu", "linux/arm64"],
  ["amd64", "musl", "linux/amd64-musl"],
])("install.sh on %s with %s libc installs the %s build, its checksum checked", async (arch, libc, target) => {
  const result = await installSh({ FERRY_INSTALL_ARCH: arch, FERRY_INSTALL_LIBC: libc });
  expect(result.code, result.out).toBe(0);
  expect(result.out).toContain(`installed ${name} 1.0.0 (${name}_1.0.0_${target.replace("/", "_")}.tar.gz) to ${result.bin}`);
  const installed = await execa(result.bin, []);
  expect(installed.stdout).toBe(`${name} 1.0.0 ${target}`);
  expect((await stat(result.bin)).mode & 0o777).toBe(0o755);
});

it("install.sh refuses a platform the release has no build for, and names what it has", async () => {
  const result = await installSh({ FERRY_INSTALL_ARCH: "aarch64", FERRY_INSTALL_LIBC: "musl" });
  expect(result.code).toBe(1);
  expect(result.out).toContain(`install.sh: ${name} 1.0.0 has no build for linux/arm64 (musl); the release has: `);
  expect(result.out).toContain(`${name}_1.0.0_linux_arm64.tar.gz`);
  await expect(stat(join(result.prefix, "bin"))).rejects.toThrow();

  const riscv = await installSh({ FERRY_INSTALL_ARCH: "mips" });
  expect(riscv.code).toBe(1);
  expect(riscv.out).toContain(`install.sh: ${name} is not built for the architecture mips`);
});

it("install.sh refuses an archive whose sha256 is not the one in checksums.txt, and installs nothing", async () => {
  // The release's files served as they are, but one archive altered after checksums.txt was written.
  const served = await temp();
  await cp(join(dir, ".ferry"), served, { recursive: true });
  const archive = `${name}_1.0.0_linux_amd64.tar.gz`;
  await writeFile(join(served, archive), Buffer.concat([await readFile(join(served, archive)), Buffer.from("tampered")]));
  const server: Server = createServer((request, response) => {
    const file = join(served, decodeURIComponent(new URL(request.url!, "http://x").pathname.slice(1)));
    createReadStream(file)
      .on("error", () => response.writeHead(404).end())
      .pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const script = (await (await fetch(download("install.sh"))).text()).replace(/^base=.*$/m, `base='${base}'`);
    const result = await installSh({ FERRY_INSTALL_ARCH: "x86_64", FERRY_INSTALL_LIBC: "gnu" }, script);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      new RegExp(`install.sh: ${archive} has sha256 [0-9a-f]{64}, but checksums.txt says [0-9a-f]{64}; nothing was installed`),
    );
    await expect(stat(join(result.prefix, "bin"))).rejects.toThrow();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

it("install.ps1 parses as PowerShell and names the release's Windows archive", async () => {
  const text = await (await fetch(download("install.ps1"))).text();
  const require = createRequire(import.meta.url);
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(require.resolve("tree-sitter-powershell/tree-sitter-powershell.wasm")));
  const tree = parser.parse(text)!;
  const errors = tree.rootNode.descendantsOfType(["ERROR"]).map((n) => `line ${n.startPosition.row + 1}: ${n.text}`);
  expect(tree.rootNode.hasError, errors.join("\n")).toBe(false);
  expect(text).toContain(`'amd64' = '${name}_1.0.0_windows_amd64.zip'`);
  expect(text).toContain(`$base = '${download("")}'`);
});
