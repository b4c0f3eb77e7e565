/**
 * The Linux rehearsal: one sandbox release of examples/hello to its GitHub Release and its APT and
 * RPM repositories. The release's .deb, .rpm and .apk packages are checked by lintian and rpmlint; real
 * apt-get, in a throwaway root (its own configuration with `-o Dir=…`, dpkg with `--root`), updates
 * from the sandbox's GitHub Pages stand-in, verifying InRelease with the sandbox's key alone, and
 * installs hello; real dnf, with gpgcheck and repo_gpgcheck, installs it into another from the
 * .repo file the RPM repository publishes; install.sh, run by dash, installs the same binary from
 * the GitHub Release; a second release publishes nothing to either repository.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gpgSigner } from "@ferry/core";
import { startSandbox, type Sandbox } from "@ferry/sandbox";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ferry } from "./cli.ts";
import { copyExample, exampleYaml, jsonReport, type Report } from "./example-release.ts";

const tag = "v1.0.0";
let sandbox: Sandbox;
let project: string;
let first: Report;
let aptBinary: string;
const dirs: string[] = [];
const temp = async (prefix: string) => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const dist = (file: string) => join(project, ".ferry", file);
const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
const release = async () =>
  jsonReport(await ferry(["release", "--tag", tag, "--only", "apt,rpm", "--json"], { cwd: project, env: sandbox.env }));
const branchHead = async (git = sandbox.env.FERRY_APT_GIT!) =>
  (await execa("git", ["ls-remote", git, "refs/heads/gh-pages"])).stdout.split("\t")[0];

beforeAll(async () => {
  const yaml = await exampleYaml();
  sandbox = await startSandbox({
    repository: yaml.project.repository,
    project: yaml.project.name,
    registries: ["apt", "rpm"],
    options: yaml.registries,
  });
  project = await copyExample("ferry-linux-rehearsal-", tag);
  dirs.push(project);
  first = await release();
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

it("publishes the GitHub Release with .deb, .rpm and .apk packages and both installers, and the signed APT and RPM repositories", () => {
  expect(first.exitCode, JSON.stringify(first)).toBe(0);
  expect(first.release.status).toBe("published");
  expect(first.targets.map((t) => `${t.registry} ${t.status}`).sort()).toEqual(["apt published+verified", "rpm published+verified"]);
  const assets = sandbox.github.release("ferry-examples/hello", tag)!.assets.map((a) => a.name);
  expect(assets).toEqual(
    expect.arrayContaining([
      "hello_1.0.0_amd64.deb",
      "hello_1.0.0_arm64.deb",
      "hello-1.0.0-1.x86_64.rpm",
      "hello-1.0.0-1.aarch64.rpm",
      "hello-1.0.0-r0.x86_64.apk",
      "hello-1.0.0-r0.aarch64.apk",
      "install.sh",
      "install.ps1",
    ]),
  );
});

// A Go binary built with CGO_ENABLED=0 is statically linked on purpose: lintian lets that pass for
// packages built from source with golang-go, which a binary package cannot show, and rpmlint has no
// such exception. The .rpm packages are signed with the sandbox's FERRY_GPG_KEY.
it("has packages that lintian and rpmlint accept, with no errors", async () => {
  const lintian = await execa(
    "lintian",
    ["--no-cfg", "--suppress-tags", "statically-linked-binary", dist("hello_1.0.0_amd64.deb"), dist("hello_1.0.0_arm64.deb")],
    {
      reject: false,
      all: true,
    },
  );
  expect(lintian.all.split("\n").filter((line) => line.startsWith("E:"))).toEqual([]);
  // rpmlint checks the signatures with rpm, whose database (in a throwaway HOME's macros) holds the sandbox's key alone.
  const home = await temp("ferry-rpmlint-");
  await writeFile(join(home, ".rpmmacros"), `%_dbpath ${join(home, "rpmdb")}\n`);
  await writeFile(join(home, "sandbox.asc"), (await gpgSigner({ FERRY_GPG_KEY: sandbox.env.FERRY_GPG_KEY }))!.publicKey);
  await execa("rpm", ["--import", join(home, "sandbox.asc")], { env: { HOME: home } });
  await writeFile(join(home, "rpmlint.toml"), 'Filters = ["statically-linked-binary"]\n');
  const rpmlint = await execa(
    "rpmlint",
    ["--config", join(home, "rpmlint.toml"), dist("hello-1.0.0-1.x86_64.rpm"), dist("hello-1.0.0-1.aarch64.rpm")],
    { reject: false, all: true, env: { HOME: home } },
  );
  expect(rpmlint.all.split("\n").filter((line) => line.includes(": E: "))).toEqual([]);
  expect(rpmlint.all).toMatch(/ 2 packages and 0 specfiles checked; 0 errors/);
}, 120_000);

it("apt-get installs hello from the APT repository into a throwaway root, InRelease checked with the sandbox's key", async () => {
  const root = await temp("ferry-apt-root-");
  for (const sub of [
    "etc/apt/sources.list.d",
    "etc/apt/preferences.d",
    "etc/apt/apt.conf.d",
    "var/lib/apt/lists/partial",
    "var/cache/apt/archives/partial",
    "var/lib/dpkg/updates",
    "var/lib/dpkg/info",
    "var/log/apt",
  ])
    await mkdir(join(root, sub), { recursive: true });
  await writeFile(join(root, "var/lib/dpkg/status"), "");
  // The key the sandbox gave ferry, not the one the repository publishes: apt trusts it alone.
  const signer = (await gpgSigner({ FERRY_GPG_KEY: sandbox.env.FERRY_GPG_KEY }))!;
  await writeFile(join(root, "sandbox.asc"), signer.publicKey);
  const url = `${sandbox.env.FERRY_SANDBOX_APT_PAGES}/apt`;
  await writeFile(join(root, "etc/apt/sources.list"), `deb [signed-by=${join(root, "sandbox.asc")}] ${url} stable main\n`);
  const options = [
    `Dir=${root}`,
    `Dir::State::status=${join(root, "var/lib/dpkg/status")}`,
    "Debug::NoLocking=1",
    "APT::Sandbox::User=root",
    "APT::Architecture=amd64",
    "APT::Architectures::=amd64",
    "Acquire::Languages=none",
    // dpkg installs under the root, keeps its database there, and runs as the user without a chroot.
    `DPkg::Options::=--root=${root}`,
    `DPkg::Options::=--log=${join(root, "var/log/dpkg.log")}`,
    "DPkg::Options::=--force-not-root",
    "DPkg::Options::=--force-script-chrootless",
  ].flatMap((o) => ["-o", o]);
  const aptGet = (args: string[]) =>
    execa("apt-get", [...options, ...args], { reject: false, all: true, env: { DEBIAN_FRONTEND: "noninteractive" } });

  const update = await aptGet(["update"]);
  expect(update.exitCode, update.all).toBe(0);
  expect(update.all).toContain(`Get:1 ${url} stable InRelease`);
  expect(update.all).not.toMatch(/NO_PUBKEY|not signed|W:|E:/);
  const install = await aptGet(["install", "--yes", "hello"]);
  expect(install.exitCode, install.all).toBe(0);
  expect(install.all).toContain("Setting up hello (1.0.0)");
  aptBinary = join(root, "usr/bin/hello");
  expect((await execa(aptBinary, ["--version"])).stdout).toBe("hello 1.0.0");
  expect(await readFile(join(root, "var/lib/dpkg/status"), "utf8")).toMatch(/^Package: hello\nStatus: install ok installed\n/);
}, 120_000);

it("dnf installs hello from the RPM repository's .repo file into a throwaway root, with gpgcheck and repo_gpgcheck", async () => {
  const root = await temp("ferry-dnf-root-");
  const url = sandbox.env.FERRY_RPM_URL!;
  await mkdir(join(root, "repos"));
  await writeFile(join(root, "repos/hello.repo"), await (await fetch(`${url}/hello.repo`)).text());
  const install = await execa(
    "dnf",
    [
      ...[
        "--installroot",
        join(root, "root"),
        "--setopt",
        `reposdir=${join(root, "repos")}`,
        "--setopt",
        `cachedir=${join(root, "cache")}`,
      ],
      ...["--releasever", "1", "--assumeyes", "install", "hello"],
    ],
    { reject: false, all: true },
  );
  expect(install.exitCode, install.all).toBe(0);
  expect(install.all).toContain(`From       : ${url}/RPM-GPG-KEY-hello`);
  expect(install.all).toMatch(/Installing +: hello-1\.0\.0-1\.x86_64/);
  expect((await execa(join(root, "root/usr/bin/hello"), ["--version"])).stdout).toBe("hello 1.0.0");
}, 120_000);

it("install.sh, run by dash, installs the same binary from the GitHub Release, its checksum checked", async () => {
  expect(aptBinary, "apt-get installed hello").toBeDefined();
  const prefix = await temp("ferry-install-sh-");
  const script = await (await fetch(`${sandbox.env.GITHUB_SERVER_URL}/ferry-examples/hello/releases/download/${tag}/install.sh`)).text();
  const run = await execa("dash", ["-s", "--", "--prefix", prefix], {
    input: script,
    env: { FERRY_INSTALL_OS: "linux", FERRY_INSTALL_ARCH: "x86_64", FERRY_INSTALL_LIBC: "gnu" },
    reject: false,
    all: true,
  });
  expect(run.exitCode, run.all).toBe(0);
  expect(run.all).toContain(`installed hello 1.0.0 (hello_1.0.0_linux_amd64.tar.gz) to ${prefix}/bin/hello`);
  expect((await execa(join(prefix, "bin/hello"), ["--version"])).stdout).toBe("hello 1.0.0");
  expect(await sha256(join(prefix, "bin/hello"))).toBe(await sha256(aptBinary));
}, 60_000);

it("a second release publishes nothing to the APT and RPM repositories", async () => {
  const before = [await branchHead(), await branchHead(sandbox.env.FERRY_RPM_GIT)];
  const again = await release();
  expect(again.exitCode, JSON.stringify(again)).toBe(0);
  expect(again.targets.map((t) => `${t.registry} ${t.status}`).sort()).toEqual(["apt already-published", "rpm already-published"]);
  expect([await branchHead(), await branchHead(sandbox.env.FERRY_RPM_GIT)]).toEqual(before);
}, 300_000);
