// The APT repository spoke against a real bare git repository, read back by real apt-get from a
// local HTTP server serving the branch's tree, with the test's own signing key.
import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { createContext, parseVersion, readManifest, type Context, type Project, type Registry } from "@ferry/core";
import apt from "@ferry/registry-apt";
import { createBareRepo } from "@ferry/sandbox";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { ferry, linuxPackageProject } from "./cli.ts";
import { commits, show } from "./git-repos.ts";
import { makeGpgKey, type TestGpgKey } from "./gpg.ts";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const dirs: string[] = [];
let key: TestGpgKey;
let bare: string;
let server: Server;
let served: string;
const builds = new Map<string, string>();

/** A project whose .deb holds a script that prints its version, built by the ferry CLI. */
async function build(tag: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-apt-project-"));
  dirs.push(dir);
  await writeFile(join(dir, "LICENSE"), "MIT License\n");
  await writeFile(
    join(dir, "ferry.yaml"),
    `${linuxPackageProject}build:
  command: printf '#!/bin/sh\\necho "hello {{version}}"\\n' > {{output}}
  targets: [linux/amd64, linux/arm64]
packages:
  formats: [deb]
  license: LICENSE
`,
  );
  const run = await ferry(["build", "--tag", tag], { cwd: dir, env: { SOURCE_DATE_EPOCH: "1700000000" } });
  expect(run.code, run.stderr).toBe(0);
  return dir;
}

