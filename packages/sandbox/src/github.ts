// A stateful stand-in for the GitHub REST API (releases, assets, contents, refs, forks, pull requests,
// artifact attestations), for tests and rehearsals where the real service cannot be reached. Response
// bodies follow GitHub's OpenAPI description; github.test.ts validates every one of them against it.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { attestationRoutes } from "./github/attestations.ts";
import { pullRoutes } from "./github/pulls.ts";
import { releaseRoutes } from "./github/releases.ts";
import { repoRoutes } from "./github/repos.ts";
import { HttpError, match } from "./github/router.ts";
import type { Reply } from "./github/router.ts";
import { GitHubState } from "./github/state.ts";
import { webRoutes } from "./github/web.ts";

export interface StandInAsset {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  size: number;
  sha256: string;
  /** As the API reports it: `sha256:<hex>`. */
  digest: string;
  bytes: Buffer;
}

export interface StandInRelease {
  id: number;
  tag: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  publishedAt: string | null;
  latest: boolean;
  assets: StandInAsset[];
}

export interface StandInPull {
  number: number;
  /** `owner:branch` */
  head: string;
  base: string;
  title: string;
  body: string | null;
  state: "open" | "closed";
  /** Every file on the head branch as it is now. */
  files: Record<string, string>;
}

