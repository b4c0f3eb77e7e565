/**
 * Building blocks for `ferry doctor`: checks of secrets, tools and GitHub access that read and
 * never write. Every detail names a variable, never its value.
 */
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { Octokit } from "@octokit/rest";
import { githubApi } from "./context.ts";
import { asFerryError } from "./errors.ts";
import { createGitHub } from "./github.ts";
import { splitRepo } from "./pull-request.ts";
import type { Check, Context } from "./registry.ts";
import { redact, secret } from "./secrets.ts";

export const pass = (name: string, detail: string): Check => ({ name, ok: true, detail });

export const fail = (name: string, detail: string, fix?: string): Check => ({ name, ok: false, detail, ...(fix ? { fix } : {}) });

/** A failed check from whatever was thrown: its what and why as the detail, its fix as the fix. */
export function failedCheck(name: string, error: unknown): Check {
  const { what, why, fix } = asFerryError(error).details;
  return fail(name, redact([what, why].filter(Boolean).join(" ")), fix && redact(fix));
}

/** Runs a read-only step: passes with the detail it answers, fails with what it throws. */
export async function checkStep(name: string, step: () => Promise<string>): Promise<Check> {
  try {
    return pass(name, await step());
  } catch (error) {
    return failedCheck(name, error);
  }
}

/** Passes when one of `names` is set, naming which; the value is never shown. */
export function secretCheck(ctx: Pick<Context<unknown>, "secret">, names: string[], fix: string): Check {
  const name = `${names.join(" or ")} set`;
  const found = names.find((n) => ctx.secret(n));
  if (found) return pass(name, `${found} is set`);
  return fail(name, names.length > 1 ? `none of ${names.join(", ")} is set` : `${names[0]} is not set`, fix);
}

/** Passes when `tool` is an executable file in a directory of PATH. */
export async function toolCheck(
  ctx: Pick<Context<unknown>, "env">,
  tool: string,
  fix = `Install ${tool} and make sure it is on PATH.`,
): Promise<Check> {
  for (const dir of (ctx.env("PATH") ?? "").split(delimiter).filter(Boolean)) {
    const path = join(dir, tool);
    if (
      await access(path, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return pass(`${tool} on PATH`, path);
  }
  return fail(`${tool} on PATH`, `${tool} is not on PATH`, fix);
}

const status = (error: unknown): number | undefined => (error as { status?: number }).status;

/** The scopes of a classic token (GitHub's x-oauth-scopes header); undefined for other kinds of token. */
const scopesOf = (headers: Record<string, unknown>): string[] | undefined =>
  typeof headers["x-oauth-scopes"] === "string"
    ? headers["x-oauth-scopes"]
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

function unaccepted(tokenName: string, error: unknown): Check {
  const code = status(error);
  if (code === 401) {
    return fail(
      `${tokenName} accepted`,
      "GitHub answered 401 Bad credentials",
      `The token in ${tokenName} is wrong, expired or revoked: create a new one and set ${tokenName}.`,
    );
  }
  return failedCheck(`${tokenName} accepted`, error);
}

interface RepoAccessInput {
  /** `owner/name`. */
  repository: string;
  /** The variable the client's token came from, for messages. */
  tokenName: string;
  /** Also check that the token may push to the repository. */
  push: boolean;
}

/**
 * Reads the repository with the client's token: the token is accepted, the repository exists, and
 * (with `push`) the token may write to it: a classic token needs the `repo` scope (`public_repo`
 * for a public repository), any token needs `permissions.push` when GitHub reports it.
 */
export async function githubRepoChecks(gh: Octokit, { repository, tokenName, push }: RepoAccessInput): Promise<Check[]> {
  const [owner, repo] = splitRepo(repository);
  let answer: Awaited<ReturnType<Octokit["rest"]["repos"]["get"]>>;
  try {
    answer = await gh.rest.repos.get({ owner, repo });
  } catch (error) {
    if (status(error) !== 404) return [unaccepted(tokenName, error)];
    return [
      pass(`${tokenName} accepted`, "GitHub accepted it"),
      fail(
        `${repository} exists`,
        `${repository} does not exist, or ${tokenName} cannot see it`,
        `Create ${repository}, or give the token in ${tokenName} access to it.`,
      ),
    ];
  }
  const { data, headers } = answer;
  const checks = [
    pass(`${tokenName} accepted`, "GitHub accepted it"),
    pass(`${repository} exists`, `${data.private ? "private" : "public"}, default branch ${data.default_branch}`),
  ];
  if (!push) return checks;
  const name = `${tokenName} can push to ${repository}`;
  const scopes = scopesOf(headers);
  if (scopes && !scopes.includes("repo") && !(scopes.includes("public_repo") && !data.private)) {
    checks.push(
      fail(
        name,
        `the classic token has the scopes: ${scopes.join(", ") || "none"}`,
        `Give the token the \`${data.private ? "repo" : "public_repo"}\` scope, or use a fine-grained token with "Contents: Read and write" on ${repository}.`,
      ),
    );
  } else if (data.permissions?.push === false) {
    checks.push(
      fail(
        name,
        `GitHub reports no push permission on ${repository}`,
        `Give the token's account write access to ${repository}, or a fine-grained token "Contents: Read and write" on it.`,
      ),
    );
  } else if (data.permissions?.push) {
    checks.push(pass(name, scopes ? `push permission, scopes ${scopes.join(", ")}` : "push permission"));
  } else {
    // GitHub App and Actions tokens get no permissions in the answer: their rights cannot be read without writing.
    checks.push(pass(name, "GitHub does not report this token's rights (an app or Actions token); it needs contents: write"));
  }
  return checks;
}

/** The token's account can fork and open pull requests: GET /user, and a classic token's scopes. */
export async function githubForkChecks(gh: Octokit, tokenName: string): Promise<Check[]> {
  let answer: Awaited<ReturnType<Octokit["rest"]["users"]["getAuthenticated"]>>;
  try {
    answer = await gh.rest.users.getAuthenticated();
  } catch (error) {
    return [unaccepted(tokenName, error)];
  }
  const login = answer.data.login;
  const scopes = scopesOf(answer.headers);
  const name = `${tokenName} user can fork`;
  if (scopes && !scopes.includes("repo") && !scopes.includes("public_repo")) {
    return [
      pass(`${tokenName} accepted`, `user ${login}`),
      fail(name, `the classic token has the scopes: ${scopes.join(", ") || "none"}`, "Give the token the `public_repo` scope."),
    ];
  }
  return [
    pass(`${tokenName} accepted`, `user ${login}`),
    pass(name, scopes ? `user ${login}, scopes ${scopes.join(", ")}` : `user ${login}`),
  ];
}

/** The release's own GitHub prerequisites: GITHUB_TOKEN set, accepted, and able to push to the project's repository. */
export async function githubDoctor(env: NodeJS.ProcessEnv, repository: string): Promise<Check[]> {
  const fix = "Set GITHUB_TOKEN (in Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` with `permissions: contents: write`).";
  const set = secretCheck({ secret: (name) => secret(name, env) }, ["GITHUB_TOKEN", "GH_TOKEN"], fix);
  if (!set.ok) return [set];
  const tokenName = secret("GITHUB_TOKEN", env) ? "GITHUB_TOKEN" : "GH_TOKEN";
  const gh = createGitHub({ token: secret(tokenName, env), api: githubApi(env) });
  return [set, ...(await githubRepoChecks(gh, { repository, tokenName, push: true }))];
}
