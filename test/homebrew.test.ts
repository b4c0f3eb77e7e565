import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContext, readManifest, type Context } from "@ferry/core";
import { createBareRepo, startGitHub, startGitRepos, type GitHubStandIn, type GitReposSandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import homebrew from "../registries/homebrew/src/index.ts";
import { makeRelease, type FixtureOptions, type FixtureRelease } from "./fixtures.ts";
import { change, commits, history, show } from "./git-repos.ts";

// Each step runs several git processes; the machine running the suite may be busy.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Options = ReturnType<typeof homebrew.options.parse>;
const canary = "github_pat_CANARYhomebrew0123456789abcdef";
const path = "Formula/hello.rb";
const cleanup: string[] = [];
const logs: string[] = [];

afterAll(async () => {
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A release whose archives are gone from dist/ and whose URLs point at a closed port: any download would fail. */
async function release(options: FixtureOptions = {}): Promise<FixtureRelease> {
  const fixture = await makeRelease(options);
  cleanup.push(fixture.project.dir);
  for (const file of await readdir(fixture.distDir)) if (file !== "manifest.json") await rm(join(fixture.distDir, file));
  return fixture;
}

function context(fixture: FixtureRelease, options: Partial<Options>, env: NodeJS.ProcessEnv = {}): Context<Options> {
  return createContext({
    registry: "homebrew",
    options: homebrew.options.parse(options),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env: { HOMEBREW_TAP_TOKEN: canary, ...env },
    log: (message) => logs.push(message),
  });
}

async function publish(ctx: Context<Options>) {
  const prepared = await homebrew.prepare(ctx);
  const published = await homebrew.publish(ctx, prepared);
  const verified = await homebrew.verify(ctx, published);
  return { prepared, published, verified };
}

/** What `brew` would read: valid Ruby, and exactly the URLs and sha256s of manifest.json. */
async function expectFormulaFor(text: string | undefined, fixture: FixtureRelease) {
  expect(text).toBeDefined();
  const file = join(await mkdtemp(join(tmpdir(), "ferry-rb-")), "hello.rb");
  cleanup.push(file);
  await writeFile(file, text!);
  expect(execFileSync("ruby", ["-c", file], { encoding: "utf8" })).toContain("Syntax OK");
  const manifest = await readManifest(join(fixture.distDir, "manifest.json"));
  const pairs = [...text!.matchAll(/url "([^"]+)"\n\s+sha256 "([0-9a-f]{64})"/g)].map((m) => [m[1], m[2]]);
  const expected = manifest.artifacts.filter((a) => a.os !== "windows").map((a) => [a.url, a.sha256]);
  expect(pairs.sort()).toEqual(expected.sort());
  expect(text).toContain(`version "${manifest.version}"`);
}

describe("homebrew over file://", () => {
  let bare: string;
  let fixture: FixtureRelease;
  const options = () => ({ git: `file://${bare}` });

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), "ferry-tap-"));
    cleanup.push(root);
    bare = join(root, "homebrew-tap.git");
    await createBareRepo(bare, "homebrew-tap");
    fixture = await release();
  });

  it("publishes a formula that is absent, verifies it, then finds it present", async () => {
    const ctx = context(fixture, options());
    expect(await homebrew.exists(ctx)).toEqual({ state: "absent" });
    const { prepared, published, verified } = await publish(ctx);
    expect(published.detail).toMatch(/^commit [0-9a-f]{12} to file:\/\/.*@main$/);
    expect(verified).toMatchObject({ state: "verified" });
    expect(commits(bare)).toHaveLength(2);
    const text = show(bare, path);
    expect(text).toBe(await readFile(prepared.files[0]!, "utf8"));
    await expectFormulaFor(text, fixture);
    expect(await homebrew.exists(ctx)).toMatchObject({ state: "present", matches: true });
  });

  it("commits nothing on a second publish", async () => {
    const before = commits(bare);
    const { published, verified } = await publish(context(fixture, options()));
    expect(published.detail).toMatch(/already up to date/);
    expect(verified).toMatchObject({ state: "verified" });
    expect(commits(bare)).toEqual(before);
  });

  it("restores identical bytes after the formula was deleted, from manifest.json alone", async () => {
    const original = show(bare, path);
    change(bare, { [path]: undefined });
    const ctx = context(fixture, options());
    expect(await homebrew.exists(ctx)).toEqual({ state: "absent" });
    await publish(ctx);
    expect(show(bare, path)).toBe(original);
  });

  it("reports a conflicting release of the same version as present, not matching", async () => {
    const conflicting = await release({ marker: "-rebuilt" });
    expect(await homebrew.exists(context(conflicting, options()))).toMatchObject({ state: "present", matches: false, detail: expect.stringMatching(/other sha256s/) });
  });

  it("updates an older version, and never downgrades a newer one", async () => {
    const newer = await release({ version: "1.3.0" });
    expect(await homebrew.exists(context(newer, options()))).toEqual({ state: "absent" });
    await publish(context(newer, options()));
    await expectFormulaFor(show(bare, path), newer);
    expect(await homebrew.exists(context(fixture, options()))).toMatchObject({
      state: "present",
      matches: false,
      detail: expect.stringMatching(/newer 1\.3\.0; not downgrading/),
    });
  });

  it("keeps the tap token out of commits, rendered files and messages", async () => {
    const rendered = await readFile(join(fixture.distDir, "ferry", "homebrew", path), "utf8");
    expect(rendered).not.toContain(canary);
    expect(history(bare)).not.toContain(canary);
    expect(history(bare)).toContain("ferry <ferry@users.noreply.github.com>");
    expect(logs.join("\n")).not.toContain(canary);
  });

  it("throws when the tap cannot be reached", async () => {
    await expect(homebrew.exists(context(fixture, { git: "git://127.0.0.1:9/homebrew-tap.git" }))).rejects.toMatchObject({ code: "RegistryUnreachable" });
  });
});

