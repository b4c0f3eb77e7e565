/**
 * A branch of a repository that holds files: where taps, buckets and flakes live. Adapters read
 * their file to answer exists(), and write it to publish. Two backends:
 *
 * - `git`: any URL git can push to (file://, git://, ssh://, https://). Every operation works in a
 *   fresh temporary clone of the one branch (depth 1), so nothing is cached between steps. SSH uses
 *   the environment's agent or GIT_SSH_COMMAND; an https URL gets the token (when set) as an
 *   `http.extraHeader` passed through GIT_CONFIG_* variables, never in the URL or the arguments.
 * - `repository: "owner/name"`: GitHub's contents API with a token of its own (never GITHUB_TOKEN,
 *   whose scope is the project's own repository).
 *
 * ```ts
 * const repo = openRepoFiles(ctx, { repository: "acme/homebrew-tap", token: "HOMEBREW_TAP_TOKEN" });
 * await repo.read("Formula/hello.rb");                                  // string | undefined
 * await repo.write({ files: { "Formula/hello.rb": text }, message }); // { commit } | { commit: undefined }
 * ```
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { FerryError } from "./errors.ts";
import { checkStep, failedCheck, githubRepoChecks, toolCheck } from "./doctor.ts";
import type { Check, Context, Presence } from "./registry.ts";
import { basicAuthorization } from "./secrets.ts";
import { makeTempDir } from "./temp.ts";
import { compareVersion, type Version } from "./version.ts";

export interface RepoFiles {
  /** Where the files go, for messages: `acme/homebrew-tap@main`, `git://host/tap.git@main`. */
  readonly location: string;
  /** The file's text on the branch; undefined when the file (or the branch) does not exist. */
  read(path: string): Promise<string | undefined>;
  /**
   * Writes the files in one change. Files whose content is already there are left alone; when
   * nothing changes, nothing is committed and `commit` is undefined.
   */
  write(change: { files: Record<string, string>; message: string }): Promise<{ commit: string | undefined }>;
  /** `ferry doctor`: can the branch be read, and (where it can be told without writing) written. */
  doctor(): Promise<Check[]>;
}

export interface RepoTarget {
  /** `owner/name` on GitHub, written through the contents API. */
  repository?: string | undefined;
  /** A git URL, written with `git push`. Wins over `repository`. */
  git?: string | undefined;
  /** @default the repository's default branch ("main" for an empty git repository) */
  branch?: string | undefined;
  /** Name of the secret holding the token (required for `repository`, optional for an https `git`). */
  token: string;
  /** Commit author, `Name <email>`. @default "ferry <ferry@users.noreply.github.com>" */
  author?: string | undefined;
}

/** Option keys every repository-backed adapter shares; spread them into its zod object. */
export const repoFilesOptions = {
  git: z.string().min(1).optional().meta({
    description:
      "A git URL to push to instead of the GitHub contents API (ssh://, https://, git://, file://). Default: the FERRY_<REGISTRY>_GIT environment variable, if set (adapters read it).",
  }),
  branch: z.string().min(1).optional().meta({ description: "The branch to commit to. Default: the repository's default branch." }),
  author: z
    .string()
    .regex(/^[^<>]+ <[^<>@\s]+@[^<>\s]+>$/, "expected `Name <email>`")
    .optional()
    .meta({ description: "Commit author.", default: "ferry <ferry@users.noreply.github.com>" }),
};

const defaultAuthor = "ferry <ferry@users.noreply.github.com>";

/** Opens the target the options describe: `git` first, else `repository`. */
export function openRepoFiles(ctx: Context<unknown>, target: RepoTarget): RepoFiles {
  const { git } = target;
  const [name, email] = parseAuthor(target.author ?? defaultAuthor);
  if (git) return gitRepoFiles(ctx, { url: git, branch: target.branch, token: ctx.secret(target.token), name, email });
  if (!target.repository) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: "No repository to publish to.",
      fix: "Set the GitHub repository (owner/name) or a `git` URL in this registry's section of ferry.yaml.",
    });
  }
  const token = ctx.secret(target.token);
  if (!token) {
    throw new FerryError("SecretMissing", {
      registry: ctx.registry,
      what: `${target.token} is not set.`,
      why: `Writing to ${target.repository} needs a token of its own; GITHUB_TOKEN can only write to the project's repository.`,
      fix: `Create a fine-grained personal access token with "Contents: Read and write" on ${target.repository} and store it as the ${target.token} secret.`,
    });
  }
  return contentsRepoFiles(ctx, { repository: target.repository, branch: target.branch, token, tokenName: target.token, name, email });
}

