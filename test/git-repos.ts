// Reads and changes bare git repositories directly, as another maintainer of a tap or bucket would.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const git = (args: string[], cwd?: string) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "maintainer",
      GIT_AUTHOR_EMAIL: "m@example.com",
      GIT_COMMITTER_NAME: "maintainer",
      GIT_COMMITTER_EMAIL: "m@example.com",
    },
  });

/** Commit ids of a branch, newest first. */
export const commits = (bare: string, branch = "main"): string[] => git(["--git-dir", bare, "rev-list", branch]).trim().split("\n");

/** A file on a branch, or undefined. */
export function show(bare: string, path: string, branch = "main"): string | undefined {
  try {
    return git(["--git-dir", bare, "show", `${branch}:${path}`]);
  } catch {
    return undefined;
  }
}

/** Every commit's author line and patch, to search for leaked secrets. */
export const history = (bare: string): string => git(["--git-dir", bare, "log", "--all", "-p", "--format=%an <%ae>%n%B"]);

/** Commits a change (a file's text, or undefined to delete it) to a branch of a bare repository. */
export function change(bare: string, files: Record<string, string | undefined>, branch = "main"): void {
  const work = mkdtempSync(join(tmpdir(), "ferry-change-"));
  try {
    git(["clone", "-q", "-b", branch, bare, work]);
    for (const [path, text] of Object.entries(files)) {
      if (text === undefined) git(["rm", "-q", path], work);
      else {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), text);
        git(["add", path], work);
      }
    }
    git(["-c", "commit.gpgsign=false", "commit", "-q", "-m", "maintainer change"], work);
    git(["push", "-q", "origin", branch], work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
