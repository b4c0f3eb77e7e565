import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContext, type ReleaseManifest } from "@ferry/core";
import { createBareRepo } from "@ferry/sandbox";
import { afterAll, describe, expect, it } from "vitest";
import homebrew from "../registries/homebrew/src/index.ts";
import { makeRelease } from "./fixtures.ts";
import { commits, show } from "./git-repos.ts";
import { testRepoRegistry } from "./repo-registry.ts";

/** What brew reads: valid Ruby, naming exactly the given archives of manifest.json by url and sha256. */
function expectRuby(text: string, manifest: ReleaseManifest, os: Array<"darwin" | "linux">) {
  const dir = mkdtempSync(join(tmpdir(), "ferry-rb-"));
  try {
    writeFileSync(join(dir, "hello.rb"), text);
    expect(execFileSync("ruby", ["-c", join(dir, "hello.rb")], { encoding: "utf8" })).toContain("Syntax OK");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const urls = [...text.matchAll(/url "([^"]+)"/g)].map((m) => m[1]);
  const sums = [...text.matchAll(/sha256 "([0-9a-f]{64})"/g)].map((m) => m[1]);
  const expected = manifest.artifacts.filter((a) => (os as string[]).includes(a.os));
  expect(urls.sort()).toEqual(expected.map((a) => a.url).sort());
  expect(sums.sort()).toEqual(expected.map((a) => a.sha256).sort());
  expect(text).toContain(`version "${manifest.version}"`);
}

testRepoRegistry({
  adapter: homebrew,
  path: "Formula/hello.rb",
  token: "HOMEBREW_TAP_TOKEN",
  githubRepository: "acme/homebrew-tap",
  repository: (fullName) => ({ tap: fullName }),
  daemon: true,
  check: (text, manifest) => expectRuby(text, manifest, ["darwin", "linux"]),
});

describe("homebrew cask", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it("publishes Casks/<name>.rb with the macOS archives, and finds it present", async () => {
    const root = await mkdtemp(join(tmpdir(), "ferry-cask-"));
    const fixture = await makeRelease();
    dirs.push(root, fixture.project.dir);
    const bare = join(root, "homebrew-tap.git");
    await createBareRepo(bare, "homebrew-tap");
    const ctx = createContext({
      registry: "homebrew",
      options: homebrew.options.parse({ git: `file://${bare}`, cask: true }),
      ...fixture,
      env: {},
    });
    expect(await homebrew.exists(ctx)).toEqual({ state: "absent" });
    const published = await homebrew.publish(ctx, await homebrew.prepare(ctx));
    expect(await homebrew.verify(ctx, published)).toMatchObject({ state: "verified" });
    const text = show(bare, "Casks/hello.rb");
    expect(text).toMatch(/^cask "hello" do$/m);
    expect(text).toContain('binary "hello"');
    expectRuby(text!, fixture.manifest, ["darwin"]);
    expect(show(bare, "Formula/hello.rb")).toBeUndefined();
    expect(await homebrew.exists(ctx)).toMatchObject({ state: "present", matches: true });
    expect(commits(bare)).toHaveLength(2);
  });
});
