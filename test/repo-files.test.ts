import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContext, FerryError, openRepoFiles, type Context } from "@ferry/core";
import { createBareRepo, startGitRepos, type GitReposSandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeRelease, type FixtureRelease } from "./fixtures.ts";
import { commits, show } from "./git-repos.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let fixture: FixtureRelease;
let root: string;
const logs: string[] = [];
beforeAll(async () => {
  fixture = await makeRelease();
  root = await mkdtemp(join(tmpdir(), "ferry-repo-files-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(fixture.project.dir, { recursive: true, force: true });
});

function context(env: NodeJS.ProcessEnv = {}): Context<unknown> {
  return createContext({ registry: "homebrew", options: {}, ...fixture, distDir: fixture.distDir, env, log: (m) => logs.push(m) });
}

async function bareRepo(name: string): Promise<string> {
  const dir = join(root, `${name}.git`);
  await createBareRepo(dir, name);
  return dir;
}

describe("repo files over git", () => {
  it("writes to the repository's default branch, whatever its name", async () => {
    const bare = await bareRepo("trunk");
    execFileSync("git", ["--git-dir", bare, "branch", "-m", "main", "trunk"]);
    const repo = openRepoFiles(context(), { git: `file://${bare}`, token: "UNUSED_TOKEN" });
    expect(await repo.read("a/b.txt")).toBeUndefined();
    const { commit } = await repo.write({ files: { "a/b.txt": "b\n", "c.txt": "c\n" }, message: "two files" });
    expect(commit).toBe(commits(bare, "trunk")[0]);
    expect([show(bare, "a/b.txt", "trunk"), show(bare, "c.txt", "trunk")]).toEqual(["b\n", "c\n"]);
    expect(repo.location).toMatch(/@trunk$/);
    expect(await repo.read("a/b.txt")).toBe("b\n");
  });

  it("creates a branch that does not exist yet, and reads nothing from it before", async () => {
    const bare = await bareRepo("fresh");
    const repo = openRepoFiles(context(), { git: `file://${bare}`, branch: "packages", token: "UNUSED_TOKEN" });
    expect(await repo.read("README.md")).toBeUndefined();
    await repo.write({ files: { "x.txt": "x\n" }, message: "new branch" });
    expect(show(bare, "x.txt", "packages")).toBe("x\n");
    expect(commits(bare, "packages")).toHaveLength(1);
  });

  it("refuses paths outside the repository", async () => {
    const repo = openRepoFiles(context(), { git: "file:///nonexistent", token: "UNUSED_TOKEN" });
    await expect(repo.write({ files: { "../x": "x" }, message: "m" })).rejects.toBeInstanceOf(FerryError);
    await expect(repo.read("/etc/passwd")).rejects.toMatchObject({ code: "ConfigInvalid" });
  });

  it("commits with the configured author", async () => {
    const bare = await bareRepo("author");
    await openRepoFiles(context(), { git: `file://${bare}`, token: "UNUSED_TOKEN", author: "Release Bot <bot@example.com>" }).write({
      files: { f: "1\n" },
      message: "m",
    });
    expect(execFileSync("git", ["--git-dir", bare, "log", "-1", "--format=%an <%ae>|%cn <%ce>"], { encoding: "utf8" }).trim()).toBe(
      "Release Bot <bot@example.com>|Release Bot <bot@example.com>",
    );
  });
});

describe("repo files when someone else pushes first", () => {
  let repos: GitReposSandbox;
  beforeAll(async () => {
    // Before the first push reaches the daemon, another maintainer pushes a commit of their own.
    const hook = join(root, "race.sh");
    await writeFile(
      hook,
      `#!/bin/sh
[ "$1" = receive-pack ] || exit 0
[ -e "$2/raced" ] && exit 0
touch "$2/raced"
unset GIT_DIR
work=$(mktemp -d)
git clone -q "$2" "$work" && echo other > "$work/OTHER.md" && git -C "$work" add OTHER.md &&
  git -C "$work" -c user.name=other -c user.email=other@example.com -c commit.gpgsign=false commit -q -m other &&
  git -C "$work" push -q origin HEAD:main
rm -rf "$work"
exit 0
`,
    );
    await chmod(hook, 0o755);
    repos = await startGitRepos(["race"], { accessHook: hook });
  });
  afterAll(() => repos?.stop());

  it("fetches their commit and pushes on top of it, once", async () => {
    const bare = repos.dirs.race!;
    const repo = openRepoFiles(context(repos.env), { git: repos.urls.race, token: "UNUSED_TOKEN" });
    const { commit } = await repo.write({ files: { "Formula/hello.rb": "class Hello\nend\n" }, message: "hello 1.2.3" });
    const history = commits(bare);
    expect(history).toHaveLength(3);
    expect(history[0]).toBe(commit);
    expect(show(bare, "OTHER.md")).toBe("other\n");
    expect(show(bare, "Formula/hello.rb")).toBe("class Hello\nend\n");
    expect(logs.join("\n")).toMatch(/moved while publishing/);
  });
});
