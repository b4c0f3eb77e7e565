import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Config } from "./config.ts";
import { FerryError } from "./errors.ts";
import { releaseText } from "./notes.ts";
import { parseTag } from "./version.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const identity = {
  GIT_AUTHOR_NAME: "dev",
  GIT_AUTHOR_EMAIL: "dev@example.com",
  GIT_COMMITTER_NAME: "dev",
  GIT_COMMITTER_EMAIL: "dev@example.com",
};

/** A real git repository; `commit` adds a file (optionally in a subdirectory) with a message, `tag` tags HEAD. */
function repository() {
  const dir = mkdtempSync(join(tmpdir(), "ferry-notes-"));
  dirs.push(dir);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: { ...process.env, ...identity }, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  let n = 0;
  return {
    dir,
    git,
    commit(message: string, subdir = ".") {
      mkdirSync(join(dir, subdir), { recursive: true });
      writeFileSync(join(dir, subdir, `file-${++n}.txt`), message);
      git("add", ".");
      git("-c", "commit.gpgsign=false", "commit", "-q", "-m", message);
      return git("rev-parse", "--short", "HEAD");
    },
    tag: (name: string) => git("tag", name),
  };
}

function config(dir: string, release: Partial<Config["release"]> = {}): Config {
  return {
    path: join(dir, "ferry.yaml"),
    output: join(dir, ".ferry"),
    project: {
      name: "hello",
      description: "Says hello.",
      homepage: "https://example.com",
      license: "MIT",
      repository: "acme/hello",
      binary: "hello",
      author: "acme",
      dir,
    },
    build: { targets: [], command: "true", env: {}, dir: "." },
    archives: { name: "{{project}}", files: [] },
    release: {
      name: "{{tag}}",
      notes: "{{changes}}",
      changes: { from: "commits", file: "CHANGELOG.md" },
      tagPrefix: "",
      files: [],
      ...release,
    },
    sign: { checksums: "off", attestations: "off" },
    registries: [],
  };
}

const text = (dir: string, tag: string, release: Partial<Config["release"]> = {}, log: (m: string) => void = () => {}) =>
  releaseText({
    config: config(dir, release),
    version: parseTag(tag, release.tagPrefix ?? ""),
    github: undefined,
    log,
    date: new Date("2026-03-04T05:06:07Z"),
  });

