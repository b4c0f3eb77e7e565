import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Octokit } from "@octokit/rest";
import { FerryError } from "./errors.ts";
import type { Context } from "./registry.ts";

/** The parts of an adapter's context that GitHub delivery uses. */
export type GitHubContext = Pick<Context<unknown>, "registry" | "github" | "log" | "signal">;

export interface ChangeProposal {
  /** `owner/name` of the repository the pull request goes to. */
  upstream: string;
  /** The upstream branch to merge into. @default the upstream's default branch */
  base?: string;
  /** The branch in the fork that carries the change, e.g. `ferry/Hello.Hello-1.2.3`. */
  branch: string;
  title: string;
  body: string;
  /** Repository path → full file content. */
  files: Record<string, string>;
  /** The token of the account that owns the fork and opens the pull request. */
  token: string;
}

export interface ProposedChange {
  number: number;
  url: string;
  /** false when an open pull request for the branch already existed and was returned instead. */
  created: boolean;
}

export interface OpenPullRequest {
  number: number;
  url: string;
  /** `owner/name` of the repository holding the head branch (usually a fork). */
  headRepo: string;
  headSha: string;
}

export interface PullRequestQuery {
  upstream: string;
  /** Finds the token user's open pull request from this branch of their fork. Needs `token`. */
  branch?: string;
  /** Finds anyone's open pull request whose title contains this phrase (GitHub issue search). */
  title?: string;
  token?: string | undefined;
}

/** How long to wait for a newly requested fork to appear: GitHub creates forks asynchronously. */
const forkPolls = 60;
const forkPollMs = 2000;

/**
 * Proposes files to a repository the way a contributor does: fork it (or reuse the fork), sync the
 * fork, point a branch at the upstream's base, commit the files there and open a pull request.
 * An open pull request for the same branch is returned instead of opening a second one.
 */
export async function proposeChange(ctx: GitHubContext, proposal: ChangeProposal): Promise<ProposedChange> {
  const gh = ctx.github(proposal.token);
  const login = await userLogin(ctx, gh);
  const open = await openPullFromBranch(ctx, gh, proposal.upstream, `${login}:${proposal.branch}`);
  if (open) {
    ctx.log(`Pull request #${open.number} for ${proposal.branch} is already open; not opening another.`);
    return { number: open.number, url: open.url, created: false };
  }

  const [owner, repo] = splitRepo(proposal.upstream);
  const upstream = await call(ctx, `read ${proposal.upstream}`, () => gh.rest.repos.get({ owner, repo }));
  const base = proposal.base ?? upstream.data.default_branch;
  const fork = await ensureFork(ctx, gh, proposal.upstream, base);
  await syncFork(ctx, gh, fork, base);

  const baseSha = (
    await call(ctx, `read ${proposal.upstream} branch ${base}`, () => gh.rest.git.getRef({ owner, repo, ref: `heads/${base}` }))
  ).data.object.sha;
  await resetBranch(ctx, gh, fork, proposal.branch, baseSha);
  const written = await writeFiles(ctx, gh, fork, proposal.branch, proposal.files, proposal.title);
  if (written === 0) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `${proposal.upstream} branch ${base} already holds these files; there is nothing to propose.`,
      fix: "Nothing to do: the change is already merged.",
    });
  }

  try {
    const pull = await gh.rest.pulls.create({
      owner,
      repo,
      title: proposal.title,
      body: proposal.body,
      head: `${login}:${proposal.branch}`,
      base,
      maintainer_can_modify: true,
    });
    return { number: pull.data.number, url: pull.data.html_url, created: true };
  } catch (error) {
    // Another run opened it between our check and now: that one stands.
    const raced = status(error) === 422 ? await openPullFromBranch(ctx, gh, proposal.upstream, `${login}:${proposal.branch}`) : undefined;
    if (raced) return { number: raced.number, url: raced.url, created: false };
    throw refused(ctx, `open a pull request to ${proposal.upstream}`, error);
  }
}

