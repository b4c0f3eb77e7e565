import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Readable } from "node:stream";
import Bottleneck from "bottleneck/light.js";
import { Agent, fetch, Headers, request, Response, type RequestInit } from "undici";

const GitHub = Octokit.plugin(retry, throttling);

/**
 * Pacing of writes (and of the writes that notify), one limiter per API host. GitHub's documented
 * secondary limit is 80 content-creating requests a minute; answers that say a limit was hit
 * (403/429 with retry-after, x-ratelimit-remaining: 0) are waited out by the plugin. The plugin's
 * default instead spaces every write of every client in the process a second apart (notifying
 * ones three), which serialises a release's uploads and every registry's pull requests.
 */
const writesPerMinute = 80;
const pacing = {
  reservoir: writesPerMinute,
  reservoirRefreshAmount: writesPerMinute,
  reservoirRefreshInterval: 60_000,
};
const writes = new Bottleneck.Group(pacing);
const notifyingWrites = new Bottleneck.Group(pacing);

export interface GitHubOptions {
  token?: string | undefined;
  /** REST API base, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  api: string;
  log?: (message: string) => void;
  /**
   * How long one request may wait for the answer's headers, or between two chunks of its body,
   * before it fails (and is retried). @default 60000
   */
  timeoutMs?: number;
}

/**
 * A GitHub client that retries network errors and 5xx, and waits out primary and secondary rate
 * limits (honouring retry-after and x-ratelimit-reset) instead of failing. Writes are paced per
 * API host (see `pacing`), not a second apart.
 */
export function createGitHub({ token, api, log = () => {}, timeoutMs = 60_000 }: GitHubOptions): Octokit {
  // A timeout on silence, not on the whole request: a large upload may take long, a hanging server does not.
  const dispatcher = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return new GitHub({
    ...(token ? { auth: token } : {}),
    baseUrl: api.replace(/\/$/, ""),
    userAgent: "ferry",
    request: { fetch: (url: string, init: RequestInit) => send(url, init, dispatcher) },
    // Retry settings go to the plugin, not to `request`: a request-level `retries` makes the plugin retry
    // every failure, 404 and 422 included. Network failures reach the plugin as status 500 and are retried.
    retry: { retries: 3 },
    // Failed requests are reported by the caller, which knows whether a 404 is an answer or an error.
    log: { debug: () => {}, info: () => {}, warn: log, error: () => {} },
    throttle: {
      id: new URL(api).host,
      write: writes,
      notifications: notifyingWrites,
      onRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log(`GitHub rate limit reached on ${options.method} ${options.url}; waiting ${retryAfter}s.`);
        return retryCount < 3;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log(`GitHub secondary rate limit on ${options.method} ${options.url}; waiting ${retryAfter}s.`);
        return retryCount < 3 && retryAfter <= 600;
      },
    },
  });
}

/**
 * octokit's fetch. A request whose body is a file stream (an asset upload) goes through undici's
 * `request`, which sends it with backpressure, a chunk at a time: fetch keeps every chunk of a
 * streamed body (it could send it again), so an upload of 1 GiB would hold 1 GiB in memory.
 */
async function send(url: string, init: RequestInit, dispatcher: Agent): Promise<Response> {
  if (!(init.body instanceof Readable)) return fetch(url, { ...init, dispatcher });
  const answer = await request(url, {
    method: init.method as "POST",
    headers: init.headers as Record<string, string>,
    body: init.body,
    signal: init.signal ?? null,
    dispatcher,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) for (const one of [value ?? []].flat()) headers.append(name, one);
  // Answers that carry no body by definition cannot be given one.
  const empty = [101, 204, 205, 304].includes(answer.statusCode);
  if (empty) await answer.body.dump();
  return new Response(empty ? null : (Readable.toWeb(answer.body) as ReadableStream<Uint8Array>), { status: answer.statusCode, headers });
}

/** The public web base for a REST API base: api.github.com → github.com; GHES /api/v3 → its host. */
export function webBase(api: string): string {
  const url = new URL(api);
  if (url.hostname === "api.github.com") return "https://github.com";
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, "").replace(/\/$/, "")}`;
}