/**
 * A whole branch, checked out: for registries that are a tree of files rebuilt on every publish (APT
 * and RPM repositories, served by GitHub Pages). Always git: a `git` URL, or the GitHub repository
 * over https with the token (GITHUB_SERVER_URL, else github.com).
 */
export interface GitCheckout {
  readonly location: string;
  /** Runs `use` in a temporary checkout of the branch (an empty directory while the branch does not exist). */
  inspect<T>(use: (dir: string) => Promise<T>): Promise<T>;
  /**
   * Runs `edit` in a temporary checkout, then commits whatever it changed and pushes; nothing changed is
   * no commit. When the branch moved meanwhile, `edit` runs again on the new tip, once.
   */
  update(edit: (dir: string) => Promise<void>, message: string): Promise<{ commit: string | undefined }>;
  doctor(): Promise<Check[]>;
}

export function openGitCheckout(ctx: Context<unknown>, target: RepoTarget): GitCheckout {
  const [name, email] = parseAuthor(target.author ?? defaultAuthor);
  const server = (ctx.env("GITHUB_SERVER_URL") ?? "https://github.com").replace(/\/+$/, "");
  const url = target.git ?? (target.repository ? `${server}/${target.repository}.git` : undefined);
  if (!url) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: "No repository to publish to.",
      fix: "Set the GitHub repository (owner/name) or a `git` URL in this registry's section of ferry.yaml.",
    });
  }
  return gitRepoFiles(ctx, { url, branch: target.branch, token: ctx.secret(target.token), name, email });
}

function parseAuthor(author: string): [string, string] {
  const match = /^(.+?) <(.+)>$/.exec(author);
  return match ? [match[1]!, match[2]!] : [author, "ferry@users.noreply.github.com"];
}

