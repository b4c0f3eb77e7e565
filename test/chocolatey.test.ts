import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createContext, readManifest, type Context } from "@ferry/core";
import { startChocolatey, type ChocolateySandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import chocolatey from "../registries/chocolatey/src/index.ts";
import type { ChocolateyOptions } from "../registries/chocolatey/src/options.ts";
import { makeRelease, type FixtureOptions } from "./fixtures.ts";
import { expectServed } from "./served-urls.ts";

const run = promisify(execFile);
let feed: ChocolateySandbox;
const dirs: string[] = [];

beforeAll(async () => {
  feed = await startChocolatey();
}, 60_000);
afterAll(async () => {
  await feed?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function context(release: FixtureOptions = {}, options: Partial<ChocolateyOptions> = {}, env: NodeJS.ProcessEnv = feed.env) {
  const fixture = await makeRelease(release);
  dirs.push(fixture.project.dir);
  const ctx: Context<ChocolateyOptions> = createContext({
    registry: "chocolatey",
    options: chocolatey.options.parse(options),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env,
  });
  return { ctx, distDir: fixture.distDir };
}

const scratch = async () => {
  const dir = await mkdtemp(join(tmpdir(), "ferry-choco-test-"));
  dirs.push(dir);
  return dir;
};

/** Debian's NuGet client (mono) installs the package from a folder feed, as any NuGet source is read. */
async function nugetInstall(nupkg: string, id: string, version: string): Promise<string> {
  const source = await scratch();
  const out = await scratch();
  await copyFile(nupkg, join(source, `${id}.${version}.nupkg`));
  await run("nuget", ["install", id, "-Version", version, "-Source", source, "-OutputDirectory", out, "-NonInteractive"], {
    timeout: 120_000,
    env: { ...process.env, HOME: out },
  });
  return join(out, `${id}.${version}`);
}

describe("chocolatey", { timeout: 180_000 }, () => {
  it("packs a .nupkg that NuGet installs, whose script fetches the windows amd64 zip with the manifest's checksum", async () => {
    const { ctx, distDir } = await context({ version: "1.2.3-rc.1" }, { tags: ["hello", "cli"] });
    const { nupkg, files } = await chocolatey.prepare(ctx);
    expect(nupkg.version).toBe("1.2.3-rc1");
    expect(files.map((f) => f.slice(ctx.outDir.length + 1)).sort()).toEqual(
      expect.arrayContaining([
        "content/[Content_Types].xml",
        "content/_rels/.rels",
        "content/hello.nuspec",
        "content/tools/chocolateyinstall.ps1",
        "hello.1.2.3-rc1.nupkg",
      ]),
    );
    expect(Object.keys(nupkg.parts).some((p) => /^package\/services\/metadata\/core-properties\/[0-9a-f]{32}\.psmdcp$/.test(p))).toBe(true);

    const installed = await nugetInstall(nupkg.file, "hello", "1.2.3-rc1");
    const { stdout: nuspec } = await run("bsdtar", ["-xOf", join(installed, "hello.1.2.3-rc1.nupkg"), "hello.nuspec"]);
    expect(nuspec).toContain("<id>hello</id>");
    expect(nuspec).toContain("<version>1.2.3-rc1</version>");
    expect(nuspec).toContain("<tags>hello cli</tags>");
    const script = await readFile(join(installed, "tools", "chocolateyinstall.ps1"), "utf8");
    const manifest = await readManifest(join(distDir, "manifest.json"));
    const windows = manifest.artifacts.find((a) => a.os === "windows" && a.arch === "amd64")!;
    expect(script).toContain(`url64bit       = '${windows.url}'`);
    expect(script).toContain(`checksum64     = '${windows.sha256}'`);
    expect(script).toContain("checksumType64 = 'sha256'");
    expect(script).toContain("Install-ChocolateyZipPackage @packageArgs");

    const again = await chocolatey.prepare(ctx);
    expect(again.nupkg.sha512).toBe(nupkg.sha512);
  });

  it("pushes; moderation is awaiting-review; once approved it verifies, exists() matches, and a re-run is a no-op", async () => {
    const { ctx } = await context({ version: "1.2.3" });
    expect(await chocolatey.exists(ctx)).toEqual({ state: "absent" });
    const prepared = await chocolatey.prepare(ctx);
    const published = await chocolatey.publish(ctx, prepared);
    expect(published.detail).toContain("pushed hello 1.2.3");
    expect(await chocolatey.verify(ctx, published)).toMatchObject({ state: "awaiting-review" });
    expect(await chocolatey.exists(ctx)).toMatchObject({
      state: "present",
      matches: true,
      detail: expect.stringContaining("awaiting moderation"),
    });

    feed.approve("hello", "1.2.3");
    expect(await chocolatey.verify(ctx, published)).toMatchObject({ state: "verified", detail: expect.stringContaining("Approved") });
    expect(await chocolatey.exists(ctx)).toEqual({ state: "present", matches: true, detail: "hello 1.2.3 is on the feed" });
    // Each entry's content src downloads the package whose hash the entry lists.
    const atom = await (await fetch(`${feed.url}api/v2/FindPackagesById()?id='hello'`)).text();
    const served = await expectServed(atom, feed.url);
    const [, src, hash] = /src="([^"]+)"[\s\S]*?<d:PackageHash>([^<]+)</.exec(atom)!;
    expect(createHash("sha512").update(served.get(src!)!).digest("base64")).toBe(hash);

    const pushes = () => feed.requests.filter((r) => r.startsWith("PUT ")).length;
    const before = pushes();
    expect((await chocolatey.publish(ctx, await chocolatey.prepare(ctx))).detail).toContain("already pushed");
    expect(pushes()).toBe(before + 1);

    const conflicting = await context({ version: "1.2.3", marker: "other" });
    expect(await chocolatey.exists(conflicting.ctx)).toMatchObject({ state: "present", matches: false });
    await expect(chocolatey.publish(conflicting.ctx, await chocolatey.prepare(conflicting.ctx))).rejects.toMatchObject({
      code: "PublishedContentDiffers",
    });
  });

  it("refuses a wrong API key and a missing one, and throws when the feed is unreachable", async () => {
    const { ctx } = await context({ version: "3.0.0" }, {}, { ...feed.env, CHOCOLATEY_API_KEY: "wrong-key-CANARY" });
    const error = await chocolatey.publish(ctx, await chocolatey.prepare(ctx)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RegistryRefused" });
    expect(String(error)).not.toContain("CANARY");
    const { CHOCOLATEY_API_KEY: _, ...noKey } = feed.env;
    const missing = await context({ version: "3.0.0" }, {}, noKey);
    await expect(chocolatey.publish(missing.ctx, await chocolatey.prepare(missing.ctx))).rejects.toMatchObject({ code: "SecretMissing" });
    const dead = await context({ version: "3.0.0" }, {}, { FERRY_CHOCOLATEY_SOURCE: "http://127.0.0.1:9/" });
    await expect(chocolatey.exists(dead.ctx)).rejects.toMatchObject({ code: "RegistryUnreachable" });
  });
});