export interface GitHubStandIn {
  /** `http://127.0.0.1:<port>`: both the REST base (GITHUB_API_URL) and the web base (GITHUB_SERVER_URL). */
  url: string;
  /** The only token accepted, besides `extraTokens`. */
  token: string;
  /** The authenticated user; forks are created under this login. */
  login: string;
  createRepo(fullName: string, opts?: { defaultBranch?: string; files?: Record<string, string> }): void;
  /** A file's current content on a branch (default branch if no ref), or undefined. */
  readFile(fullName: string, path: string, ref?: string): string | undefined;
  release(fullName: string, tag: string): StandInRelease | undefined;
  pulls(fullName: string): StandInPull[];
  /** The next `times` requests matching method and path answer `status` (403/429 as a secondary rate limit). */
  failNext(method: string, pathPattern: RegExp, status: number, times?: number): void;
  /** Every request received, in order (path without query). */
  requests: Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

export interface GitHubOptions {
  /** @default a random "ghs_sandbox_<hex>" */
  token?: string;
  /** More tokens accepted for the same user, e.g. a second credential a test rotates to. */
  extraTokens?: string[];
  /** @default "ferry-sandbox" */
  login?: string;
}

// The web routes come last: their `/{owner}/{repo}` and `/{login}` would match API paths.
const routes = [...releaseRoutes, ...repoRoutes, ...pullRoutes, ...attestationRoutes, ...webRoutes];
const DOCS = "https://docs.github.com/rest";
const RATE_LIMIT = { core: 5000, search: 30 };

export async function startGitHub(opts: GitHubOptions = {}): Promise<GitHubStandIn> {
  const token = opts.token ?? `ghs_sandbox_${randomBytes(16).toString("hex")}`;
  const tokens = new Set([token, ...(opts.extraTokens ?? [])]);
  const state = new GitHubState(opts.login ?? "ferry-sandbox");
  const requests: GitHubStandIn["requests"] = [];
  const faults: Array<{ method: string; pattern: RegExp; status: number; times: number }> = [];
  const used = { core: 0, search: 0 };
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let base = "";

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const url = new URL(req.url ?? "/", base);
      requests.push({ method, path: url.pathname });
      const resource = url.pathname.startsWith("/search/") ? "search" : "core";
      used[resource]++;
      const headers: Record<string, string> = {
        "x-github-api-version-selected": "2022-11-28",
        "x-github-media-type": "github.v3; format=json",
        "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
        "x-ratelimit-limit": String(RATE_LIMIT[resource]),
        "x-ratelimit-remaining": String(Math.max(0, RATE_LIMIT[resource] - used[resource])),
        "x-ratelimit-reset": String(resetAt),
        "x-ratelimit-used": String(used[resource]),
        "x-ratelimit-resource": resource,
        "x-oauth-scopes": "repo, workflow",
        "x-accepted-oauth-scopes": "repo",
      };
      void answer(method, url, req.headers, Buffer.concat(chunks))
        // A bug in the stand-in answers 500 with its message, so the test that hit it fails visibly.
        .catch((error: unknown) => errorReply(error instanceof HttpError ? error : new HttpError(500, `Sandbox error: ${String(error)}`)))
        .then((reply) => send(res, headers, reply));
    });
  });

  function send(res: ServerResponse, headers: Record<string, string>, reply: Reply): void {
    if (reply.bytes) {
      res.writeHead(reply.status, { ...headers, "content-length": String(reply.bytes.length), ...reply.headers });
      res.end(reply.bytes);
    } else if (reply.body === undefined) {
      res.writeHead(reply.status, { ...headers, ...reply.headers });
      res.end();
    } else {
      const json = JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...headers, "content-type": "application/json; charset=utf-8", ...reply.headers });
      res.end(json);
    }
  }

  async function answer(method: string, url: URL, headers: IncomingHttpHeaders, body: Buffer): Promise<Reply> {
    const fault = faults.find((f) => f.method === method && f.pattern.test(url.pathname));
    if (fault) {
      if (--fault.times === 0) faults.splice(faults.indexOf(fault), 1);
      throw faultError(fault.status);
    }
    // Clients escape the slashes in ref names and file paths (heads%2Fmain); GitHub reads them as slashes.
    const found = match(routes, method, url.pathname.replace(/%2F/gi, "/"));
    if (!found) throw new HttpError(404, "Not Found");
    if (!found.route.anonymous) {
      const credentials = /^(?:bearer|token)\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
      if (!credentials || !tokens.has(credentials)) throw new HttpError(401, "Bad credentials");
    }
    return found.route.handle(
      { method, params: found.params, query: url.searchParams, headers, body, href: `${base}${url.pathname}` },
      { base, state },
    );
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    token,
    login: state.login,
    requests,
    createRepo(fullName, { defaultBranch = "main", files = {} } = {}) {
      state.createRepo(fullName, defaultBranch, files);
    },
    readFile(fullName, path, ref) {
      const repo = state.repo(fullName);
      return repo ? state.resolve(repo, ref)?.files.get(path) : undefined;
    },
    release(fullName, tag) {
      const repo = state.repo(fullName);
      const r = repo?.releases.find((x) => x.tagName === tag);
      if (!repo || !r) return undefined;
      return {
        id: r.id,
        tag: r.tagName,
        name: r.name,
        body: r.body,
        draft: r.draft,
        prerelease: r.prerelease,
        publishedAt: r.publishedAt,
        latest: repo.latestReleaseId === r.id,
        assets: r.assets.map((a) => ({
          id: a.id,
          name: a.name,
          label: a.label,
          contentType: a.contentType,
          size: a.bytes.length,
          sha256: a.sha256,
          digest: `sha256:${a.sha256}`,
          bytes: a.bytes,
        })),
      };
    },
    pulls(fullName) {
      return (state.repo(fullName)?.pulls ?? []).map((p) => ({
        number: p.number,
        head: `${p.head.repo.owner}:${p.head.ref}`,
        base: p.base.ref,
        title: p.title,
        body: p.body,
        state: p.state,
        files: Object.fromEntries(state.head(p.head.repo, p.head.ref)?.files ?? []),
      }));
    },
    failNext(method, pathPattern, status, times = 1) {
      faults.push({ method: method.toUpperCase(), pattern: pathPattern, status, times });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function faultError(status: number): HttpError {
  if (status === 403 || status === 429) {
    // Octokit's throttling plugin recognises a secondary rate limit by this wording and waits retry-after.
    const message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
    return new HttpError(status, message, {}, { "retry-after": "1" });
  }
  return new HttpError(status, status >= 500 ? "Server Error" : "Injected failure");
}

function errorReply(error: HttpError): Reply {
  return {
    status: error.status,
    body: { message: error.message, ...error.extra, documentation_url: DOCS, status: String(error.status) },
    headers: error.headers,
  };
}