function checkPath(ctx: Context<unknown>, path: string): string {
  if (path.startsWith("/") || path.split("/").some((part) => part === ".." || part === "")) {
    throw new FerryError("ConfigInvalid", { registry: ctx.registry, what: `"${path}" is not a relative path inside the repository.` });
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// git

interface GitTarget {
  url: string;
  branch: string | undefined;
  token: string | undefined;
  name: string;
  email: string;
}

function gitRepoFiles(ctx: Context<unknown>, target: GitTarget): RepoFiles & GitCheckout {
  const { url } = target;
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: target.name,
    GIT_AUTHOR_EMAIL: target.email,
    GIT_COMMITTER_NAME: target.name,
    GIT_COMMITTER_EMAIL: target.email,
  };
  for (const name of ["GIT_SSH_COMMAND", "SSH_AUTH_SOCK", "GIT_SSL_CAINFO"]) {
    const value = ctx.env(name);
    if (value) env[name] = value;
  }
  if (target.token && /^https:/i.test(url)) {
    // Configuration through the environment keeps the token out of argv (visible in `ps`) and out of
    // the remote URL (stored in .git/config and echoed in git's messages).
    Object.assign(env, {
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraHeader",
      GIT_CONFIG_VALUE_0: `Authorization: ${basicAuthorization("x-access-token", target.token)}`,
    });
  }
  const local = (args: string[], cwd?: string) =>
    ctx.exec("git", args, { env, stripFinalNewline: false, ...(cwd ? { cwd } : {}) }).then((r) => r.stdout);
  /** ls-remote, fetch and push go over the network: a transient failure is tried again (three tries in all). */
  const git = async (args: string[], cwd?: string) => {
    if (!["ls-remote", "fetch", "push"].includes(args[0]!)) return local(args, cwd);
    for (let attempt = 1; ; attempt++) {
      try {
        return await local(args, cwd);
      } catch (error) {
        if (attempt >= 3 || !transient(error) || ctx.signal.aborted) throw error;
        ctx.log(`git ${args[0]} ${url} failed (${firstLine(error)}); retrying (${attempt + 1}/3)`);
        await sleep(gitRetryDelayMs * attempt, undefined, { signal: ctx.signal });
      }
    }
  };

  let resolved: string | undefined;
  /** The branch and its head commit (undefined for a branch that does not exist yet). */
  const remoteBranch = async (): Promise<{ branch: string; head: string | undefined }> => {
    try {
      if (!resolved && !target.branch) {
        // One process answers both: the default branch HEAD points to, and (unless the repository is empty) its tip.
        const symref = await git(["ls-remote", "--symref", url, "HEAD"]);
        const branch = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(symref)?.[1];
        resolved = branch ?? "main";
        const head = /^([0-9a-f]{40,64})\tHEAD$/m.exec(symref)?.[1];
        if (branch && head) return { branch, head };
      }
      resolved ??= target.branch ?? "main";
      const line = await git(["ls-remote", url, `refs/heads/${resolved}`]);
      return { branch: resolved, head: line.split("\t")[0]?.trim() || undefined };
    } catch (error) {
      const why = error instanceof FerryError ? error.details.why : String(error);
      const denied = /Authentication failed|could not read Username|Permission denied|access denied|\b40[13]\b/i.test(why ?? "");
      throw new FerryError(denied ? "RegistryRefused" : "RegistryUnreachable", {
        registry: ctx.registry,
        what: denied ? `The git repository ${url} refused access.` : `Cannot read the git repository ${url}.`,
        why,
        fix: "Check the URL, and that this machine's SSH key (or the token, for https) can read it.",
        cause: error,
      });
    }
  };

  /** A temporary repository holding the branch's tip as FETCH_HEAD (when the branch exists), removed after `use`. */
  const withFetched = async <T>(use: (dir: string, branch: string, exists: boolean) => Promise<T>): Promise<T> => {
    const dir = await makeTempDir("repo");
    try {
      const { branch, head } = await remoteBranch();
      await git(["init", "-q", dir]);
      if (head) await git(["fetch", "-q", "--depth", "1", url, `refs/heads/${branch}`], dir);
      return await use(dir, branch, head !== undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  /** Checks the branch out, lets `edit` change the files (it answers the paths it touched), commits and pushes them. */
  const attempt = (edit: (dir: string) => Promise<string[]>, message: string) =>
    withFetched(async (dir, branch, exists) => {
      await git(exists ? ["checkout", "-q", "-B", branch, "FETCH_HEAD"] : ["checkout", "-q", "--orphan", branch], dir);
      const paths = await edit(dir);
      if (paths.length === 0) return { commit: undefined };
      await git(["add", "-A", "--", ...paths], dir);
      if ((await git(["status", "--porcelain", "--", ...paths], dir)).trim() === "") return { commit: undefined };
      await git(["-c", "commit.gpgsign=false", "commit", "-q", "-m", message], dir);
      await git(["push", "-q", url, `HEAD:refs/heads/${branch}`], dir);
      return { commit: (await git(["rev-parse", "HEAD"], dir)).trim() };
    });

  const update = async (edit: (dir: string) => Promise<string[]>, message: string) => {
    try {
      return await attempt(edit, message);
    } catch (error) {
      // Someone pushed between our fetch and our push: start again from their commit, once.
      if (!rejected(error)) throw refused(ctx, url, error);
      ctx.log(`${url} moved while publishing; retrying on top of the new commit.`);
      return attempt(edit, message).catch((again: unknown) => {
        throw refused(ctx, url, again);
      });
    }
  };

  return {
    get location() {
      return `${url}@${resolved ?? target.branch ?? "(default branch)"}`;
    },
    async read(path) {
      checkPath(ctx, path);
      return withFetched(async (dir, _branch, exists) => {
        if (!exists) return undefined;
        // One process answers both whether the tip has the file and what it holds: `<sha> blob <size>`, the
        // content and a newline, or `<name> missing`.
        const { stdout } = await ctx.exec("git", ["cat-file", "--batch"], {
          env,
          cwd: dir,
          input: `FETCH_HEAD:${path}\n`,
          stripFinalNewline: false,
        });
        const header = stdout.slice(0, stdout.indexOf("\n"));
        return /^[0-9a-f]+ blob \d+$/.test(header) ? stdout.slice(header.length + 1, -1) : undefined;
      });
    },
    async write({ files, message }) {
      for (const path of Object.keys(files)) checkPath(ctx, path);
      return update(async (dir) => {
        const paths = Object.keys(files).sort();
        for (const path of paths) {
          await mkdir(dirname(join(dir, path)), { recursive: true });
          await writeFile(join(dir, path), files[path]!);
        }
        return paths;
      }, message);
    },
    inspect: (use) =>
      withFetched(async (dir, _branch, exists) => {
        if (exists) await git(["checkout", "-q", "--detach", "FETCH_HEAD"], dir);
        return use(dir);
      }),
    update: (edit, message) =>
      update(async (dir) => {
        await edit(dir);
        return ["."];
      }, message),
    async doctor() {
      const git = await toolCheck(ctx, "git");
      if (!git.ok) return [git];
      // Push rights over git cannot be known without pushing; reading is what can be checked.
      const read = await checkStep(`${url} readable`, async () => {
        const { branch, head } = await remoteBranch();
        const state = head ? `at ${head.slice(0, 12)}` : "not created yet (the first publish creates it)";
        return `branch ${branch} ${state}; push rights are checked by the first publish`;
      });
      return [git, read];
    },
  };
}

const gitRetryDelayMs = 1000;

/**
 * git's messages for a network failure (a dropped or refused connection, a 5xx, a timeout, a
 * write to a closed connection), as
 * opposed to an answer (rejected, denied, not found). A push whose answer was lost is simply
 * pushed again: the branch already has the commit, and git says "Everything up-to-date".
 */
const transient = (error: unknown) =>
  error instanceof FerryError &&
  !rejected(error) &&
  /connection (reset|refused|closed|timed out)|timed out|early EOF|unexpected disconnect|hung up unexpectedly|RPC failed|returned error: 5\d\d|HTTP 5\d\d|Could not resolve host|Broken pipe|kex_exchange_identification|Connection closed by|protocol error|expected flush|Failed to connect|Recv failure|Send failure|Empty reply from server|signal SIGPIPE/i.test(
    error.message,
  );

const firstLine = (error: unknown) =>
  (error instanceof FerryError ? (error.details.why ?? error.message) : String(error)).split("\n")[0]!.slice(0, 200);

const rejected = (error: unknown) =>
  error instanceof FerryError && /\[rejected\]|non-fast-forward|fetch first|stale info/.test(error.details.why ?? "");

function refused(ctx: Context<unknown>, url: string, error: unknown): FerryError {
  if (error instanceof FerryError && error.code !== "ToolFailed") return error;
  return new FerryError("RegistryRefused", {
    registry: ctx.registry,
    what: `Pushing to ${url} failed.`,
    why: error instanceof FerryError ? error.details.why : String(error),
    fix: "Check that the SSH key (or token, for https) may push to this branch, and that no branch protection forbids direct pushes.",
    cause: error,
  });
}

// ---------------------------------------------------------------------------------------------
// GitHub contents API

interface ContentsTarget {
  repository: string;
  branch: string | undefined;
  token: string;
  /** The variable the token came from, for messages. */
  tokenName: string;
  name: string;
  email: string;
}

function contentsRepoFiles(ctx: Context<unknown>, target: ContentsTarget): RepoFiles {
  const [owner = "", repo = ""] = target.repository.split("/");
  if (!owner || !repo || target.repository.split("/").length !== 2) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${target.repository}" is not an owner/name GitHub repository.`,
    });
  }
  const github = ctx.github(target.token);
  const ref = target.branch ? { ref: target.branch } : {};
  let repoChecked = false;

  const fail = (error: unknown, doing: string): FerryError => {
    const status = (error as { status?: number }).status;
    const denied = status === 401 || status === 403;
    return new FerryError(denied ? "RegistryRefused" : "RegistryUnreachable", {
      registry: ctx.registry,
      what: `GitHub answered ${status ?? "with an error"} when ${doing} ${target.repository}.`,
      why: error instanceof Error ? error.message : String(error),
      ...(denied ? { fix: 'Check that the token has "Contents: Read and write" on this repository and has not expired.' } : {}),
      cause: error,
    });
  };

  /** The file's text and blob sha, or undefined for a 404 in a repository we can read. */
  const get = async (path: string): Promise<{ text: string; sha: string } | undefined> => {
    try {
      const { data } = await github.rest.repos.getContent({ owner, repo, path, ...ref });
      if (Array.isArray(data) || data.type !== "file" || !("content" in data)) {
        throw new FerryError("PublishedContentDiffers", { registry: ctx.registry, what: `${path} in ${target.repository} is not a file.` });
      }
      return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
    } catch (error) {
      if (error instanceof FerryError) throw error;
      if ((error as { status?: number }).status !== 404) throw fail(error, `reading ${path} in`);
      // A 404 also hides a repository the token cannot see: only a readable repository means "no file".
      if (!repoChecked) {
        await github.rest.repos.get({ owner, repo }).catch((repoError: unknown) => {
          throw (repoError as { status?: number }).status === 404
            ? new FerryError("RegistryRefused", {
                registry: ctx.registry,
                what: `The repository ${target.repository} does not exist, or the token cannot see it.`,
                fix: `Create ${target.repository}, or give the token access to it.`,
              })
            : fail(repoError, "reading");
        });
        repoChecked = true;
      }
      return undefined;
    }
  };

  const put = async (path: string, text: string, message: string): Promise<string | undefined> => {
    const current = await get(path);
    if (current?.text === text) return undefined;
    const { data } = await github.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path,
      message,
      content: Buffer.from(text).toString("base64"),
      ...(current ? { sha: current.sha } : {}),
      ...(target.branch ? { branch: target.branch } : {}),
      committer: { name: target.name, email: target.email },
      author: { name: target.name, email: target.email },
    });
    return data.commit.sha;
  };

  return {
    location: `${target.repository}@${target.branch ?? "(default branch)"}`,
    async read(path) {
      return (await get(checkPath(ctx, path)))?.text;
    },
    async write({ files, message }) {
      let commit: string | undefined;
      for (const path of Object.keys(files).sort()) {
        const text = files[path]!;
        checkPath(ctx, path);
        try {
          commit = (await put(path, text, message)) ?? commit;
        } catch (error) {
          if (error instanceof FerryError) throw error;
          // 409: the file changed between our read and our write; read it again and retry once.
          if ((error as { status?: number }).status !== 409) throw fail(error, `writing ${path} to`);
          commit =
            (await put(path, text, message).catch((again: unknown) => {
              throw again instanceof FerryError ? again : fail(again, `writing ${path} to`);
            })) ?? commit;
        }
      }
      return { commit };
    },
    doctor: () => githubRepoChecks(github, { repository: target.repository, tokenName: target.tokenName, push: true }),
  };
}

