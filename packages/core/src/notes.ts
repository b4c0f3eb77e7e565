import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Octokit } from "@octokit/rest";
import { CommitParser } from "conventional-commits-parser";
import { execa } from "execa";
import semver from "semver";
import type { Config } from "./config.ts";
import { FerryError } from "./errors.ts";
import { githubError } from "./release.ts";
import { fillTemplate, placeholders } from "./template.ts";
import { parseTag, type Version } from "./version.ts";

/** The GitHub release's title and notes, rendered from ferry.yaml's `release` templates. */
export interface ReleaseText {
  name: string;
  notes: string;
  /** The tag this release's changes start from; undefined for a first release or without git history. */
  previousTag: string | undefined;
}

export interface ReleaseTextInput {
  config: Config;
  version: Version;
  /** For `changes.from: github`; undefined when there is no token (a dry run then says where notes will come from). */
  github: Octokit | undefined;
  log: (message: string) => void;
  /** @default now */
  date?: Date;
}

/**
 * Renders `release.name` and `release.notes`. `{{changes}}` comes from the commits since the
 * previous tag, GitHub's generated notes or the changelog, as `release.changes.from` says.
 */
export async function releaseText(input: ReleaseTextInput): Promise<ReleaseText> {
  const { config, version, log } = input;
  const { release, project } = config;
  const wantsChanges = placeholders(release.notes).includes("changes");
  const wantsHistory =
    (wantsChanges && release.changes.from === "commits") ||
    [release.name, release.notes].some((t) => placeholders(t).includes("previousTag"));
  const repo = await gitRepository(project.dir);
  if (wantsHistory && repo === "shallow") {
    throw new FerryError("InputMissing", {
      what: `The git checkout at ${project.dir} is shallow, so the commits and tags before ${version.tag} are unknown.`,
      why: "The release notes list the changes since the previous tag.",
      fix: "Fetch the whole history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow --tags`), or set release.changes.from to github or changelog.",
    });
  }
  if (wantsHistory && repo === "none") log(`${project.dir} is not in a git repository: the release notes list no commits`);
  const history = repo === "full";
  const end = history ? await releaseCommit(project.dir, version.tag) : undefined;
  const previousTag = history ? await findPreviousTag(project.dir, version, release.tagPrefix, end!) : undefined;

  let changes = "";
  if (wantsChanges) {
    if (release.changes.from === "changelog") changes = await changelogSection(resolve(project.dir, release.changes.file), version);
    else if (release.changes.from === "github") changes = await githubNotes(input, history ? previousTag : undefined);
    else if (history) changes = await commitNotes(project.dir, previousTag, end!, release.tagPrefix !== "");
  }

  const values = {
    project: project.name,
    binary: project.binary,
    version: version.semver,
    tag: version.tag,
    previousTag: previousTag ?? "",
    date: (input.date ?? new Date()).toISOString().slice(0, 10),
  };
  return {
    name: fillTemplate(release.name, values, "release.name"),
    notes: fillTemplate(release.notes, { ...values, changes }, "release.notes").trim(),
    previousTag,
  };
}

async function git(dir: string, args: string[]): Promise<string> {
  const result = await execa("git", args, { cwd: dir, reject: false });
  if (result.failed) {
    throw new FerryError("ToolFailed", {
      what: `git ${args.join(" ")} failed in ${dir}.`,
      why: String(result.stderr).trim() || result.shortMessage,
    });
  }
  return result.stdout;
}

async function gitRepository(dir: string): Promise<"full" | "shallow" | "none"> {
  const inside = await execa("git", ["rev-parse", "--is-inside-work-tree"], { cwd: dir, reject: false });
  if (inside.failed || inside.stdout.trim() !== "true") return "none";
  return (await git(dir, ["rev-parse", "--is-shallow-repository"])).trim() === "true" ? "shallow" : "full";
}