/** An open pull request to `upstream` matching the query (by branch first, then by title), if any. */
export async function findOpenPullRequest(ctx: GitHubContext, query: PullRequestQuery): Promise<OpenPullRequest | undefined> {
  const gh = ctx.github(query.token);
  if (query.branch && query.token) {
    const login = await userLogin(ctx, gh);
    const found = await openPullFromBranch(ctx, gh, query.upstream, `${login}:${query.branch}`);
    if (found) return found;
  }
  if (!query.title) return undefined;
  const phrase = query.title;
  const q = `repo:${query.upstream} is:pr is:open in:title "${phrase.replace(/"/g, "")}"`;
  const result = await call(ctx, `search pull requests of ${query.upstream}`, () =>
    gh.rest.search.issuesAndPullRequests({ q, per_page: 100 }),
  );
  // Search matches words; keep only titles holding the exact phrase, not e.g. version 1.2.30 for 1.2.3.
  const exact = new RegExp(`(^|\\s)${escapeRegExp(phrase)}(\\s|$)`, "i");
  const item = result.data.items.filter((i) => exact.test(i.title)).sort((a, b) => a.number - b.number)[0];
  if (!item) return undefined;
  const [owner, repo] = splitRepo(query.upstream);
  const pull = await call(ctx, `read pull request #${item.number}`, () => gh.rest.pulls.get({ owner, repo, pull_number: item.number }));
  return describe(pull.data);
}

/** A file's content at a ref, or undefined when the path does not exist there. */
export async function readRepoFile(
  ctx: GitHubContext,
  gh: Octokit,
  fullName: string,
  path: string,
  ref?: string,
): Promise<string | undefined> {
  const [owner, repo] = splitRepo(fullName);
  try {
    const { data } = await gh.rest.repos.getContent({ owner, repo, path, ...(ref ? { ref } : {}) });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return undefined;
    return Buffer.from(data.content.replace(/\n/g, ""), "base64").toString("utf8");
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw refused(ctx, `read ${path} from ${fullName}`, error);
  }
}

/** True when every file is at `ref` of `fullName` with exactly this content. */
export async function holdsFiles(
  ctx: GitHubContext,
  gh: Octokit,
  fullName: string,
  ref: string,
  files: Record<string, string>,
): Promise<boolean> {
  for (const [path, content] of Object.entries(files)) {
    if ((await readRepoFile(ctx, gh, fullName, path, ref)) !== content) return false;
  }
  return true;
}

async function userLogin(ctx: GitHubContext, gh: Octokit): Promise<string> {
  return (await call(ctx, "read the token's user", () => gh.rest.users.getAuthenticated())).data.login;
}

async function openPullFromBranch(ctx: GitHubContext, gh: Octokit, upstream: string, head: string): Promise<OpenPullRequest | undefined> {
  const [owner, repo] = splitRepo(upstream);
  const pulls = await call(ctx, `list pull requests of ${upstream}`, () => gh.rest.pulls.list({ owner, repo, head, state: "open" }));
  const pull = pulls.data[0];
  return pull ? describe(pull) : undefined;
}

function describe(pull: { number: number; html_url: string; head: { sha: string; repo: { full_name: string } | null } }): OpenPullRequest {
  return { number: pull.number, url: pull.html_url, headRepo: pull.head.repo?.full_name ?? "", headSha: pull.head.sha };
}

/** Asks for a fork (GitHub returns the existing one) and waits until its base branch can be read. */
async function ensureFork(ctx: GitHubContext, gh: Octokit, upstream: string, base: string): Promise<string> {
  const [owner, repo] = splitRepo(upstream);
  const created = await call(ctx, `fork ${upstream}`, () => gh.rest.repos.createFork({ owner, repo }));
  const fork = created.data.full_name;
  const [forkOwner, forkRepo] = splitRepo(fork);
  for (let attempt = 1; attempt <= forkPolls; attempt++) {
    try {
      await gh.rest.git.getRef({ owner: forkOwner, repo: forkRepo, ref: `heads/${base}` });
      return fork;
    } catch (error) {
      if (status(error) !== 404 && status(error) !== 409) throw refused(ctx, `read the fork ${fork}`, error);
    }
    ctx.log(`Waiting for GitHub to create the fork ${fork}...`);
    await sleep(forkPollMs, undefined, { signal: ctx.signal });
  }
  throw new FerryError("RegistryRefused", {
    registry: ctx.registry,
    what: `The fork ${fork} of ${upstream} did not appear within ${(forkPolls * forkPollMs) / 1000}s.`,
    fix: "GitHub may be slow creating forks; re-run later.",
  });
}

