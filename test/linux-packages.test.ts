import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ferry, linuxPackageProject } from "./cli.ts";
import { makeGpgKey, type TestGpgKey } from "./gpg.ts";

// One project with a licence, a README, a man page and a bash completion, built once for
// linux/amd64 and linux/arm64, the .rpm signed with a throwaway GPG key; the packages are then
// read by Debian's and RPM's own tools.
let dir: string;
let key: TestGpgKey;
let env: Record<string, string>;
const epoch = "1700000000";
const dist = (name: string) => join(dir, ".ferry", name);
const deb = "hello_1.2.3_amd64.deb";
const rpm = "hello-1.2.3-1.x86_64.rpm";

beforeAll(async () => {
  key = await makeGpgKey();
  env = { SOURCE_DATE_EPOCH: epoch, FERRY_GPG_KEY: key.secretKey };
  dir = await mkdtemp(join(tmpdir(), "ferry-packages-"));
  await writeFile(
    join(dir, "ferry.yaml"),
    `${linuxPackageProject}build:
  command: printf '#!/bin/sh\\necho "hello {{version}} {{os}}/{{arch}}"\\n' > {{output}}
  targets: [linux/amd64, linux/arm64]
packages:
  license: LICENSE
  docs: [README.md]
  man: [hello.1]
  completions: { bash: hello.bash }
  depends: { deb: [dash], rpm: [bash] }
  conflicts: [hello-legacy]
`,
  );
  await writeFile(join(dir, "README.md"), "# hello\n");
  await writeFile(join(dir, "LICENSE"), "MIT License\n\nCopyright (c) 2026 Acme\n\nPermission is hereby granted.\n");
  await writeFile(join(dir, "hello.1"), ".TH HELLO 1\n.SH NAME\nhello \\- says hello\n");
  await writeFile(join(dir, "hello.bash"), 'complete -W "--version" hello\n');
  const run = await ferry(["build", "--tag", "v1.2.3"], { cwd: dir, env });
  expect(run.code, run.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await key?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sh = async (file: string, args: string[]) => {
  const result = await execa(file, args, { reject: false, all: true });
  return { code: result.exitCode, out: result.all ?? "" };
};

it("lists every package in manifest.json and checksums.txt", async () => {
  const manifest = JSON.parse(await readFile(dist("manifest.json"), "utf8")) as {
    files: Array<{ name: string; kind: string; arch: string }>;
  };
  expect(manifest.files.map((f) => `${f.kind} ${f.arch} ${f.name}`)).toEqual([
    "deb amd64 hello_1.2.3_amd64.deb",
    "deb arm64 hello_1.2.3_arm64.deb",
    "rpm arm64 hello-1.2.3-1.aarch64.rpm",
    "rpm amd64 hello-1.2.3-1.x86_64.rpm",
  ]);
  const check = await execa("sha256sum", ["--check", "--strict", "checksums.txt"], { cwd: join(dir, ".ferry"), reject: false });
  expect(check.exitCode, check.stdout + check.stderr).toBe(0);
  expect(check.stdout).toContain(`${deb}: OK`);
  expect(check.stdout).toContain(`${rpm}: OK`);
});

it("makes a .deb that dpkg-deb reads, lintian accepts and dpkg installs into a throwaway root", async () => {
  const info = await sh("dpkg-deb", ["--info", dist(deb)]);
  expect(info.code, info.out).toBe(0);
  for (const line of [
    "Package: hello",
    "Version: 1.2.3",
    "Architecture: amd64",
    "Maintainer: Acme <dev@acme.test>",
    "Depends: dash",
    "Conflicts: hello-legacy",
  ])
    expect(info.out).toContain(` ${line}\n`);
  expect(info.out).toMatch(/ Installed-Size: \d+\n/);
  const contents = await sh("dpkg-deb", ["--contents", dist(deb)]);
  expect(contents.out).toMatch(/^-rwxr-xr-x root\/root +\d+ 2023-11-14 22:13 \.\/usr\/bin\/hello$/m);
  for (const path of [
    "usr/share/doc/hello/copyright",
    "usr/share/doc/hello/changelog.gz",
    "usr/share/man/man1/hello.1.gz",
    "usr/share/bash-completion/completions/hello",
  ])
    expect(contents.out).toMatch(new RegExp(`^-rw-r--r-- root/root .* \\./${path}$`, "m"));
  expect((await sh("dpkg-deb", ["--field", dist("hello_1.2.3_arm64.deb"), "Architecture"])).out.trim()).toBe("arm64");

  const lintian = await sh("lintian", ["--no-cfg", dist(deb)]);
  expect(lintian.out.split("\n").filter((l) => l.startsWith("E:"))).toEqual([]);

  const root = join(dir, "debroot");
  await mkdir(join(root, "var/lib/dpkg/updates"), { recursive: true });
  await writeFile(join(root, "var/lib/dpkg/status"), "");
  const install = await sh("dpkg", [
    "--root",
    root,
    "--force-not-root",
    "--force-script-chrootless",
    "--force-depends",
    "--install",
    dist(deb),
  ]);
  expect(install.code, install.out).toBe(0);
  expect((await sh(join(root, "usr/bin/hello"), [])).out).toBe("hello 1.2.3 linux/amd64");
}, 180_000);

it("makes a signed .rpm whose digests and signature rpm checks, that rpmlint accepts and rpm installs into a throwaway root", async () => {
  const info = await sh("rpm", ["-qip", dist(rpm)]);
  expect(info.code, info.out).toBe(0);
  expect(info.out).toMatch(/^Name +: hello$/m);
  expect(info.out).toMatch(/^Version +: 1\.2\.3$/m);
  expect(info.out).toMatch(/^Architecture: x86_64$/m);
  expect((await sh("rpm", ["-qp", "--requires", dist(rpm)])).out).toMatch(/^bash$/m);
  expect((await sh("rpm", ["-qp", "--conflicts", dist(rpm)])).out).toMatch(/^hello-legacy$/m);
  expect((await sh("rpm", ["-qp", "--qf", "%{ARCH}", dist("hello-1.2.3-1.aarch64.rpm")])).out).toMatch(/aarch64$/);
  const files = await sh("rpm", ["-qlvp", dist(rpm)]);
  expect(files.out).toMatch(/^-rwxr-xr-x +1 root +root +\d+ .*\/usr\/bin\/hello$/m);
  expect(files.out).toMatch(/\/usr\/share\/licenses\/hello\/LICENSE$/m);

  // rpm -K with the public key imported into a database of the test's own.
  const db = join(dir, "rpmdb");
  await writeFile(join(dir, "key.asc"), key.publicKey);
  const unknownKey = await sh("rpm", ["--dbpath", db, "--checksig", dist(rpm)]);
  expect(unknownKey.out).toContain("SIGNATURES NOT OK");
  expect(unknownKey.code).not.toBe(0);
  const imported = await sh("rpmkeys", ["--dbpath", db, "--import", join(dir, "key.asc")]);
  expect(imported.code, imported.out).toBe(0);
  const checked = await sh("rpm", ["--dbpath", db, "--checksig", dist(rpm)]);
  expect(checked.code, checked.out).toBe(0);
  expect(checked.out).toBe(`${dist(rpm)}: digests signatures OK`);
  const digests = await sh("rpm", ["--dbpath", db, "--checksig", "--verbose", dist(rpm)]);
  expect(digests.out).toContain(`Header V4 EdDSA/SHA512 Signature, key ID ${key.fingerprint.slice(-8).toLowerCase()}: OK`);
  for (const line of ["Header SHA256 digest: OK", "Payload SHA256 digest: OK", "MD5 digest: OK"]) expect(digests.out).toContain(line);

  // The test binary is a shell script, not an ELF file, and the throwaway key is not in the
  // system's rpm database (rpm -K checked the signature against it above).
  const config = join(dir, "rpmlint.toml");
  await writeFile(config, 'Filters = ["no-binary", "unknown-key"]\n');
  const lint = await sh("rpmlint", ["--config", config, dist(rpm)]);
  expect(lint.out.split("\n").filter((l) => l.includes(": E: "))).toEqual([]);
  expect(lint.out).toMatch(/ 0 errors/);

  const root = join(dir, "rpmroot");
  await mkdir(root);
  const install = await sh("rpm", ["--install", "--root", root, "--nodeps", dist(rpm)]);
  expect(install.code, install.out).toBe(0);
  expect((await sh(join(root, "usr/bin/hello"), [])).out).toBe("hello 1.2.3 linux/amd64");
}, 120_000);

it("is reproducible: another build with the same SOURCE_DATE_EPOCH makes the same bytes", async () => {
  const run = await ferry(["build", "--tag", "v1.2.3", "--target", "linux/amd64", "--dist", "again"], { cwd: dir, env });
  expect(run.code, run.stderr).toBe(0);
  for (const name of [deb, rpm]) expect(await readFile(join(dir, "again", name))).toEqual(await readFile(dist(name)));
}, 120_000);

it("ferry plan shows each package's control data and files, as dpkg-deb and rpm read them from the package", async () => {
  const planned = join(dir, "planned");
  const run = await ferry(["plan", "--tag", "v1.2.3", "--dist", "planned"], { cwd: dir, env: { SOURCE_DATE_EPOCH: epoch } });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(
    new RegExp(
      `--- ${deb} \\(\\d+ bytes, sha256 [0-9a-f]{64}\\)\\npackage: hello\\nversion: 1\\.2\\.3\\narchitecture: amd64\\nmaintainer: Acme <dev@acme\\.test>\\nsummary: Says hello and prints its version\\ndepends: dash\\nconflicts: hello-legacy\\nfiles:\\n  0755 +\\d+ /usr/bin/hello\\n`,
    ),
  );
  expect(run.stdout).toMatch(new RegExp(`--- ${rpm.replace(/\./g, "\\.")} .*\\n(.*\\n)*?version: 1\\.2\\.3-1\\narchitecture: x86_64\\n`));

  const json = await ferry(["plan", "--tag", "v1.2.3", "--dist", "planned", "--json"], { cwd: dir, env: { SOURCE_DATE_EPOCH: epoch } });
  expect(json.code, json.stderr).toBe(0);
  type Details = { file: string; depends: string[]; files: Array<{ path: string; mode: string; size: number }> };
  const packages = (JSON.parse(json.stdout) as { release: { packages: Details[] } }).release.packages;
  expect(packages.map((p) => p.file).sort()).toEqual(
    ["hello-1.2.3-1.aarch64.rpm", rpm, "hello_1.2.3_amd64.deb", "hello_1.2.3_arm64.deb"].sort(),
  );
  const listed = (file: string) =>
    packages
      .find((p) => p.file === file)!
      .files.map((f) => `${f.mode} ${f.size} ${f.path}`)
      .sort();

  // dpkg-deb lists directories too (ending in /); the plan lists the files each package installs.
  const perms = (text: string) =>
    [...text.slice(1)]
      .reduce((mode, c, i) => mode | (c === "-" ? 0 : 1 << (8 - i)), 0)
      .toString(8)
      .padStart(4, "0");
  const debFiles = (await sh("dpkg-deb", ["--contents", join(planned, deb)])).out
    .split("\n")
    .filter((l) => l.startsWith("-"))
    .map((l) => l.split(/ +/))
    .map((f) => `${perms(f[0]!)} ${f[2]} ${f[5]!.slice(1)}`)
    .sort();
  expect(listed(deb)).toEqual(debFiles);
  const rpmFiles = (await sh("rpm", ["-qp", "--qf", "[%{FILEMODES:octal} %{FILESIZES} %{FILENAMES}\\n]", join(planned, rpm)])).out
    .split("\n")
    .filter((l) => l.startsWith("100")) // regular files; 40755 are directories
    .map((l) => `0${l.slice(3)}`)
    .sort();
  expect(listed(rpm)).toEqual(rpmFiles);
}, 180_000);

it("refuses a FERRY_GPG_KEY that is not a key (exit 2), and ferry doctor checks the .rpm signing key", async () => {
  const bad = await ferry(["build", "--tag", "v1.2.3", "--target", "linux/amd64", "--dist", "bad"], {
    cwd: dir,
    env: { FERRY_GPG_KEY: "not a key" },
  });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("FERRY_GPG_KEY is not an OpenPGP private key");
  expect(bad.stderr).not.toContain("not a key\n");
  expect(bad.stderr).not.toMatch(/^\s+at /m);
  const badDoctor = await ferry(["doctor"], { cwd: dir, env: { FERRY_GPG_KEY: "not a key" } });
  expect(badDoctor.stdout).toMatch(/packages +rpm signing key.*FERRY_GPG_KEY is not an OpenPGP private key/);
  const doctor = await ferry(["doctor"], { cwd: dir, env });
  expect(doctor.stdout).toMatch(
    new RegExp(`packages +rpm signing key.*signs the \\.rpm as key ${key.fingerprint.slice(-16)} \\(Ferry Test <test@example\\.com>\\)`),
  );
}, 60_000);
