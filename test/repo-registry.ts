// The cases every registry that commits one file to a repository (tap, bucket, flake) must pass, against
// real git (a bare repository over file://, optionally git daemon) and the GitHub stand-in's contents API.
import { mkdir, mkdtemp, readFile, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContext, readManifest, type Context, type Prepared, type ReleaseManifest, type Registry } from "@ferry/core";
import { createBareRepo, startGitHub, startGitRepos, type GitHubStandIn, type GitReposSandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeRelease, type FixtureOptions, type FixtureRelease } from "./fixtures.ts";
import { change, commits, history, show } from "./git-repos.ts";

export interface RepoRegistrySpec<Options> {
  adapter: Registry<Options, Prepared & { commit: Record<string, string> }>;
  /** The file's path in the repository for the fixture project "hello". */
  path: string;
  /** The secret the adapter reads its token from. */
  token: string;
  /** The GitHub repository the stand-in holds, e.g. acme/homebrew-tap. */
  githubRepository: string;
  /** Options that select a GitHub repository for the contents API. */
  repository(fullName: string): Record<string, unknown>;
  /**
   * Checks a published file as the registry's own tools would, and that its checksums are manifest.json's.
   * `archives` holds the release's archives (moved out of the output directory, so the adapter cannot use them).
   */
  check(text: string, manifest: ReleaseManifest, archives: string): Promise<void> | void;
  /** Also run the flow through `git daemon` (FERRY_<NAME>_GIT, which wins over the repository option). */
  daemon?: boolean;
}

const canary = "github_pat_CANARYrepofiles0123456789abcdef";