/**
 * `ferry doctor` for a repository-backed adapter: the token is set (for the contents API), then the
 * backend's own checks.
 */
export async function checkRepoFiles(ctx: Context<unknown>, target: RepoTarget): Promise<Check[]> {
  try {
    return await openRepoFiles(ctx, target).doctor();
  } catch (error) {
    const code = error instanceof FerryError ? error.code : undefined;
    return [failedCheck(code === "SecretMissing" ? `${target.token} set` : "repository configured", error)];
  }
}

// ---------------------------------------------------------------------------------------------
// exists() for a file that holds one version at a time

/** What an adapter reads back from its file: the version and every checksum it names. */
export interface FileRelease {
  version: string;
  checksums: string[];
}

export interface FilePresenceInput {
  /** The path in the repository, for messages. */
  path: string;
  location: string;
  /** The file's text in the repository, undefined when absent. */
  current: string | undefined;
  /** The file this release renders. */
  rendered: string;
  /** Reads version and checksums from a file's text; undefined when it holds no version. */
  parse: (text: string) => FileRelease | undefined;
  /** This release's version, which the file's version is ordered against. */
  version: Version;
  /** Maps the file's version to SemVer for ordering (e.g. Nix's 1.2.3pre-rc.1). @default identity */
  toSemver?: (version: string) => string;
}