describe("release notes from commits", () => {
  it("groups conventional commits since the previous tag, breaking changes first", async () => {
    const repo = repository();
    repo.commit("feat: the first feature");
    repo.tag("v1.0.0");
    const a = repo.commit("feat(cli): add --json");
    const b = repo.commit("fix: no crash on empty input\n\nCloses #4.");
    const c = repo.commit("feat!: drop the old config format");
    const d = repo.commit("docs: explain the flags");
    const e = repo.commit("perf: read the file once");
    const f = repo.commit("a plain message");
    const release = await text(repo.dir, "v1.1.0", { name: "{{project}} {{version}} ({{date}}, since {{previousTag}})" });
    expect(release.name).toBe("hello 1.1.0 (2026-03-04, since v1.0.0)");
    expect(release.previousTag).toBe("v1.0.0");
    expect(release.notes).toBe(
      [
        `### Breaking changes\n\n- drop the old config format (${c})`,
        `### Features\n\n- **cli:** add --json (${a})`,
        `### Bug fixes\n\n- no crash on empty input (${b})`,
        `### Performance\n\n- read the file once (${e})`,
        `### Other changes\n\n- a plain message (${f})\n- explain the flags (${d})`,
      ].join("\n\n"),
    );
  });

  it("lists subjects as they are when the history does not use conventional commits; a first release lists them all", async () => {
    const repo = repository();
    const a = repo.commit("Initial import");
    const b = repo.commit("Add a flag\n\nWith a body.");
    const c = repo.commit("fix: one typed commit");
    const release = await text(repo.dir, "v0.1.0");
    expect(release.previousTag).toBeUndefined();
    expect(release.notes).toBe(`- fix: one typed commit (${c})\n- Add a flag (${b})\n- Initial import (${a})`);
  });

  it("starts a stable release at the previous stable one, a prerelease at the tag before it; ends at the tag", async () => {
    const repo = repository();
    repo.commit("one");
    repo.tag("v1.0.0");
    const two = repo.commit("two");
    repo.tag("v1.1.0-rc.1");
    const three = repo.commit("three");
    repo.tag("v1.1.0");
    repo.commit("after the tag");
    expect(await text(repo.dir, "v1.1.0")).toMatchObject({ previousTag: "v1.0.0", notes: `- three (${three})\n- two (${two})` });
    expect(await text(repo.dir, "v1.1.0-rc.1")).toMatchObject({ previousTag: "v1.0.0", notes: `- two (${two})` });
    repo.tag("v1.2.0-rc.1");
    expect((await text(repo.dir, "v1.2.0-rc.2")).previousTag).toBe("v1.2.0-rc.1");
  });

  it("with a tag prefix, follows only its own tags and the commits in its own directory", async () => {
    const repo = repository();
    repo.commit("cli: first", "cli");
    repo.commit("server: first", "server");
    repo.tag("cli/v1.0.0");
    repo.tag("server/v3.0.0");
    repo.tag("v9.0.0");
    const cli = repo.commit("cli: second", "cli");
    repo.commit("server: second", "server");
    const release = await text(join(repo.dir, "cli"), "cli/v1.1.0", { tagPrefix: "cli/", name: "cli {{version}}" });
    expect(release).toEqual({ name: "cli 1.1.0", previousTag: "cli/v1.0.0", notes: `- cli: second (${cli})` });
  });

  it("refuses a shallow clone, and has no commits to list outside git", async () => {
    const origin = repository();
    origin.commit("one");
    origin.tag("v1.0.0");
    origin.commit("two");
    const clone = mkdtempSync(join(tmpdir(), "ferry-notes-"));
    dirs.push(clone);
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin.dir}`, clone]);
    const error = (await text(clone, "v1.1.0").catch((e: unknown) => e)) as FerryError;
    expect(error).toBeInstanceOf(FerryError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("is shallow");
    expect(error.message).toContain("fetch-depth: 0");

    const plain = mkdtempSync(join(tmpdir(), "ferry-notes-"));
    dirs.push(plain);
    const logged: string[] = [];
    expect(await text(plain, "v1.0.0", {}, (m) => logged.push(m))).toEqual({ name: "v1.0.0", notes: "", previousTag: undefined });
    expect(logged.join("\n")).toContain("not in a git repository");
  });
});

describe("release notes from a changelog", () => {
  const changelog = `# Changelog

## [Unreleased]

- not yet

## [1.2.0] - 2026-03-01

### Added

- A flag.

\`\`\`sh
## not a heading
\`\`\`

## 1.1.0

- Older.

[unreleased]: https://example.com/compare/v1.2.0...HEAD
[1.2.0]: https://example.com/compare/v1.1.0...v1.2.0
`;

  it("takes the version's section as written, up to the next version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-notes-"));
    dirs.push(dir);
    writeFileSync(join(dir, "CHANGELOG.md"), changelog);
    const from = { from: "changelog", file: "CHANGELOG.md" } as const;
    expect((await text(dir, "v1.2.0", { changes: from })).notes).toBe("### Added\n\n- A flag.\n\n```sh\n## not a heading\n```");
    expect((await text(dir, "v1.1.0", { changes: from, notes: "Notes:\n\n{{changes}}" })).notes).toBe("Notes:\n\n- Older.");
    const missing = (await text(dir, "v1.3.0", { changes: from }).catch((e: unknown) => e)) as FerryError;
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toContain("CHANGELOG.md has no section for 1.3.0");
  });
});
