import { readFile, rm } from "node:fs/promises";
import { createContext, FerryError, type Context } from "@ferry/core";
import { startGitHub, type GitHubStandIn } from "@ferry/sandbox";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import winget from "../registries/winget/src/index.ts";
import type { WingetOptions } from "../registries/winget/src/options.ts";
import { makeRelease, type FixtureOptions } from "./fixtures.ts";
import { schemaValidator } from "./schemas.ts";

const canary = "ghp_CANARYwinget1234567890";
const upstream = "microsoft/winget-pkgs";
const dir = "manifests/h/Hello/Hello/1.2.3";

let github: GitHubStandIn;
const dirs: string[] = [];
const logs: string[] = [];

beforeAll(async () => {
  github = await startGitHub({ token: canary });
  github.createRepo(upstream, { defaultBranch: "master", files: { "README.md": "# winget-pkgs\n" } });
});
afterAll(async () => {
  await github?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function context(
  release: FixtureOptions = {},
  options: Partial<WingetOptions> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<Context<WingetOptions>> {
  const fixture = await makeRelease(release);
  dirs.push(fixture.project.dir);
  return createContext({
    registry: "winget",
    options: winget.options.parse({ identifier: "Hello.Hello", ...options }),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env: { GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, WINGET_TOKEN: canary, ...env },
    log: (message) => logs.push(message),
  });
}

const schemas: Record<string, (data: unknown) => string[]> = {
  version: schemaValidator("winget/v1.10.0/manifest.version.1.10.0.json"),
  installer: schemaValidator("winget/v1.10.0/manifest.installer.1.10.0.json"),
  defaultLocale: schemaValidator("winget/v1.10.0/manifest.defaultLocale.1.10.0.json"),
};

// GitHub asks clients to space out writes (a second apart), and the client honours it: publishing takes seconds.
describe("winget (GitHub stand-in)", { timeout: 60_000 }, () => {
  it("opens one pull request from a fork with the three manifests, and finds it on a re-run", async () => {
    const ctx = await context();
    expect(await winget.exists(ctx)).toEqual({ state: "absent" });

    const prepared = await winget.prepare(ctx);
    const published = await winget.publish(ctx, prepared);
    expect(published.detail).toMatch(/^pull request #1 /);

    const [pull, ...others] = github.pulls(upstream);
    expect(others).toEqual([]);
    expect(pull).toMatchObject({
      head: `${github.login}:ferry/Hello.Hello-1.2.3`,
      base: "master",
      state: "open",
      title: "New version: Hello.Hello version 1.2.3",
    });
    const files = Object.keys(pull!.files).filter((p) => p.startsWith("manifests/"));
    expect(files.sort()).toEqual([`${dir}/Hello.Hello.installer.yaml`, `${dir}/Hello.Hello.locale.en-US.yaml`, `${dir}/Hello.Hello.yaml`]);
    for (const path of files) {
      const data = parse(pull!.files[path]!) as { ManifestType: string };
      expect(schemas[data.ManifestType]!(data), path).toEqual([]);
      // What prepare() wrote locally is what went into the pull request.
      expect(await readFile(`${ctx.outDir}/${path}`, "utf8")).toBe(pull!.files[path]);
    }
    const installer = parse(pull!.files[`${dir}/Hello.Hello.installer.yaml`]!) as { Installers: Array<Record<string, unknown>> };
    const zips = ctx.manifest.artifacts.filter((a) => a.os === "windows").sort((a, b) => a.arch.localeCompare(b.arch));
    expect(installer.Installers.map((i) => [i.Architecture, i.InstallerUrl, i.InstallerSha256])).toEqual(
      zips.map((a) => [a.arch === "amd64" ? "x64" : "arm64", a.url, a.sha256.toUpperCase()]),
    );
    // The fork was made under the token's user, and upstream's branch was left alone.
    expect(github.readFile(`${github.login}/winget-pkgs`, "README.md", "master")).toBe("# winget-pkgs\n");
    expect(github.readFile(upstream, `${dir}/Hello.Hello.yaml`)).toBeUndefined();

    expect(await winget.verify(ctx, published)).toEqual({ state: "awaiting-review", detail: "pull request #1" });

    const again = await context();
    expect(await winget.exists(again)).toEqual({ state: "present", matches: true, detail: "pull request #1 awaiting review" });
    const rerun = await winget.publish(again, await winget.prepare(again));
    expect(rerun.detail).toMatch(/^pull request #1 .*already open$/);
    expect(github.pulls(upstream)).toHaveLength(1);

    const conflicting = await context({ marker: "-rebuilt" });
    expect(await winget.exists(conflicting)).toMatchObject({ state: "present", matches: false });
  });

  it("reports a merged version as present and verified, comparing installer checksums", async () => {
    const ctx = await context({ version: "2.0.0" });
    const { changes } = await winget.prepare(ctx);
    github.createRepo("merged/winget-pkgs", { defaultBranch: "master", files: changes });
    const merged = { ...ctx, options: { ...ctx.options, repository: "merged/winget-pkgs" } };
    expect(await winget.exists(merged)).toEqual({
      state: "present",
      matches: true,
      detail: `manifests/h/Hello/Hello/2.0.0 in merged/winget-pkgs`,
    });
    expect(await winget.verify(merged, { detail: "" })).toMatchObject({ state: "verified" });

    const other = await context({ version: "2.0.0", marker: "-other" });
    expect(await winget.exists({ ...other, options: merged.options })).toMatchObject({ state: "present", matches: false });
  });

  it("counts another tool's open pull request for the version as present", async () => {
    const ctx = await context({ version: "6.0.0" });
    const { changes } = await winget.prepare(ctx);
    // Another contributor's branch, written straight into the upstream, with the same installers.
    const gh = ctx.github(canary);
    const [owner, repo] = upstream.split("/") as [string, string];
    const base = await gh.rest.git.getRef({ owner, repo, ref: "heads/master" });
    await gh.rest.git.createRef({ owner, repo, ref: "refs/heads/komac/Hello.Hello-6.0.0", sha: base.data.object.sha });
    for (const [path, text] of Object.entries(changes)) {
      const reformatted = text.replace(/^# .*\n/, "# Created with komac\n");
      await gh.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path,
        branch: "komac/Hello.Hello-6.0.0",
        message: "add",
        content: Buffer.from(reformatted).toString("base64"),
      });
    }
    const pull = await gh.rest.pulls.create({
      owner,
      repo,
      head: "komac/Hello.Hello-6.0.0",
      base: "master",
      title: "New version: Hello.Hello version 6.0.0 (#1234)",
    });
    expect(await winget.exists(ctx)).toEqual({
      state: "present",
      matches: true,
      detail: `pull request #${pull.data.number} awaiting review`,
    });
  });

  it("retries a 5xx, and throws when GitHub refuses or cannot be reached, instead of guessing", async () => {
    const ctx = await context({ version: "3.0.0" });
    github.failNext("GET", /\/contents\//, 502);
    expect(await winget.exists(ctx)).toEqual({ state: "absent" });
    github.failNext("GET", /\/contents\//, 451);
    await expect(winget.exists(ctx)).rejects.toMatchObject({ code: "RegistryRefused" });
    const unreachable = await context({ version: "3.0.0" }, {}, { GITHUB_API_URL: "http://127.0.0.1:9" });
    await expect(winget.exists(unreachable)).rejects.toMatchObject({ code: "RegistryUnreachable" });
  });

  it("asks for a token before publishing, and never writes it out", async () => {
    const ctx = await context({ version: "4.0.0" }, {}, { WINGET_TOKEN: "" });
    const error = await winget.publish(ctx, await winget.prepare(ctx)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe("SecretMissing");
    for (const text of [...Object.values(github.pulls(upstream)[0]!.files), ...logs]) expect(text).not.toContain(canary);
  });

  it("reads wingetcreate's token variable as a fallback", async () => {
    const ctx = await context({ version: "5.0.0" }, {}, { WINGET_TOKEN: "", WINGET_CREATE_GITHUB_TOKEN: canary });
    expect((await winget.publish(ctx, await winget.prepare(ctx))).detail).toMatch(/^pull request #\d+ /);
  });

  it("skips prereleases unless asked", () => {
    expect(winget.skipsPrereleases).toBe(true);
  });
});
