// The RPM repository spoke against a real bare git repository: its repodata compared with what
// createrepo_c makes of the same packages, its signature checked by gpgv, and the repository read
// by real dnf from a local HTTP server serving the branch's tree, with gpgcheck and repo_gpgcheck.
import { createServer, type Server } from "node:http";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { gunzipSync } from "node:zlib";
import { createContext, parseVersion, readManifest, type Context, type Project, type Registry } from "@ferry/core";
import rpm from "@ferry/registry-rpm";
import { createBareRepo } from "@ferry/sandbox";
import { execa } from "execa";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { ferry, linuxPackageProject } from "./cli.ts";
import { commits, show } from "./git-repos.ts";
import { gpgv, makeGpgKey, type TestGpgKey } from "./gpg.ts";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const dirs: string[] = [];
let key: TestGpgKey;
let bare: string;
let server: Server;
let served: string;
let url: string;
const builds = new Map<string, string>();

/** A project whose signed .rpm holds a script that prints its version, built by the ferry CLI. */
async function build(tag: string, env: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-rpm-project-"));
  dirs.push(dir);
  await writeFile(join(dir, "LICENSE"), "MIT License\n");
  await writeFile(
    join(dir, "ferry.yaml"),
    `${linuxPackageProject}build:
  command: printf '#!/bin/sh\\necho "hello {{version}}"\\n' > {{output}}
  targets: [linux/amd64, linux/arm64]
packages:
  formats: [rpm]
  license: LICENSE
`,
  );
  const run = await ferry(["build", "--tag", tag], { cwd: dir, env: { SOURCE_DATE_EPOCH: "1700000000", ...env } });
  expect(run.code, run.stderr).toBe(0);
  return dir;
}

beforeAll(async () => {
  key = await makeGpgKey();
  const root = await mkdtemp(join(tmpdir(), "ferry-rpm-"));
  dirs.push(root);
  bare = join(root, "repo.git");
  await createBareRepo(bare, "packages");
  served = join(root, "site");
  for (const tag of ["v1.0.0", "v1.1.0"]) builds.set(tag, await build(tag, { FERRY_GPG_KEY: key.secretKey }));
  builds.set("unsigned", await build("v1.2.0", {}));
  // GitHub Pages, in small: the branch's files over HTTP.
  server = createServer((request, response) => {
    const path = normalize(join(served, decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)));
    readFile(path).then(
      (data) => response.end(data),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/rpm`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await key?.remove();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function context(build: string, tag = build): Promise<Context<unknown>> {
  const dir = builds.get(build)!;
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
    registry: "rpm",
    options: rpm.options.parse({ git: `file://${bare}`, url }),
    project,
    version: parseVersion(tag),
    manifest: await readManifest(join(dir, ".ferry", "manifest.json")),
    distDir: join(dir, ".ferry"),
    env: { FERRY_GPG_KEY: key.secretKey, PATH: process.env.PATH ?? "" },
  });
}

const adapter = rpm as unknown as Registry<unknown>;

async function publish(tag: string) {
  const ctx = await context(tag);
  const prepared = await adapter.prepare(ctx);
  const published = await adapter.publish(ctx, prepared);
  expect(await adapter.verify(ctx, published)).toMatchObject({ state: "verified" });
  return published;
}

/** The branch's files, as GitHub Pages would serve them. */
async function serveBranch(): Promise<string> {
  await rm(served, { recursive: true, force: true });
  await mkdir(served, { recursive: true });
  const tar = await execa("git", ["--git-dir", bare, "archive", "gh-pages"], { encoding: "buffer" });
  await execa("tar", ["-x", "-C", served], { input: tar.stdout });
  return join(served, "rpm");
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false });

/** A metadata file of a repository, parsed: the one repomd.xml names for this type. */
async function metadata(root: string, type: string): Promise<unknown> {
  const repomd = await readFile(join(root, "repodata/repomd.xml"), "utf8");
  const href = new RegExp(`<data type="${type}">[^]*?<location href="([^"]+)"`).exec(repomd)![1]!;
  return parser.parse(gunzipSync(await readFile(join(root, href))).toString());
}

