import { createHash, generateKeyPairSync, verify } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ferry, linuxPackageProject } from "./cli.ts";

// A project with .apk packages, signed with a throwaway RSA key, read back by a reader that follows
// Alpine's v2 format (apk-tools is not packaged for Debian): gzip streams, then tars in each.
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-apk-"));
  await writeFile(
    join(dir, "ferry.yaml"),
    `${linuxPackageProject}build:
  command: printf '#!/bin/sh\\necho "hello {{version}} {{os}}/{{arch}}"\\n' > {{output}}
  targets: [linux/amd64, linux/amd64-musl, linux/arm64]
packages:
  formats: [apk]
  license: LICENSE
  depends: { apk: [busybox] }
  conflicts: [hello-legacy]
`,
  );
  await writeFile(join(dir, "LICENSE"), "MIT License\n");
  const key = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const run = await ferry(["build", "--tag", "v1.2.3-rc.1"], { cwd: dir, env: { SOURCE_DATE_EPOCH: "1700000000", APK_PRIVATE_KEY: key } });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout + run.stderr).not.toContain("PRIVATE KEY");
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The gzip streams an .apk is made of, each inflated: a gzip header of 10 bytes (no name), deflate data, an 8-byte trailer. */
function gzipStreams(bytes: Buffer): Array<{ raw: Buffer; data: Buffer }> {
  const streams: Array<{ raw: Buffer; data: Buffer }> = [];
  let offset = 0;
  while (offset < bytes.length) {
    expect(bytes.subarray(offset, offset + 4)).toEqual(Buffer.from([0x1f, 0x8b, 8, 0]));
    const { buffer, engine } = inflateRawSync(bytes.subarray(offset + 10), { info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    const end = offset + 10 + engine.bytesWritten + 8;
    streams.push({ raw: bytes.subarray(offset, end), data: buffer });
    offset = end;
  }
  return streams;
}

/** The entries of a tar, with the PAX records before each. */
function tarEntries(tar: Buffer): Array<{ path: string; mode: number; type: string; data: Buffer; pax: Record<string, string> }> {
  const entries = [];
  let pax: Record<string, string> = {};
  for (let offset = 0; offset + 512 <= tar.length && tar[offset] !== 0;) {
    const field = (start: number, length: number) => tar.toString("latin1", offset + start, offset + start + length).replace(/\0.*$/s, "");
    const size = parseInt(field(124, 12), 8);
    const type = field(156, 1);
    const path = field(0, 100);
    const mode = parseInt(field(100, 8), 8);
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      for (const record of data.toString("utf8").split("\n").filter(Boolean)) {
        const [key, ...value] = record.slice(record.indexOf(" ") + 1).split("=");
        pax[key!] = value.join("=");
      }
      continue;
    }
    entries.push({ path, mode, type, data, pax });
    pax = {};
  }
  return entries;
}

it("makes an .apk per architecture, the amd64 one from the musl build, listed in manifest.json", async () => {
  const manifest = JSON.parse(await readFile(join(dir, ".ferry", "manifest.json"), "utf8")) as {
    files: Array<{ name: string; kind: string }>;
  };
  expect(manifest.files.map((f) => `${f.kind} ${f.name}`)).toEqual([
    "apk hello-1.2.3_rc1-r0.aarch64.apk",
    "apk hello-1.2.3_rc1-r0.x86_64.apk",
  ]);
});

it("writes a signature, control and data stream that Alpine's format checks accept", async () => {
  const [signature, control, data, ...rest] = gzipStreams(await readFile(join(dir, ".ferry", "hello-1.2.3_rc1-r0.x86_64.apk")));
  expect(rest).toEqual([]);

  const [sign] = tarEntries(signature!.data);
  expect(sign!.path).toBe(".SIGN.RSA.hello.rsa.pub");
  expect(verify("sha1", control!.raw, publicKey, sign!.data)).toBe(true);

  const [info, ...more] = tarEntries(control!.data);
  expect(more).toEqual([]);
  expect(info!.path).toBe(".PKGINFO");
  const pkginfo = info!.data.toString("utf8");
  for (const line of [
    "pkgname = hello",
    "pkgver = 1.2.3_rc1-r0",
    "pkgdesc = Says hello and prints its version",
    "arch = x86_64",
    "license = MIT",
    "builddate = 1700000000",
    "depend = busybox",
    "depend = !hello-legacy",
    `datahash = ${createHash("sha256").update(data!.raw).digest("hex")}`,
  ]) {
    expect(pkginfo).toContain(`${line}\n`);
  }

  const files = tarEntries(data!.data);
  expect(files.map((f) => `${f.type} ${f.mode.toString(8)} ${f.path}`)).toEqual([
    "5 755 usr/",
    "5 755 usr/bin/",
    "0 755 usr/bin/hello",
    "5 755 usr/share/",
    "5 755 usr/share/licenses/",
    "5 755 usr/share/licenses/hello/",
    "0 644 usr/share/licenses/hello/LICENSE",
  ]);
  for (const file of files.filter((f) => f.type === "0")) {
    expect(file.pax["APK-TOOLS.checksum.SHA1"]).toBe(createHash("sha1").update(file.data).digest("hex"));
  }
  expect(files.find((f) => f.path === "usr/bin/hello")!.data.toString()).toBe('#!/bin/sh\necho "hello 1.2.3-rc.1 linux/amd64-musl"\n');
});

it("refuses a signing key that is not an RSA private key, exit 2", async () => {
  const run = await ferry(["build", "--tag", "v1.2.3"], { cwd: dir, env: { APK_PRIVATE_KEY: "not a key" } });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("APK_PRIVATE_KEY is not a PEM RSA private key");
  expect(run.stderr).not.toContain("not a key");
});

it("ferry doctor checks the signing key", async () => {
  const bad = await ferry(["doctor"], { cwd: dir, env: { APK_PRIVATE_KEY: "not a key" } });
  expect(bad.stdout).toMatch(/packages +apk signing key.*APK_PRIVATE_KEY is not a PEM RSA private key/);
  const good = await ferry(["doctor"], {
    cwd: dir,
    env: { APK_PRIVATE_KEY: privateKey.export({ type: "pkcs1", format: "pem" }).toString() },
  });
  expect(good.stdout).toMatch(/packages +apk signing key.*signs the \.apk as hello\.rsa\.pub/);
});
