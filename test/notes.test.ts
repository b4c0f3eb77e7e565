// Release titles and notes, and monorepo tags, through the real CLI: real git repositories in temp
// dirs, the release read back from the GitHub stand-in.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHub, type GitHubStandIn } from "@ferry/sandbox";
import { ferry } from "./cli.ts";

let github: GitHubStandIn;
const dirs: string[] = [];

beforeAll(async () => {
  github = await startGitHub();
});
afterAll(async () => {
  await github?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: github.token });

const identity = {
  GIT_AUTHOR_NAME: "dev",
  GIT_AUTHOR_EMAIL: "dev@example.com",
  GIT_COMMITTER_NAME: "dev",
  GIT_COMMITTER_EMAIL: "dev@example.com",
};

/** A git repository; `project` writes a ferry.yaml (one target, a script "build") into a directory of it. */
function repository() {
  const dir = mkdtempSync(join(tmpdir(), "ferry-notes-"));
  dirs.push(dir);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: { ...process.env, ...identity }, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  let n = 0;
  return {
    dir,
    project(name: string, repository: string, release: string, subdir = ".") {
      mkdirSync(join(dir, subdir), { recursive: true });
      writeFileSync(
        join(dir, subdir, "ferry.yaml"),
        `project:
  name: ${name}
  description: Says hello.
  homepage: https://example.com/${name}
  license: MIT
  repository: ${repository}
build:
  command: printf '#!/bin/sh\\necho "${name} {{version}}"\\n' > {{output}}
  targets: [linux/amd64]
release:
${release}
`,
      );
      return join(dir, subdir);
    },
    /** Commits a new file in `subdir` (and everything else pending); returns the short hash. */
    commit(message: string, subdir = ".") {
      mkdirSync(join(dir, subdir), { recursive: true });
      writeFileSync(join(dir, subdir, `change-${++n}.txt`), message);
      git("add", ".");
      git("-c", "commit.gpgsign=false", "commit", "-q", "-m", message);
      return git("rev-parse", "--short", "HEAD");
    },
    tag: (name: string) => git("tag", name),
  };
}

let count = 0;
const repoName = (base: string) => {
  const full = `ferry-test/${base}-${++count}-${Date.now() % 100000}`;
  github.createRepo(full);
  return full;
};