/** The tagged commit, or HEAD while the tag does not exist yet (a release made before tagging). */
async function releaseCommit(dir: string, tag: string): Promise<string> {
  const tagged = await execa("git", ["rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`], { cwd: dir, reject: false });
  return tagged.failed ? (await git(dir, ["rev-parse", "HEAD"])).trim() : tagged.stdout.trim();
}

/**
 * The highest tag of this project (same prefix) below this version among the ancestors of the
 * release commit. A stable release starts from the previous stable one, so its notes also hold the
 * changes its prereleases had; a prerelease starts from the tag just before it.
 */
async function findPreviousTag(dir: string, version: Version, prefix: string, end: string): Promise<string | undefined> {
  const tags = (await git(dir, ["tag", "--list", "--merged", end])).split("\n").filter(Boolean);
  const earlier = tags
    .filter((tag) => tag !== version.tag)
    .flatMap((tag) => {
      const parsed = releaseTag(tag, prefix);
      if (!parsed || !semver.lt(parsed.semver, version.semver)) return [];
      return version.isPrerelease || !parsed.isPrerelease ? [parsed] : [];
    });
  return earlier.sort((a, b) => semver.rcompare(a.semver, b.semver))[0]?.tag;
}

function releaseTag(tag: string, prefix: string): Version | undefined {
  if (!tag.startsWith(prefix)) return undefined;
  try {
    return parseTag(tag, prefix);
  } catch {
    return undefined; // not a release tag of this project
  }
}

const conventional = new CommitParser({
  headerPattern: /^(\w*)(?:\((.*)\))?!?: (.*)$/,
  breakingHeaderPattern: /^(\w*)(?:\((.*)\))?!: (.*)$/,
});

/** The types of @commitlint/config-conventional; `area: subject` with another word is not a conventional commit. */
const conventionalTypes = ["feat", "fix", "perf", "refactor", "docs", "style", "test", "build", "ci", "chore", "revert"];

const groups: Array<[title: string, types: string[]]> = [
  ["Features", ["feat"]],
  ["Bug fixes", ["fix"]],
  ["Performance", ["perf"]],
];

/**
 * The commits after the previous tag up to the release commit, newest first, without merge
 * commits; in a monorepo (a tag prefix) only those that touch the project's directory. When most
 * of them are conventional commits they are grouped: breaking changes, features, fixes,
 * performance, then the rest.
 */
async function commitNotes(dir: string, previousTag: string | undefined, end: string, ownDirectoryOnly: boolean): Promise<string> {
  const range = previousTag ? `refs/tags/${previousTag}..${end}` : end;
  const log = await git(dir, ["log", "--no-merges", "--format=%h%x00%B%x1e", range, ...(ownDirectoryOnly ? ["--", "."] : [])]);
  const commits = log
    .split("\x1e")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [sha, message = ""] = entry.split("\0") as [string, string?];
      const parsed = conventional.parse(message.trim());
      return { sha, message: message.trim(), parsed, typed: conventionalTypes.includes(parsed.type?.toLowerCase() ?? "") };
    });
  const line = (text: string, sha: string) => `- ${text} (${sha})`;
  if (commits.filter((c) => c.typed).length * 2 < commits.length || commits.length === 0) {
    return commits.map((c) => line(c.message.split("\n")[0]!, c.sha)).join("\n");
  }

  const sections = new Map<string, string[]>();
  for (const c of commits) {
    const { type, scope, subject } = c.parsed;
    const breaking = c.typed && c.parsed.notes.some((n) => /^BREAKING[ -]CHANGE$/.test(n.title));
    const group = c.typed ? groups.find(([, types]) => types.includes(type!.toLowerCase()))?.[0] : undefined;
    const title = breaking ? "Breaking changes" : (group ?? "Other changes");
    const text = c.typed ? `${scope ? `**${scope}:** ` : ""}${subject ?? ""}` : c.message.split("\n")[0]!;
    sections.set(title, [...(sections.get(title) ?? []), line(text, c.sha)]);
  }
  return ["Breaking changes", ...groups.map(([title]) => title), "Other changes"]
    .filter((title) => sections.has(title))
    .map((title) => `### ${title}\n\n${sections.get(title)!.join("\n")}`)
    .join("\n\n");
}

/**
 * This version's section of a Keep a Changelog file: the lines after its `## [1.2.3]` heading
 * (`## 1.2.3`, `## [v1.2.3] - 2025-01-31` also match) up to the next `## ` heading, kept as written.
 */
export async function changelogSection(path: string, version: Version): Promise<string> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new FerryError("InputMissing", {
      what: `Cannot read the changelog ${path}: ${error.code ?? error.message}.`,
      fix: "Create it, or set release.changes.file (or release.changes.from) in ferry.yaml.",
    });
  });
  const escaped = version.semver.replace(/[.+]/g, "\\$&");
  const heading = new RegExp(`^##\\s+\\[?v?${escaped}\\]?(\\s|$)`);
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => heading.test(l));
  if (start === -1) {
    throw new FerryError("InputMissing", {
      what: `${path} has no section for ${version.semver}.`,
      why: "release.changes.from is changelog, so the release notes are that section.",
      fix: `Add a "## [${version.semver}] - ${new Date().toISOString().slice(0, 10)}" section (keepachangelog.com), then re-run.`,
    });
  }
  const section: string[] = [];
  let fenced = false;
  for (const l of lines.slice(start + 1)) {
    if (/^(```|~~~)/.test(l)) fenced = !fenced;
    // The next version, or the link definitions that close a Keep a Changelog file.
    if (!fenced && (/^##\s/.test(l) || /^\[(unreleased|v?\d+\.\d+\.\d+[^\]]*)\]:\s/i.test(l))) break;
    section.push(l);
  }
  return section.join("\n").trim();
}

/** GitHub's generated release notes (merged pull requests, new contributors, a compare link). */
async function githubNotes(input: ReleaseTextInput, previousTag: string | undefined): Promise<string> {
  const { github, config, version } = input;
  if (!github) return "_(GitHub generates these notes when the release is published.)_";
  const [owner, repo] = config.project.repository.split("/") as [string, string];
  try {
    const { data } = await github.rest.repos.generateReleaseNotes({
      owner,
      repo,
      tag_name: version.tag,
      ...(previousTag ? { previous_tag_name: previousTag } : {}),
    });
    return data.body;
  } catch (error) {
    throw githubError(error, `generating the release notes of ${version.tag}`);
  }
}
