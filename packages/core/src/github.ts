import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";

const GitHub = Octokit.plugin(retry, throttling);

export interface GitHubOptions {
  token?: string | undefined;
  /** REST API base, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  api: string;
  log?: (message: string) => void;
}

/**
 * A GitHub client that retries network errors and 5xx, and waits out primary and secondary rate
 * limits (honouring retry-after and x-ratelimit-reset) instead of failing.
 */
export function createGitHub({ token, api, log = () => {} }: GitHubOptions): Octokit {
  return new GitHub({
    ...(token ? { auth: token } : {}),
    baseUrl: api.replace(/\/$/, ""),
    userAgent: "ferry",
    // Retry settings go to the plugin, not to `request`: a request-level `retries` makes the plugin retry
    // every failure, 404 and 422 included. Network failures reach the plugin as status 500 and are retried.
    retry: { retries: 3 },
    // Failed requests are reported by the caller, which knows whether a 404 is an answer or an error.
    log: { debug: () => {}, info: () => {}, warn: log, error: () => {} },
    throttle: {
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

/** The public web base for a REST API base: api.github.com → github.com; GHES /api/v3 → its host. */
export function webBase(api: string): string {
  const url = new URL(api);
  if (url.hostname === "api.github.com") return "https://github.com";
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, "").replace(/\/$/, "")}`;
}
