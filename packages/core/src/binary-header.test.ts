import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binaryMismatch, checkBinary, joinUniversal, readBinaryHeader } from "./binary-header.ts";
import { parseTarget, targetNames, targetValues, type Target } from "./targets.ts";

// Real executables from the toolchains on this machine: C cross compilers (tiny, no libc) and Go.
let dir: string;
const path = (name: string) => join(dir, name);
const target = (name: string): Target => parseTarget(name)!;

/** A freestanding C program: no libc, so a cross compiler needs nothing else installed. */
const cc = (compiler: string, out: string, ...flags: string[]) =>
  execa(compiler, [...flags, "-nostdlib", "-static", "-o", path(out), path("start.c")]);

const goBuild = (name: string, out: string) => {
  const values = targetValues(target(name));
  return execa("go", ["build", "-trimpath", "-o", path(out), "."], {
    cwd: dir,
    env: { GOOS: values.os, GOARCH: values.goarch, GOARM: values.goarm, CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false" },
  });
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-binaries-"));
  await writeFile(path("start.c"), "void _start(void) { for (;;); }\nint main(void) { return 0; }\n");
  await writeFile(path("main.go"), 'package main\n\nfunc main() { println("hi") }\n');
  await writeFile(path("go.mod"), "module hi\n\ngo 1.19\n");
  await Promise.all([
    execa("gcc", ["-o", path("amd64-dynamic"), path("start.c"), "-nostartfiles"]),
    cc("gcc", "amd64-static"),
    cc("gcc", "386", "-m32"),
    cc("aarch64-linux-gnu-gcc", "arm64"),
    cc("arm-linux-gnueabihf-gcc", "armv7"),
    execa("x86_64-w64-mingw32-gcc", ["-o", path("amd64.exe"), path("start.c")]),
    goBuild("darwin/amd64", "darwin-amd64"),
    goBuild("darwin/arm64", "darwin-arm64"),
  ]);
  await writeFile(path("script"), "#!/bin/sh\necho hi\n");
}, 170_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("readBinaryHeader", () => {
  it.each([
    ["amd64-dynamic", "linux", ["amd64"], "glibc", "ELF 64-bit x86-64 (interpreter /lib64/ld-linux-x86-64.so.2) for Linux"],
    ["amd64-static", "linux", ["amd64"], undefined, "ELF 64-bit x86-64 for Linux"],
    ["386", "linux", ["386"], undefined, "ELF 32-bit Intel 80386 for Linux"],
    ["arm64", "linux", ["arm64"], undefined, "ELF 64-bit AArch64 for Linux"],
    ["armv7", "linux", ["armv7"], undefined, "ELF 32-bit ARM (EABI5) for Linux"],
    ["amd64.exe", "windows", ["amd64"], undefined, "PE x86-64"],
    ["darwin-amd64", "darwin", ["amd64"], undefined, "Mach-O x86_64"],
    ["darwin-arm64", "darwin", ["arm64"], undefined, "Mach-O arm64"],
  ])("reads %s", async (file, os, archs, libc, description) => {
    expect(await readBinaryHeader(path(file))).toEqual({ os, archs, description, ...(libc ? { libc } : {}) });
  });

  it("leaves scripts unchecked", async () => {
    expect(await readBinaryHeader(path("script"))).toBeUndefined();
    await expect(checkBinary(path("script"), target("windows/arm64"))).resolves.toBeUndefined();
  });
});

describe("checkBinary", () => {
  it("accepts each binary for its own target", async () => {
    for (const [file, name] of [
      ["amd64-dynamic", "linux/amd64"],
      ["amd64-static", "linux/amd64-musl"],
      ["386", "linux/386"],
      ["arm64", "linux/arm64"],
      ["armv7", "linux/armv7"],
      ["amd64.exe", "windows/amd64"],
      ["darwin-arm64", "darwin/arm64"],
    ]) {
      await expect(checkBinary(path(file!), target(name!)), `${file} as ${name}`).resolves.toBeUndefined();
    }
  });

  it("refuses a binary of another platform, naming the target, what it expected and what it found", async () => {
    const error = await checkBinary(path("amd64-dynamic"), target("darwin/arm64")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BinaryMismatch", exitCode: 2 });
    expect((error as Error).message).toContain(
      "The darwin/arm64 build wrote a binary for another platform: it is an ELF 64-bit x86-64 (interpreter /lib64/ld-linux-x86-64.so.2) for Linux, not a darwin/arm64 binary.",
    );
    const wrong = async (file: string, name: string) => binaryMismatch((await readBinaryHeader(path(file)))!, target(name));
    expect(await wrong("arm64", "linux/amd64")).toBe("it is an ELF 64-bit AArch64 for Linux, not a linux/amd64 binary");
    expect(await wrong("armv7", "linux/386")).toBe("it is an ELF 32-bit ARM (EABI5) for Linux, not a linux/386 binary");
    expect(await wrong("amd64.exe", "windows/arm64")).toBe("it is a PE x86-64, not a windows/arm64 binary");
    expect(await wrong("darwin-amd64", "darwin/universal")).toBe("it is a Mach-O x86_64, not a darwin/universal binary");
    expect(await wrong("amd64-dynamic", "linux/amd64-musl")).toBe(
      "it is an ELF 64-bit x86-64 (interpreter /lib64/ld-linux-x86-64.so.2) for Linux, linked against glibc, not musl",
    );
  });
});

describe("joinUniversal", () => {
  it("joins darwin/amd64 and darwin/arm64 into one fat Mach-O whose slices read back byte for byte", async () => {
    await joinUniversal([path("darwin-amd64"), path("darwin-arm64")], path("universal"));
    expect(await readBinaryHeader(path("universal"))).toEqual({
      os: "darwin",
      archs: ["universal", "amd64", "arm64"],
      description: "fat Mach-O (x86_64, arm64)",
    });
    await expect(checkBinary(path("universal"), target("darwin/universal"))).resolves.toBeUndefined();

    // Each slice sits at its recorded offset, 16 KiB aligned, identical to the thin file it came from.
    const { readFile } = await import("node:fs/promises");
    const fat = await readFile(path("universal"));
    for (const [i, thin] of ["darwin-amd64", "darwin-arm64"].entries()) {
      const offset = fat.readUInt32BE(16 + i * 20);
      const size = fat.readUInt32BE(20 + i * 20);
      expect(offset % 16384).toBe(0);
      expect(fat.subarray(offset, offset + size).equals(await readFile(path(thin)))).toBe(true);
    }
  });

  it("refuses a slice that is not a 64-bit Mach-O", async () => {
    await expect(joinUniversal([path("darwin-amd64"), path("arm64")], path("bad"))).rejects.toMatchObject({ code: "BinaryMismatch" });
  });
});

// Every target Go can build, read back: FERRY_ALL_TARGETS=1 (a Go runtime build per target is slow on a cold cache).
describe.runIf(process.env.FERRY_ALL_TARGETS)("every Go target", () => {
  const goTargets = targetNames.filter((name) => !name.endsWith("-musl") && !name.endsWith("/universal"));
  it.each(goTargets)("%s", async (name) => {
    const out = name.replace("/", "-");
    await goBuild(name, out);
    await expect(checkBinary(path(out), target(name))).resolves.toBeUndefined();
  });
});