describe("homebrew over git daemon", () => {
  let repos: GitReposSandbox;
  beforeAll(async () => {
    repos = await startGitRepos(["homebrew"]);
  });
  afterAll(() => repos?.stop());

  it("pushes to FERRY_HOMEBREW_GIT, which wins over `tap`", async () => {
    const fixture = await release();
    const ctx = context(fixture, { tap: "acme/homebrew-tap" }, repos.env);
    expect(await homebrew.exists(ctx)).toEqual({ state: "absent" });
    const { verified } = await publish(ctx);
    expect(verified).toMatchObject({ state: "verified" });
    await expectFormulaFor(show(repos.dirs.homebrew!, path), fixture);
    expect(await homebrew.exists(ctx)).toMatchObject({ state: "present", matches: true });
    const before = commits(repos.dirs.homebrew!);
    await publish(ctx);
    expect(commits(repos.dirs.homebrew!)).toEqual(before);
  });
});

describe("homebrew through the GitHub contents API", () => {
  let github: GitHubStandIn;
  const tap = "acme/homebrew-tap";
  beforeAll(async () => {
    github = await startGitHub({ token: canary });
    github.createRepo(tap, { defaultBranch: "main", files: { "README.md": "# tap\n" } });
  });
  afterAll(() => github?.stop());
  const env = () => ({ GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: "ghs_release_token_not_for_taps" });

  it("writes Formula/hello.rb once, verifies it, and commits nothing on a re-run", async () => {
    const fixture = await release();
    const ctx = context(fixture, { tap }, env());
    expect(await homebrew.exists(ctx)).toEqual({ state: "absent" });
    const { prepared, verified } = await publish(ctx);
    expect(verified).toMatchObject({ state: "verified" });
    expect(github.readFile(tap, path)).toBe(prepared.commit[path]);
    await expectFormulaFor(github.readFile(tap, path), fixture);
    expect(await homebrew.exists(ctx)).toMatchObject({ state: "present", matches: true });

    const puts = () => github.requests.filter((r) => r.method === "PUT").length;
    const before = puts();
    const again = await publish(ctx);
    expect(again.published.detail).toMatch(/already up to date/);
    expect(puts()).toBe(before);
  });

  it("refuses to fall back to GITHUB_TOKEN when the tap token is missing", async () => {
    const fixture = await release();
    const ctx = context(fixture, { tap }, { ...env(), HOMEBREW_TAP_TOKEN: "" });
    await expect(homebrew.exists(ctx)).rejects.toMatchObject({ code: "SecretMissing", message: expect.stringMatching(/HOMEBREW_TAP_TOKEN.*Contents: Read and write/) });
  });

  it("throws, rather than answering absent, for a tap the token cannot see", async () => {
    const fixture = await release();
    await expect(homebrew.exists(context(fixture, { tap: "acme/homebrew-missing" }, env()))).rejects.toMatchObject({ code: "RegistryRefused" });
  });
});