describe("release notes", () => {
  it("lists the commits since the previous tag, grouped by conventional type, under a templated title", async () => {
    const name = repoName("notes");
    const repo = repository();
    const dir = repo.project("hello", name, '  name: "{{project}} {{version}}"\n  notes: "Since {{previousTag}}:\\n\\n{{changes}}"');
    repo.commit("feat: the first feature");
    repo.tag("v1.0.0");
    const feat = repo.commit("feat(cli): add --json");
    const fix = repo.commit("fix: no crash on empty input");
    const chore = repo.commit("chore: tidy up");
    repo.tag("v1.1.0");

    // No --tag: the tag at HEAD.
    const run = await ferry(["release"], { cwd: dir, env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const release = github.release(name, "v1.1.0")!;
    expect(release.name).toBe("hello 1.1.0");
    expect(release.body).toBe(
      `Since v1.0.0:\n\n### Features\n\n- **cli:** add --json (${feat})\n\n### Bug fixes\n\n- no crash on empty input (${fix})\n\n### Other changes\n\n- tidy up (${chore})`,
    );
  });

  it("plan shows the release's title, notes from CHANGELOG.md and its files, then release publishes them", async () => {
    const name = repoName("changelog");
    const repo = repository();
    const dir = repo.project("hello", name, "  changes: { from: changelog }");
    writeFileSync(
      join(dir, "CHANGELOG.md"),
      "# Changelog\n\n## [1.2.0] - 2026-03-01\n\n### Added\n\n- A flag.\n\n## [1.1.0]\n\n- Older.\n",
    );
    repo.commit("Add a flag");

    const before = github.requests.length;
    const plan = await ferry(["plan", "--tag", "v1.2.0"], { cwd: dir, env: env() });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(github.requests.length).toBe(before);
    const archive = /^--- (hello_1\.2\.0_linux_amd64\.tar\.gz) \((\d+) bytes, sha256 ([0-9a-f]{64})\)$/m.exec(plan.stdout);
    expect(archive, plan.stdout).not.toBeNull();
    expect(plan.stdout).toContain("--- release v1.2.0: v1.2.0\n### Added\n\n- A flag.\n");
    expect(plan.stdout).toContain(`--- checksums.txt (`);
    expect(plan.stdout).toContain(`${archive![3]}  ${archive![1]}\n`);
    expect(plan.stdout).toMatch(/^--- manifest\.json \(\d+ bytes\)\n\{/m);
    expect(plan.stdout.indexOf("--- release v1.2.0")).toBeLessThan(plan.stdout.indexOf("--- manifest.json"));

    const run = await ferry(["release", "--tag", "v1.2.0"], { cwd: dir, env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(github.release(name, "v1.2.0")).toMatchObject({ name: "v1.2.0", body: "### Added\n\n- A flag." });
    expect(github.release(name, "v1.2.0")!.assets.find((a) => a.name === archive![1])!.sha256).toBe(archive![3]);
  });

  it("takes GitHub's generated notes from the previous tag", async () => {
    const name = repoName("generated");
    const repo = repository();
    const dir = repo.project("hello", name, "  changes: { from: github }");
    repo.commit("one");
    repo.tag("v0.9.0");
    repo.commit("two");
    const run = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(github.release(name, "v1.0.0")!.body).toBe(`**Full Changelog**: ${github.url}/${name}/compare/v0.9.0...v1.0.0`);
  });

  it("refuses an unknown placeholder with exit 2, naming its key, before anything is built or sent", async () => {
    const name = repoName("typo");
    const repo = repository();
    const dir = repo.project("hello", name, '  name: "{{project}} {{verison}}"');
    const before = github.requests.length;
    const run = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("release.name: unknown placeholder {{verison}}; known here: {{project}}");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(github.requests.length).toBe(before);
    expect(existsSync(join(dir, ".ferry"))).toBe(false);
  });
});

describe("several projects in one repository", () => {
  it("release from their own tag prefixes, each with its own previous tag and commits", async () => {
    const name = repoName("mono");
    const repo = repository();
    const cli = repo.project("tool", name, '  tagPrefix: cli/\n  name: "tool {{version}}"', "cli");
    const server = repo.project("toold", name, "  tagPrefix: server-", "server");
    repo.commit("cli: first", "cli");
    repo.commit("server: first", "server");
    repo.tag("cli/v1.0.0");
    repo.tag("server-v2.0.0");
    repo.tag("v9.9.9");
    const cliChange = repo.commit("cli: second", "cli");
    const serverChange = repo.commit("server: second", "server");
    repo.tag("cli/v1.1.0");
    repo.tag("server-v2.0.1");

    const wrong = await ferry(["release"], { cwd: cli, env: { ...env(), GITHUB_REF: "refs/tags/server-v2.0.1" } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('The tag "server-v2.0.1" does not start with "cli/"');

    const [first, second] = [await ferry(["release"], { cwd: cli, env: env() }), await ferry(["release"], { cwd: server, env: env() })];
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(second.code, second.stdout + second.stderr).toBe(0);

    const cliRelease = github.release(name, "cli/v1.1.0")!;
    expect(cliRelease).toMatchObject({ name: "tool 1.1.0", body: `- cli: second (${cliChange})`, draft: false });
    expect(cliRelease.assets.map((a) => a.name).sort()).toEqual(["checksums.txt", "manifest.json", "tool_1.1.0_linux_amd64.tar.gz"]);
    const serverRelease = github.release(name, "server-v2.0.1")!;
    expect(serverRelease).toMatchObject({ name: "server-v2.0.1", body: `- server: second (${serverChange})` });

    // The manifest's download URL carries the whole tag, and the published asset is served there.
    const manifest = JSON.parse(cliRelease.assets.find((a) => a.name === "manifest.json")!.bytes.toString()) as {
      version: string;
      tag: string;
      artifacts: Array<{ url: string; sha256: string }>;
    };
    expect(manifest).toMatchObject({ version: "1.1.0", tag: "cli/v1.1.0" });
    const download = await fetch(manifest.artifacts[0]!.url);
    expect(download.status).toBe(200);
    expect(manifest.artifacts[0]!.url).toContain("/releases/download/cli%2Fv1.1.0/");
  });
});
