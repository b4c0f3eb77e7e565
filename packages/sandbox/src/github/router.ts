import type { IncomingHttpHeaders } from "node:http";
import type { GitHubState, Repo } from "./state.ts";

export interface ApiRequest {
  method: string;
  /** Path segments captured by the route's pattern, URI-decoded. */
  params: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The request URL without its query, as the client sent it. */
  href: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Raw bytes instead of JSON (downloads). */
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export interface Env {
  base: string;
  state: GitHubState;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** Served without a token, like github.com's release downloads. */
  anonymous?: boolean;
  handle(req: ApiRequest, env: Env): Reply | Promise<Reply>;
}

/** An error answer in GitHub's JSON shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (): HttpError => new HttpError(404, "Not Found");

export function validationFailed(errors: Array<Record<string, unknown>>): HttpError {
  return new HttpError(422, "Validation Failed", { errors });
}

export function route(method: string, path: string, handle: Route["handle"], anonymous = false): Route {
  // `{name}` matches one segment, `{name+}` the rest of the path (file paths, branch names with slashes).
  const source = path.replace(/\{\w+\+\}/g, "(.+)").replace(/\{\w+\}/g, "([^/]+)");
  return { method, pattern: new RegExp(`^${source}$`), handle, anonymous };
}

export function match(routes: Route[], method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return { route: r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

export function repoOf(env: Env, req: ApiRequest): Repo {
  const repo = env.state.repo(`${req.params[0]}/${req.params[1]}`);
  if (!repo) throw notFound();
  return repo;
}

export function jsonBody(req: ApiRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(req.body.toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to GitHub's answer for unparsable bodies
  }
  throw new HttpError(400, "Problems parsing JSON");
}

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** GitHub's page/per_page pagination with a Link header (per_page defaults to 30, at most 100). */
export function paginate(req: ApiRequest, items: unknown[]): Reply {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get("per_page") ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(req.query);
    q.set("per_page", String(perPage));
    q.set("page", String(p));
    return `<${req.href}?${q.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, "prev"), link(1, "first")] : []),
    ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
  ];
  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage),
    ...(links.length > 0 ? { headers: { link: links.join(", ") } } : {}),
  };
}