export function testRepoRegistry<Options>(spec: RepoRegistrySpec<Options>): void {
  const { adapter, path } = spec;
  const cleanup: string[] = [];
  const logs: string[] = [];
  // Each step runs several git processes; the machine running the suite may be busy.
  vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
  afterAll(() => Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true }))));

  /** A release whose archives are gone from the output directory and whose URLs point at a closed port: any download would fail. */
  async function release(options: FixtureOptions = {}): Promise<FixtureRelease> {
    const fixture = await makeRelease(options);
    cleanup.push(fixture.project.dir);
    await mkdir(archives(fixture));
    for (const file of await readdir(fixture.distDir)) {
      if (file !== "manifest.json") await rename(join(fixture.distDir, file), join(archives(fixture), file));
    }
    return fixture;
  }
  const archives = (fixture: FixtureRelease) => join(fixture.project.dir, "archives");

  function context(fixture: FixtureRelease, options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Context<Options> {
    return createContext({
      registry: adapter.name,
      options: adapter.options.parse(options),
      project: fixture.project,
      version: fixture.version,
      manifest: fixture.manifest,
      distDir: fixture.distDir,
      env: { [spec.token]: canary, ...env },
      log: (message) => logs.push(message),
    });
  }

  async function publish(ctx: Context<Options>) {
    const prepared = await adapter.prepare(ctx);
    const published = await adapter.publish(ctx, prepared);
    const verified = await adapter.verify(ctx, published);
    expect(verified).toMatchObject({ state: "verified" });
    return { prepared, published };
  }

  const check = async (text: string | undefined, fixture: FixtureRelease) => {
    expect(text).toBeDefined();
    await spec.check(text!, await readManifest(join(fixture.distDir, "manifest.json")), archives(fixture));
  };

  describe(`${adapter.name} over file://`, () => {
    let bare: string;
    let fixture: FixtureRelease;
    const options = () => ({ git: `file://${bare}` });

    beforeAll(async () => {
      const root = await mkdtemp(join(tmpdir(), `ferry-${adapter.name}-`));
      cleanup.push(root);
      bare = join(root, `${adapter.name}.git`);
      await createBareRepo(bare, adapter.name);
      fixture = await release();
    });

    it("publishes a file that is absent, verifies it, then finds it present and matching", async () => {
      const ctx = context(fixture, options());
      expect(await adapter.exists(ctx)).toEqual({ state: "absent" });
      const { prepared, published } = await publish(ctx);
      expect(published.detail).toMatch(/^commit [0-9a-f]{12} to file:\/\/.*@main$/);
      expect(commits(bare)).toHaveLength(2);
      expect(show(bare, path)).toBe(await readFile(prepared.files[0]!, "utf8"));
      await check(show(bare, path), fixture);
      expect(await adapter.exists(ctx)).toMatchObject({ state: "present", matches: true });
    });

    it("commits nothing on a second publish", async () => {
      const before = commits(bare);
      const { published } = await publish(context(fixture, options()));
      expect(published.detail).toMatch(/already up to date/);
      expect(commits(bare)).toEqual(before);
    });

    it("restores identical bytes after the file was deleted, from manifest.json alone", async () => {
      const original = show(bare, path);
      change(bare, { [path]: undefined });
      const ctx = context(fixture, options());
      expect(await adapter.exists(ctx)).toEqual({ state: "absent" });
      await publish(ctx);
      expect(show(bare, path)).toBe(original);
    });

    it("reports a conflicting build of the same version as present, not matching", async () => {
      const conflicting = await release({ marker: "-rebuilt" });
      const presence = await adapter.exists(context(conflicting, options()));
      expect(presence).toMatchObject({ state: "present", matches: false });
      expect(presence.state === "present" && presence.detail).toMatch(/other sha256s/);
    });

    it("updates an older version, and finds a newer one, which an older release leaves alone", async () => {
      const newer = await release({ version: "1.3.0" });
      expect(await adapter.exists(context(newer, options()))).toEqual({ state: "absent" });
      await publish(context(newer, options()));
      await check(show(bare, path), newer);
      expect(await adapter.exists(context(fixture, options()))).toEqual({
        state: "newer",
        version: "1.3.0",
        where: expect.stringMatching(new RegExp(`^${path} in .*@main$`)) as unknown,
      });
    });

    it("keeps the token out of commits, rendered files and messages", async () => {
      const rendered = await readFile(join(fixture.distDir, "registries", adapter.name, path), "utf8");
      expect(rendered).not.toContain(canary);
      expect(history(bare)).not.toContain(canary);
      expect(history(bare)).toContain("ferry <ferry@users.noreply.github.com>");
      expect(logs.join("\n")).not.toContain(canary);
    });

    it("throws when the repository cannot be reached", async () => {
      await expect(adapter.exists(context(fixture, { git: "git://127.0.0.1:9/closed.git" }))).rejects.toMatchObject({
        code: "RegistryUnreachable",
      });
    });
  });

  if (spec.daemon) {
    describe(`${adapter.name} over git daemon`, () => {
      let repos: GitReposSandbox;
      beforeAll(async () => {
        repos = await startGitRepos([adapter.name]);
      });
      afterAll(() => repos?.stop());

      it(`pushes to FERRY_${adapter.name.toUpperCase()}_GIT, which wins over the GitHub repository`, async () => {
        const fixture = await release();
        const bare = repos.dirs[adapter.name]!;
        const ctx = context(fixture, spec.repository(spec.githubRepository), repos.env);
        expect(await adapter.exists(ctx)).toEqual({ state: "absent" });
        await publish(ctx);
        await check(show(bare, path), fixture);
        expect(await adapter.exists(ctx)).toMatchObject({ state: "present", matches: true });
        const before = commits(bare);
        await publish(ctx);
        expect(commits(bare)).toEqual(before);
      });
    });
  }

  describe(`${adapter.name} through the GitHub contents API`, () => {
    let github: GitHubStandIn;
    const repository = spec.githubRepository;
    beforeAll(async () => {
      github = await startGitHub({ token: canary });
      github.createRepo(repository, { defaultBranch: "main", files: { "README.md": "# packages\n" } });
    });
    afterAll(() => github?.stop());
    const env = () => ({ GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: "ghs_release_token_not_for_this" });

    it("writes the file once, verifies it, and commits nothing on a re-run", async () => {
      const fixture = await release();
      const ctx = context(fixture, spec.repository(repository), env());
      expect(await adapter.exists(ctx)).toEqual({ state: "absent" });
      const { prepared } = await publish(ctx);
      expect(github.readFile(repository, path)).toBe(prepared.commit[path]);
      await check(github.readFile(repository, path), fixture);
      expect(await adapter.exists(ctx)).toMatchObject({ state: "present", matches: true });

      const puts = () => github.requests.filter((r) => r.method === "PUT").length;
      const before = puts();
      const { published } = await publish(ctx);
      expect(published.detail).toMatch(/already up to date/);
      expect(puts()).toBe(before);
    });

    it(`refuses to fall back to GITHUB_TOKEN when ${spec.token} is missing`, async () => {
      const ctx = context(await release(), spec.repository(repository), { ...env(), [spec.token]: "" });
      await expect(adapter.exists(ctx)).rejects.toMatchObject({ code: "SecretMissing" });
      await expect(adapter.exists(ctx)).rejects.toThrow(/Contents: Read and write/);
    });

    it("throws, rather than answering absent, for a repository the token cannot see", async () => {
      await expect(adapter.exists(context(await release(), spec.repository(`${repository}-missing`), env()))).rejects.toMatchObject({
        code: "RegistryRefused",
      });
    });
  });
}
