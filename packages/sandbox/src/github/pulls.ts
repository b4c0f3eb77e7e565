// Pull requests, and the slice of issue search that finds them.
import * as shapes from "./shapes.ts";
import { HttpError, jsonBody, notFound, paginate, repoOf, route, str, validationFailed } from "./router.ts";
import type { ApiRequest, Env, Route } from "./router.ts";
import { now } from "./state.ts";
import type { Pull, Repo } from "./state.ts";

/** `owner:branch` names a branch of the base repository or of its fork by that owner. */
function headOf(env: Env, base: Repo, head: string): Pull["head"] {
  const [owner, ref] = head.includes(":") ? head.split(/:(.*)/s) : [base.owner, head];
  const candidates = [base, ...base.forks, ...(base.parent ? [base.parent, ...base.parent.forks] : [])];
  const repo = candidates.find((r) => r.owner.toLowerCase() === owner!.toLowerCase());
  if (!repo || !ref || !repo.branches.has(ref)) {
    throw validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }]);
  }
  return { repo, ref };
}

function pullOf(env: Env, req: ApiRequest): Pull {
  const pull = repoOf(env, req).pulls.find((p) => p.number === Number(req.params[2]));
  if (!pull) throw notFound();
  return pull;
}

export const pullRoutes: Route[] = [
  route("GET", "/repos/{o}/{r}/pulls", (req, env) => {
    const repo = repoOf(env, req);
    const state = req.query.get("state") ?? "open";
    const head = req.query.get("head");
    const base = req.query.get("base");
    const pulls = repo.pulls.filter(
      (p) =>
        (state === "all" || p.state === state) &&
        (!head || `${p.head.repo.owner}:${p.head.ref}`.toLowerCase() === head.toLowerCase()) &&
        (!base || p.base.ref === base),
    );
    return paginate(
      req,
      [...pulls].reverse().map((p) => shapes.pull(env.base, env.state, p)),
    );
  }),
  route("POST", "/repos/{o}/{r}/pulls", (req, env) => {
    const repo = repoOf(env, req);
    const body = jsonBody(req);
    const title = str(body.title);
    const headName = str(body.head);
    const baseRef = str(body.base);
    if (!title) throw validationFailed([{ resource: "PullRequest", code: "missing_field", field: "title" }]);
    if (!headName) throw validationFailed([{ resource: "PullRequest", code: "missing_field", field: "head" }]);
    if (!baseRef || !repo.branches.has(baseRef)) throw validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }]);
    const head = headOf(env, repo, headName);
    const label = `${head.repo.owner}:${head.ref}`;
    if (repo.pulls.some((p) => p.state === "open" && p.head.repo === head.repo && p.head.ref === head.ref && p.base.ref === baseRef)) {
      throw validationFailed([{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${label}.` }]);
    }
    const created = now();
    const pull: Pull = {
      id: env.state.nextId(),
      number: repo.pulls.length + 1,
      title,
      body: str(body.body) ?? null,
      state: "open",
      head,
      base: { repo, ref: baseRef },
      createdAt: created,
      updatedAt: created,
      closedAt: null,
    };
    repo.pulls.push(pull);
    return { status: 201, body: shapes.pull(env.base, env.state, pull) };
  }),
  route("GET", "/repos/{o}/{r}/pulls/{n}", (req, env) => ({ status: 200, body: shapes.pull(env.base, env.state, pullOf(env, req)) })),
  route("PATCH", "/repos/{o}/{r}/pulls/{n}", (req, env) => {
    const pull = pullOf(env, req);
    const body = jsonBody(req);
    if (typeof body.title === "string") pull.title = body.title;
    if ("body" in body) pull.body = str(body.body) ?? null;
    if (typeof body.base === "string") {
      if (!pull.base.repo.branches.has(body.base)) throw validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }]);
      pull.base.ref = body.base;
    }
    if (body.state === "open" || body.state === "closed") {
      pull.state = body.state;
      pull.closedAt = body.state === "closed" ? now() : null;
    }
    pull.updatedAt = now();
    return { status: 200, body: shapes.pull(env.base, env.state, pull) };
  }),
  // Supports the qualifiers a publisher uses to find its own open PR: repo:, is:pr/is:issue, is:open/is:closed,
  // state:, in:title, plus free text (quoted phrases allowed) matched against titles.
  route("GET", "/search/issues", (req, env) => {
    const q = req.query.get("q");
    if (!q) throw validationFailed([{ resource: "Search", field: "q", code: "missing" }]);
    const terms = [...q.matchAll(/(\w+:)?(?:"([^"]*)"|(\S+))/g)].map((m) => ({ key: m[1]?.slice(0, -1), value: m[2] ?? m[3] ?? "" }));
    let repos = [...env.state.repos.values()];
    let state: string | undefined;
    const words: string[] = [];
    for (const { key, value } of terms) {
      if (key === "repo") repos = repos.filter((r) => r.fullName.toLowerCase() === value.toLowerCase());
      else if ((key === "is" || key === "state") && (value === "open" || value === "closed")) state = value;
      else if (key === "is" && value === "issue") repos = [];
      else if (key === undefined) words.push(value.toLowerCase());
      else if (!(key === "is" && value === "pr") && !(key === "type" && value === "pr") && key !== "in") {
        throw new HttpError(422, `The sandbox does not support the search qualifier ${key}:${value}`);
      }
    }
    const items = repos
      .flatMap((r) => r.pulls)
      .filter((p) => (!state || p.state === state) && words.every((w) => p.title.toLowerCase().includes(w)))
      .map((p) => shapes.issueSearchItem(env.base, env.state, p));
    const page = paginate(req, items);
    return { ...page, body: { total_count: items.length, incomplete_results: false, search_type: "lexical", items: page.body } };
  }),
];
