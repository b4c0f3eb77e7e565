import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createContext } from "@ferry/core";
import { afterAll, describe, expect, it } from "vitest";
import { makeRelease } from "../../../test/fixtures.ts";
import { npmOptions } from "./options.ts";
import { checkNames, render } from "./render.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function context(version = "1.2.3") {
  const release = await makeRelease({
    version,
    targets: [
      ["linux", "amd64"],
      ["darwin", "arm64"],
      ["windows", "amd64"],
    ],
  });
  dirs.push(release.project.dir);
  return createContext({ registry: "npm", options: npmOptions.parse({ package: "@hello/cli" }), ...release, env: {} });
}

const readJson = async (file: string) => JSON.parse(await readFile(file, "utf8")) as unknown;

describe("render", () => {
  it("renders one package per platform and a main package with a shim", async () => {
    const ctx = await context();
    const { packages, files } = await render(ctx, ctx.outDir);
    expect(packages.map((p) => p.name)).toEqual(["@hello/cli-darwin-arm64", "@hello/cli-linux-x64", "@hello/cli-win32-x64", "@hello/cli"]);
    const manifests = files.filter((f) => f.endsWith("package.json"));
    expect(await readJson(manifests[1]!)).toMatchInlineSnapshot(`
      {
        "cpu": [
          "x64",
        ],
        "description": "The hello binary for linux x64; installed by @hello/cli.",
        "homepage": "https://example.com/hello",
        "license": "MIT",
        "name": "@hello/cli-linux-x64",
        "os": [
          "linux",
        ],
        "preferUnplugged": true,
        "repository": {
          "type": "git",
          "url": "git+https://github.com/ferry-test/hello.git",
        },
        "version": "1.2.3",
      }
    `);
    expect(await readJson(manifests[3]!)).toMatchInlineSnapshot(`
      {
        "bin": {
          "hello": "bin/hello.js",
        },
        "description": "Says hello and prints its version.",
        "homepage": "https://example.com/hello",
        "license": "MIT",
        "name": "@hello/cli",
        "optionalDependencies": {
          "@hello/cli-darwin-arm64": "1.2.3",
          "@hello/cli-linux-x64": "1.2.3",
          "@hello/cli-win32-x64": "1.2.3",
        },
        "repository": {
          "type": "git",
          "url": "git+https://github.com/ferry-test/hello.git",
        },
        "version": "1.2.3",
      }
    `);
    const shim = await readFile(join(ctx.outDir, "packages", "hello-cli", "bin", "hello.js"), "utf8");
    expect(shim).toContain('"linux x64": "@hello/cli-linux-x64"');
    expect(shim).toContain('"win32 x64": "@hello/cli-win32-x64"');
  });

  it("gives the same bytes on every run", async () => {
    // Two output directories: each packs its own.
    const first = await render(await context("2.0.0-rc.1"));
    const second = await render(await context("2.0.0-rc.1"));
    expect(second.packages[0]!.tarball).not.toBe(first.packages[0]!.tarball);
    expect(second.packages.map((p) => p.integrity)).toEqual(first.packages.map((p) => p.integrity));
    expect(second.packages.map((p) => p.shasum)).toEqual(first.packages.map((p) => p.shasum));
  });

  it("refuses a name npm would refuse", async () => {
    const ctx = await context();
    expect(() =>
      checkNames({ ...ctx, options: { ...ctx.options, package: "Hello CLI" }, targets: [{ os: "linux", arch: "amd64" }] }),
    ).toThrow(/\[npm\] "Hello CLI" is not a valid npm package name/);
  });
});