it("publishes a signed RPM repository as createrepo_c would write it; a re-run writes nothing; a second version joins the first", async () => {
  const first = await context("v1.0.0");
  expect(await adapter.exists(first)).toEqual({ state: "absent" });
  const published = await publish("v1.0.0");
  expect(published.detail).toMatch(/^commit [0-9a-f]{12} to file:/);
  expect(await adapter.exists(first)).toMatchObject({ state: "present", matches: true });
  expect(show(bare, "rpm/Packages/hello-1.0.0-1.x86_64.rpm", "gh-pages")).toBeDefined();
  expect(show(bare, "rpm/hello.repo", "gh-pages")).toBe(
    `[hello]\nname=hello\nbaseurl=${url}\nenabled=1\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=${url}/RPM-GPG-KEY-hello\n`,
  );

  // A re-run: nothing committed.
  const before = commits(bare, "gh-pages").length;
  expect((await publish("v1.0.0")).detail).toContain("already had 1.0.0");
  expect(commits(bare, "gh-pages")).toHaveLength(before);

  // The second version: the first stays in Packages/ and in the metadata.
  expect(await adapter.exists(await context("v1.1.0"))).toEqual({ state: "absent" });
  await publish("v1.1.0");
  const root = await serveBranch();
  expect((await readdir(join(root, "Packages"))).sort()).toEqual([
    "hello-1.0.0-1.aarch64.rpm",
    "hello-1.0.0-1.x86_64.rpm",
    "hello-1.1.0-1.aarch64.rpm",
    "hello-1.1.0-1.x86_64.rpm",
  ]);

  // repomd.xml's signature, checked by gpgv with the test key only.
  const repomd = await readFile(join(root, "repodata/repomd.xml"));
  expect(await gpgv(key.keyring, await readFile(join(root, "repodata/repomd.xml.asc"), "utf8"), repomd)).toMatchObject({ ok: true });
  expect(
    await gpgv(key.keyring, await readFile(join(root, "repodata/repomd.xml.asc"), "utf8"), Buffer.concat([repomd, Buffer.from(" ")])),
  ).toMatchObject({
    ok: false,
  });

  // createrepo_c over the same packages writes the same metadata (the file time aside: ferry's is the build time).
  const reference = await mkdtemp(join(tmpdir(), "ferry-createrepo-"));
  dirs.push(reference);
  await cp(join(root, "Packages"), join(reference, "Packages"), { recursive: true });
  const createrepo = await execa("createrepo_c", ["--no-database", reference], { reject: false, all: true });
  expect(createrepo.exitCode, createrepo.all).toBe(0);
  const withoutFileTime = (primary: unknown) => JSON.stringify(primary).replace(/"@_file":"\d+"/g, "");
  expect(withoutFileTime(await metadata(root, "primary"))).toBe(withoutFileTime(await metadata(reference, "primary")));
  for (const type of ["filelists", "other"]) expect(await metadata(root, type)).toEqual(await metadata(reference, type));
  expect(JSON.stringify(await metadata(root, "primary"))).toContain('"location":{"@_href":"Packages/hello-1.0.0-1.x86_64.rpm"}');
});

it("dnf installs the newest version from the repository with gpgcheck and repo_gpgcheck, and the binary runs", async () => {
  const root = await mkdtemp(join(tmpdir(), "ferry-dnf-"));
  dirs.push(root);
  await mkdir(join(root, "repos"));
  await writeFile(join(root, "repos/hello.repo"), await readFile(join(served, "rpm/hello.repo")));
  const dnf = (args: string[]) =>
    execa(
      "dnf",
      [
        "--installroot",
        join(root, "root"),
        "--setopt",
        `reposdir=${join(root, "repos")}`,
        "--setopt",
        `cachedir=${join(root, "cache")}`,
        "--releasever",
        "1",
        "--assumeyes",
        ...args,
      ],
      { reject: false, all: true },
    );
  const install = await dnf(["install", "hello"]);
  expect(install.exitCode, install.all).toBe(0);
  // dnf fetched the key the .repo file names to check repomd.xml.asc, then each package's signature.
  expect(install.all).toContain(`From       : ${url}/RPM-GPG-KEY-hello`);
  expect(install.all).toContain("Key imported successfully");
  expect(install.all).toMatch(/Installing +: hello-1\.1\.0-1\.x86_64/);
  expect((await execa(join(root, "root/usr/bin/hello"))).stdout).toBe("hello 1.1.0");
  const older = await dnf(["downgrade", "hello-1.0.0"]);
  expect(older.exitCode, older.all).toBe(0);
  expect((await execa(join(root, "root/usr/bin/hello"))).stdout).toBe("hello 1.0.0");
});

it("ferry doctor's checks pass: the key signs, the URL is known, the branch is reachable", async () => {
  const checks = await adapter.doctor!(await context("v1.0.0"));
  expect(checks.filter((c) => !c.ok)).toEqual([]);
  expect(checks.map((c) => c.detail).join("\n")).toContain(
    `signs as key ${key.fingerprint.slice(-16)} (Ferry Test <test@example.com>), never expires`,
  );
  expect(checks.map((c) => c.detail).join("\n")).toContain(`the .repo file names ${url}`);
});

it("refuses .rpm packages that are not signed by the key, and publishes nothing", async () => {
  const before = commits(bare, "gh-pages").length;
  const error = await adapter.prepare(await context("unsigned", "v1.2.0")).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.message).toMatch(/hello-1\.2\.0-1\.(x86_64|aarch64)\.rpm is not signed by the key in FERRY_GPG_KEY/);
  expect(commits(bare, "gh-pages")).toHaveLength(before);
});