/**
 * Brings the fork's base branch up to date. A fork whose base has diverged cannot be synced, which
 * does not matter: the proposal branch is made from the upstream's commit, not the fork's.
 */
async function syncFork(ctx: GitHubContext, gh: Octokit, fork: string, base: string): Promise<void> {
  const [owner, repo] = splitRepo(fork);
  try {
    await gh.rest.repos.mergeUpstream({ owner, repo, branch: base });
  } catch (error) {
    if (status(error) !== 409 && status(error) !== 422) throw refused(ctx, `sync ${fork} with its upstream`, error);
    ctx.log(`${fork} branch ${base} could not be synced with its upstream (${status(error)}); branching from the upstream instead.`);
  }
}

/** Points the branch at `sha`, creating it or discarding what an earlier, unmerged attempt left there. */
async function resetBranch(ctx: GitHubContext, gh: Octokit, fork: string, branch: string, sha: string): Promise<void> {
  const [owner, repo] = splitRepo(fork);
  let exists = true;
  try {
    await gh.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
  } catch (error) {
    if (status(error) !== 404) throw refused(ctx, `read ${fork} branch ${branch}`, error);
    exists = false;
  }
  await call(ctx, `point ${fork} branch ${branch} at ${sha.slice(0, 7)}`, async () => {
    if (exists) await gh.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: true });
    else await gh.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
  });
}

/** Commits each changed file with the contents API; returns how many were written. */
async function writeFiles(
  ctx: GitHubContext,
  gh: Octokit,
  fork: string,
  branch: string,
  files: Record<string, string>,
  message: string,
): Promise<number> {
  const [owner, repo] = splitRepo(fork);
  let written = 0;
  for (const path of Object.keys(files).sort()) {
    const content = files[path]!;
    let sha: string | undefined;
    try {
      const { data } = await gh.rest.repos.getContent({ owner, repo, path, ref: branch });
      if (!Array.isArray(data)) sha = data.sha;
    } catch (error) {
      if (status(error) !== 404) throw refused(ctx, `read ${path} from ${fork}`, error);
    }
    // The contents API names a file by its git blob id, so equal content needs no download to detect.
    if (sha === blobSha(content)) continue;
    await call(ctx, `write ${path} to ${fork} branch ${branch}`, () =>
      gh.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path,
        branch,
        message,
        content: Buffer.from(content, "utf8").toString("base64"),
        ...(sha ? { sha } : {}),
      }),
    );
    written++;
  }
  return written;
}

function blobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

export function splitRepo(fullName: string): [string, string] {
  const [owner, repo, ...rest] = fullName.split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new FerryError("ConfigInvalid", { what: `"${fullName}" is not a GitHub repository name.`, fix: "Write it as owner/name." });
  }
  return [owner, repo];
}

async function call<T>(ctx: GitHubContext, action: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw refused(ctx, action, error);
  }
}

const status = (error: unknown): number | undefined => (error as { status?: number }).status;

/** A GitHub failure as a FerryError that says what was attempted and, for auth failures, what to check. */
export function refused(ctx: GitHubContext, action: string, error: unknown): FerryError {
  if (error instanceof FerryError) return error;
  const code = status(error);
  const message = (error as Error).message ?? String(error);
  if (code === undefined || code >= 500) {
    return new FerryError("RegistryUnreachable", {
      registry: ctx.registry,
      what: `GitHub did not answer when trying to ${action}.`,
      why: message,
      cause: error,
    });
  }
  return new FerryError("RegistryRefused", {
    registry: ctx.registry,
    what: `GitHub refused to ${action} (${code}).`,
    why: message,
    ...(code === 401 || code === 403
      ? { fix: "Check that the token is valid and may fork public repositories and open pull requests (classic scope public_repo)." }
      : {}),
    cause: error,
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