beforeAll(async () => {
  key = await makeGpgKey();
  const root = await mkdtemp(join(tmpdir(), "ferry-apt-"));
  dirs.push(root);
  bare = join(root, "repo.git");
  await createBareRepo(bare, "packages");
  served = join(root, "site");
  for (const tag of ["v1.0.0", "v1.1.0"]) builds.set(tag, await build(tag));
  // GitHub Pages, in small: the branch's files over HTTP.
  server = createServer((request, response) => {
    const path = normalize(join(served, decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)));
    readFile(path).then(
      (data) => response.end(data),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await key?.remove();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function context(tag: string, env: NodeJS.ProcessEnv = { FERRY_GPG_KEY: key.secretKey }): Promise<Context<unknown>> {
  const dir = builds.get(tag)!;
  const project: Project = {
    name: "hello",
    description: "Says hello and prints its version.",
    homepage: "https://example.com/hello",
    license: "MIT",
    repository: "ferry-test/hello",
    binary: "hello",
    author: "Acme <dev@acme.test>",
    dir,
  };
  return createContext({
    registry: "apt",
    options: apt.options.parse({ git: `file://${bare}` }),
    project,
    version: parseVersion(tag),
    manifest: await readManifest(join(dir, ".ferry", "manifest.json")),
    distDir: join(dir, ".ferry"),
    env,
  });
}

const adapter = apt as unknown as Registry<unknown>;

async function publish(tag: string) {
  const ctx = await context(tag);
  const prepared = await adapter.prepare(ctx);
  const published = await adapter.publish(ctx, prepared);
  expect(await adapter.verify(ctx, published)).toMatchObject({ state: "verified" });
  return published;
}

/** The branch's apt/ directory, as GitHub Pages would serve it. */
async function serveBranch(): Promise<string> {
  await rm(served, { recursive: true, force: true });
  await mkdir(served, { recursive: true });
  const tar = await execa("git", ["--git-dir", bare, "archive", "gh-pages"], { encoding: "buffer" });
  await execa("tar", ["-x", "-C", served], { input: tar.stdout });
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}/apt`;
}

/** apt-get with a configuration, state and cache of its own, trusting only the repository's key.asc. */
async function aptGet(url: string): Promise<{ run: (args: string[]) => Promise<{ code: number; out: string }>; downloads: string }> {
  const root = await mkdtemp(join(tmpdir(), "ferry-apt-client-"));
  dirs.push(root);
  for (const sub of [
    "etc/sources.list.d",
    "etc/preferences.d",
    "etc/trusted.gpg.d",
    "state/lists/partial",
    "cache/archives/partial",
    "download",
  ])
    await mkdir(join(root, sub), { recursive: true });
  await writeFile(join(root, "key.asc"), await readFile(join(served, "apt", "key.asc")));
  await writeFile(join(root, "etc/sources.list"), `deb [signed-by=${join(root, "key.asc")}] ${url} stable main\n`);
  await writeFile(join(root, "state/status"), "");
  const options = [
    `Dir::Etc=${join(root, "etc")}`,
    `Dir::State=${join(root, "state")}`,
    `Dir::State::status=${join(root, "state/status")}`,
    `Dir::Cache=${join(root, "cache")}`,
    "Debug::NoLocking=1",
    "APT::Sandbox::User=root",
    "APT::Architecture=amd64",
    "APT::Architectures::=amd64",
    "Acquire::Languages=none",
  ].flatMap((o) => ["-o", o]);
  return {
    downloads: join(root, "download"),
    run: async (args) => {
      const run = await execa("apt-get", [...options, ...args], { cwd: join(root, "download"), reject: false, all: true });
      return { code: run.exitCode ?? 1, out: run.all ?? "" };
    },
  };
}

it("publishes a signed APT repository that apt-get updates from and installs; a re-run writes nothing; a second version joins the first", async () => {
  const first = await context("v1.0.0");
  expect(await adapter.exists(first)).toEqual({ state: "absent" });
  const published = await publish("v1.0.0");
  expect(published.detail).toMatch(/^commit [0-9a-f]{12} to file:/);
  expect(await adapter.exists(first)).toMatchObject({ state: "present", matches: true });
  const release = show(bare, "apt/dists/stable/Release", "gh-pages")!;
  expect(release).toContain("Architectures: amd64 arm64\n");
  expect(release).toMatch(/^ [0-9a-f]{64} +\d+ main\/binary-amd64\/Packages$/m);
  expect(show(bare, "apt/pool/main/h/hello/hello_1.0.0_amd64.deb", "gh-pages")).toBeDefined();

  // A re-run: nothing committed.
  const before = commits(bare, "gh-pages").length;
  expect((await publish("v1.0.0")).detail).toContain("already had 1.0.0");
  expect(commits(bare, "gh-pages")).toHaveLength(before);

  // The second version: the first stays in the pool and in Packages.
  expect(await adapter.exists(await context("v1.1.0"))).toEqual({ state: "absent" });
  await publish("v1.1.0");
  const packages = show(bare, "apt/dists/stable/main/binary-amd64/Packages", "gh-pages")!;
  expect(packages.match(/^Version: .*$/gm)).toEqual(["Version: 1.0.0", "Version: 1.1.0"]);
  expect(packages).toContain("Filename: pool/main/h/hello/hello_1.0.0_amd64.deb\n");

  // apt-get checks InRelease against key.asc, then fetches the newest version.
  const url = await serveBranch();
  const { run: aptGetIn, downloads } = await aptGet(url);
  const update = await aptGetIn(["update"]);
  expect(update.code, update.out).toBe(0);
  expect(update.out).not.toMatch(/NO_PUBKEY|not signed|W:/);
  const policy = await aptGetIn(["install", "--simulate", "hello"]);
  expect(policy.code, policy.out).toBe(0);
  expect(policy.out).toContain("Inst hello (1.1.0");
  const download = await aptGetIn(["download", "hello", "hello=1.0.0"]);
  expect(download.code, download.out).toBe(0);
  for (const version of ["1.0.0", "1.1.0"]) {
    const into = join(downloads, version);
    await execa("dpkg-deb", ["-x", join(downloads, `hello_${version}_amd64.deb`), into]);
    expect((await execa(join(into, "usr/bin/hello"))).stdout).toBe(`hello ${version}`);
  }
});
