import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createContext, FerryError, type Context } from "@ferry/core";
import { startFlathub, startGitHub, type FlathubSandbox, type GitHubStandIn } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import flathub from "../registries/flathub/src/index.ts";
import type { FlathubOptions } from "../registries/flathub/src/options.ts";
import { makeRelease, type FixtureOptions } from "./fixtures.ts";
import { schemaValidator } from "./schemas.ts";

const run = promisify(execFile);
const canary = "ghp_CANARYflathub1234567890";
const appId = "com.example.Hello";
const appRepo = `flathub/${appId}`;
const manifestPath = `${appId}.json`;
const metainfoPath = `${appId}.metainfo.xml`;
// 2023-11-14T22:13:20Z
const sourceDateEpoch = "1700000000";

const previousMetainfo = `<?xml version="1.0" encoding="UTF-8"?>
<component type="console-application">
  <id>${appId}</id>
  <releases>
    <release version="1.0.0" date="2023-01-02"/>
  </releases>
</component>
`;

let github: GitHubStandIn;
let store: FlathubSandbox;
const dirs: string[] = [];
const logs: string[] = [];
const validManifest = schemaValidator("flatpak/flatpak-manifest.schema.json");

beforeAll(async () => {
  [github, store] = await Promise.all([startGitHub({ token: canary }), startFlathub()]);
  github.createRepo(appRepo, { defaultBranch: "master", files: { [metainfoPath]: previousMetainfo, "flathub.json": "{}\n" } });
  store.setApp({ id: appId, releases: [{ version: "1.0.0" }] });
});
afterAll(async () => {
  await Promise.all([github?.stop(), store?.stop()]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function context(
  release: FixtureOptions = {},
  options: Partial<FlathubOptions> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<Context<FlathubOptions>> {
  const fixture = await makeRelease(release);
  dirs.push(fixture.project.dir);
  return createContext({
    registry: "flathub",
    options: flathub.options.parse({ appId, ...options }),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env: {
      ...store.env,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: github.url,
      FLATHUB_TOKEN: canary,
      SOURCE_DATE_EPOCH: sourceDateEpoch,
      ...env,
    },
    log: (message) => logs.push(message),
  });
}

async function written(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-flathub-e2e-"));
  dirs.push(dir);
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

// GitHub asks clients to space out writes (a second apart), and the client honours it: publishing takes seconds.
describe("flathub (GitHub and Flathub stand-ins)", { timeout: 60_000 }, () => {
  it("opens one pull request to the app's repository with a valid manifest and metainfo, and finds it on a re-run", async () => {
    const ctx = await context();
    expect(await flathub.exists(ctx)).toEqual({ state: "absent" });
    const published = await flathub.publish(ctx, await flathub.prepare(ctx));
    expect(published.detail).toMatch(/^pull request #1 /);

    const [pull, ...others] = github.pulls(appRepo);
    expect(others).toEqual([]);
    expect(pull).toMatchObject({ head: `${github.login}:ferry/1.2.3`, base: "master", state: "open", title: `Update ${appId} to 1.2.3` });
    const manifest = pull!.files[manifestPath]!;
    const metainfo = pull!.files[metainfoPath]!;

    expect(validManifest(JSON.parse(manifest))).toEqual([]);
    const shown = await run("flatpak-builder", ["--show-manifest", await written(manifestPath, manifest)]);
    const sources = (JSON.parse(shown.stdout) as { modules: Array<{ sources: Array<Record<string, unknown>> }> }).modules[0]!.sources;
    const linux = ctx.manifest.artifacts.filter((a) => a.os === "linux").sort((a, b) => a.arch.localeCompare(b.arch));
    expect(sources.filter((s) => s.type === "extra-data").map((s) => [s["only-arches"], s.url, s.sha256, s.size])).toEqual(
      linux.map((a) => [[a.arch === "amd64" ? "x86_64" : "aarch64"], a.url, a.sha256, a.size]),
    );

    const validation = await run("appstreamcli", ["validate", "--no-net", "--no-color", await written(metainfoPath, metainfo)]).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(validation.stdout).not.toMatch(/^E:/m);
    // The new release goes first, dated from SOURCE_DATE_EPOCH; the earlier one is kept.
    expect(metainfo).toContain(`<release version="1.2.3" date="2023-11-14"/>\n    <release version="1.0.0" date="2023-01-02"/>`);
    expect(github.readFile(appRepo, manifestPath)).toBeUndefined();

    expect(await flathub.verify(ctx, published)).toEqual({ state: "awaiting-review", detail: "pull request #1" });

    // A re-run on another day still recognises its pull request.
    const again = await context({}, {}, { SOURCE_DATE_EPOCH: "" });
    expect(await flathub.exists(again)).toEqual({ state: "present", matches: true, detail: "pull request #1 awaiting review" });
    expect((await flathub.publish(again, await flathub.prepare(again))).detail).toMatch(/^pull request #1 .*already open$/);
    expect(github.pulls(appRepo)).toHaveLength(1);

    const conflicting = await context({ marker: "-rebuilt" });
    expect(await flathub.exists(conflicting)).toMatchObject({ state: "present", matches: false });
  });

  it("follows a merged version until Flathub serves it", async () => {
    const ctx = await context({ version: "2.0.0" });
    const { changes } = await flathub.prepare(ctx);
    github.createRepo("flathub/com.example.Merged", { defaultBranch: "master", files: changes });
    const merged = { ...ctx, options: { ...ctx.options, repository: "flathub/com.example.Merged" } };
    expect(await flathub.exists(merged)).toMatchObject({ state: "present", matches: true, detail: expect.stringMatching(/^merged into/) });
    expect(await flathub.verify(merged, { detail: "" })).toMatchObject({ state: "awaiting-review" });

    store.setApp({ id: appId, releases: [{ version: "2.0.0" }, { version: "1.0.0" }] });
    expect(await flathub.exists(merged)).toEqual({ state: "present", matches: true, detail: "2.0.0 on Flathub" });
    expect(await flathub.verify(merged, { detail: "" })).toEqual({ state: "verified", detail: "2.0.0 on Flathub" });
    // The metainfo keeps the date it was released with.
    const rerendered = await flathub.prepare({
      ...merged,
      env: (name: string) => (name === "SOURCE_DATE_EPOCH" ? "1800000000" : ctx.env(name)),
    });
    expect(rerendered.changes).toEqual(changes);
  });

  it("stops with the submission link for an app that is not on Flathub yet", async () => {
    const ctx = await context({ version: "1.0.0" }, { appId: "com.example.Brandnew" });
    expect(await flathub.exists(ctx)).toEqual({ state: "absent" });
    const error = (await flathub.publish(ctx, await flathub.prepare(ctx)).catch((e: unknown) => e)) as FerryError;
    expect(error).toBeInstanceOf(FerryError);
    expect(error.message).toContain("https://docs.flathub.org/docs/for-app-authors/submission");
    expect(github.pulls("flathub/flathub")).toEqual([]);
  });

  it("retries a 5xx, and throws when Flathub keeps failing, instead of guessing", async () => {
    const ctx = await context({ version: "3.0.0" });
    store.failNext(503);
    expect(await flathub.exists(ctx)).toEqual({ state: "absent" });
    store.failNext(500, 4);
    await expect(flathub.exists(ctx)).rejects.toMatchObject({ code: "RegistryUnreachable" });
    const unreachable = await context({ version: "3.0.0" }, { api: "http://127.0.0.1:9/api/v2" });
    await expect(flathub.exists(unreachable)).rejects.toMatchObject({ code: "RegistryUnreachable" });
  });

  it("asks for a token before publishing, and never writes it out", async () => {
    const ctx = await context({ version: "4.0.0" }, {}, { FLATHUB_TOKEN: "", GITHUB_TOKEN: canary });
    await expect(flathub.publish(ctx, await flathub.prepare(ctx))).rejects.toMatchObject({ code: "SecretMissing" });
    for (const text of [...Object.values(github.pulls(appRepo)[0]!.files), ...logs]) expect(text).not.toContain(canary);
  });
});