/**
 * A formula, manifest or derivation holds one version. Ours there → present (matching when the
 * bytes, or at least the checksums, are equal). An older one → absent: publishing updates it. A newer
 * one → newer, so an older release never overwrites it. A version that is not SemVer cannot be
 * ordered: an error, never a guess.
 */
export function filePresence(input: FilePresenceInput): Presence {
  const { path, location, current, rendered, parse, version, toSemver = (v: string) => v } = input;
  if (current === undefined) return { state: "absent" };
  const ours = parse(rendered);
  const theirs = parse(current);
  if (!ours) throw new Error(`The rendered ${path} holds no version.`);
  if (!theirs) {
    throw new FerryError("PublishedContentDiffers", {
      what: `${path} in ${location} exists but names no version ferry can read.`,
      fix: `Fix or delete ${path} there, then run ferry again.`,
    });
  }
  if (theirs.version === ours.version) {
    if (current === rendered) return { state: "present", matches: true, detail: `${path} has ${ours.version}, identical.` };
    const same = [...theirs.checksums].sort().join() === [...ours.checksums].sort().join();
    return same
      ? { state: "present", matches: true, detail: `${path} has ${ours.version} with the same sha256s (other formatting).` }
      : { state: "present", matches: false, detail: `${path} has ${ours.version} with other sha256s than this release.` };
  }
  const order = compareVersion(toSemver(theirs.version), version);
  if (order === undefined) {
    throw new FerryError("PublishedContentDiffers", {
      what: `${path} in ${location} has version "${theirs.version}", which cannot be ordered against ${ours.version}.`,
      fix: `Check ${path} there; set it to a SemVer version or delete it, then run ferry again.`,
    });
  }
  if (order > 0) return { state: "newer", version: theirs.version, where: `${path} in ${location}` };
  return { state: "absent" };
}
