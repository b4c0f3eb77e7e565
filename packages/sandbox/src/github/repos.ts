// The user, repositories, contents, git refs, branches and forks.
import * as shapes from "./shapes.ts";
import { HttpError, jsonBody, notFound, paginate, repoOf, route, str, validationFailed } from "./router.ts";
import type { ApiRequest, Env, Route } from "./router.ts";
import { blobSha, now } from "./state.ts";
import type { Repo } from "./state.ts";

function branchHead(env: Env, repo: Repo, branch: string) {
  const head = env.state.head(repo, branch);
  if (!head) throw new HttpError(404, "Branch not found");
  return head;
}

/** Applies one file change as a new commit on a branch, as the contents API does. */
function commitChange(env: Env, req: ApiRequest, change: (files: Map<string, string>, path: string) => void) {
  const repo = repoOf(env, req);
  const path = req.params[2]!;
  const body = jsonBody(req);
  const message = str(body.message);
  if (!message) throw validationFailed([{ resource: "Commit", code: "missing_field", field: "message" }]);
  const branch = str(body.branch) ?? repo.defaultBranch;
  const head = branchHead(env, repo, branch);
  const current = head.files.get(path);
  const sha = str(body.sha);
  if (current !== undefined && sha === undefined) throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
  if (current !== undefined && sha !== blobSha(current)) throw new HttpError(409, `${path} does not match ${sha}`);
  const files = new Map(head.files);
  change(files, path);
  const commit = env.state.commit([head.sha], message, files);
  repo.branches.set(branch, commit.sha);
  repo.pushedAt = now();
  return { repo, commit, branch, existed: current !== undefined };
}

export const repoRoutes: Route[] = [
  route("GET", "/user", (_req, env) => ({ status: 200, body: shapes.privateUser(env.base, env.state.login) })),
  route("GET", "/repos/{o}/{r}", (req, env) => ({ status: 200, body: shapes.repository(env.base, repoOf(env, req)) })),

  route("GET", "/repos/{o}/{r}/contents", (req, env) => listOrRead(req, env, "")),
  route("GET", "/repos/{o}/{r}/contents/{path+}", (req, env) => listOrRead(req, env, req.params[2]!.replace(/\/$/, ""))),
  route("PUT", "/repos/{o}/{r}/contents/{path+}", (req, env) => {
    const body = jsonBody(req);
    const content = str(body.content);
    if (content === undefined) throw validationFailed([{ resource: "Commit", code: "missing_field", field: "content" }]);
    const text = Buffer.from(content, "base64").toString("utf8");
    const { repo, commit, branch, existed } = commitChange(env, req, (files, path) => files.set(path, text));
    const entry = shapes.contentEntry(env.base, repo, branch, req.params[2]!, text);
    return { status: existed ? 200 : 201, body: { content: entry, commit: shapes.fileCommit(env.base, env.state, repo, commit) } };
  }),
  route("DELETE", "/repos/{o}/{r}/contents/{path+}", (req, env) => {
    const repo = repoOf(env, req);
    const head = branchHead(env, repo, str(jsonBody(req).branch) ?? repo.defaultBranch);
    if (!head.files.has(req.params[2]!)) throw notFound();
    if (str(jsonBody(req).sha) === undefined) throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
    const { commit } = commitChange(env, req, (files, path) => files.delete(path));
    return { status: 200, body: { content: null, commit: shapes.fileCommit(env.base, env.state, repo, commit) } };
  }),

  route("GET", "/repos/{o}/{r}/git/ref/heads/{branch+}", (req, env) => {
    const repo = repoOf(env, req);
    const sha = repo.branches.get(req.params[2]!);
    if (!sha) throw notFound();
    return { status: 200, body: shapes.gitRef(env.base, repo, req.params[2]!, sha) };
  }),
  route("GET", "/repos/{o}/{r}/branches/{branch+}", (req, env) => {
    const repo = repoOf(env, req);
    const branch = req.params[2]!;
    const head = branchHead(env, repo, branch);
    const api = `${env.base}/repos/${repo.fullName}/branches/${branch}`;
    return {
      status: 200,
      body: {
        name: branch,
        commit: shapes.commit(env.base, env.state, repo, head),
        _links: { self: api, html: `${env.base}/${repo.fullName}/tree/${branch}` },
        protected: false,
        protection: { enabled: false, required_status_checks: { enforcement_level: "off", contexts: [], checks: [] } },
        protection_url: `${api}/protection`,
      },
    };
  }),
  route("POST", "/repos/{o}/{r}/git/refs", (req, env) => {
    const repo = repoOf(env, req);
    const body = jsonBody(req);
    const ref = str(body.ref) ?? "";
    const sha = str(body.sha) ?? "";
    const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
    if (!branch) throw new HttpError(422, "Reference name must start with 'refs/heads/' in the sandbox.");
    if (repo.branches.has(branch)) throw new HttpError(422, "Reference already exists");
    if (!env.state.commits.has(sha)) throw new HttpError(422, "Object does not exist");
    repo.branches.set(branch, sha);
    return { status: 201, body: shapes.gitRef(env.base, repo, branch, sha) };
  }),
  route("PATCH", "/repos/{o}/{r}/git/refs/heads/{branch+}", (req, env) => {
    const repo = repoOf(env, req);
    const branch = req.params[2]!;
    const current = repo.branches.get(branch);
    if (!current) throw new HttpError(422, "Reference does not exist");
    const body = jsonBody(req);
    const sha = str(body.sha) ?? "";
    if (!env.state.commits.has(sha)) throw new HttpError(422, "Object does not exist");
    if (body.force !== true && !env.state.isAncestor(current, sha)) throw new HttpError(422, "Update is not a fast forward");
    repo.branches.set(branch, sha);
    return { status: 200, body: shapes.gitRef(env.base, repo, branch, sha) };
  }),
  route("DELETE", "/repos/{o}/{r}/git/refs/heads/{branch+}", (req, env) => {
    const repo = repoOf(env, req);
    if (!repo.branches.delete(req.params[2]!)) throw new HttpError(422, "Reference does not exist");
    return { status: 204 };
  }),

  route("POST", "/repos/{o}/{r}/forks", (req, env) => {
    const parent = repoOf(env, req);
    const body = jsonBody(req);
    const owner = str(body.organization) ?? env.state.login;
    const fullName = `${owner}/${str(body.name) ?? parent.name}`;
    // Forking again returns the existing fork, as GitHub does.
    const existing = env.state.repo(fullName);
    if (existing) {
      if (existing.parent !== parent) throw new HttpError(422, `${fullName} already exists and is not a fork of ${parent.fullName}`);
      return { status: 202, body: shapes.repository(env.base, existing) };
    }
    const fork = env.state.createRepo(fullName, parent.defaultBranch, {}, parent);
    fork.branches.set(parent.defaultBranch, branchHead(env, parent, parent.defaultBranch).sha);
    parent.forks.push(fork);
    return { status: 202, body: shapes.repository(env.base, fork) };
  }),
  route("GET", "/repos/{o}/{r}/forks", (req, env) =>
    paginate(
      req,
      repoOf(env, req).forks.map((f) => shapes.repository(env.base, f)),
    ),
  ),
  // Fast-forward only: a fork branch that has its own commits answers 409, where GitHub would try a merge.
  route("POST", "/repos/{o}/{r}/merge-upstream", (req, env) => {
    const fork = repoOf(env, req);
    const branch = str(jsonBody(req).branch);
    if (!branch) throw validationFailed([{ resource: "Repository", code: "missing_field", field: "branch" }]);
    if (!fork.parent) throw new HttpError(422, "This repository is not a fork.");
    const upstream = branchHead(env, fork.parent, branch);
    const current = branchHead(env, fork, branch);
    const base_branch = `${fork.parent.owner}:${branch}`;
    if (current.sha === upstream.sha || env.state.isAncestor(upstream.sha, current.sha)) {
      return { status: 200, body: { message: "This branch is not behind the upstream", merge_type: "none", base_branch } };
    }
    if (!env.state.isAncestor(current.sha, upstream.sha)) throw new HttpError(409, "There are merge conflicts");
    fork.branches.set(branch, upstream.sha);
    return {
      status: 200,
      body: { message: `Successfully fetched and fast-forwarded from upstream ${base_branch}.`, merge_type: "fast-forward", base_branch },
    };
  }),
];

function listOrRead(req: ApiRequest, env: Env, path: string) {
  const repo = repoOf(env, req);
  const ref = req.query.get("ref") ?? repo.defaultBranch;
  const commit = env.state.resolve(repo, ref);
  if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
  const content = commit.files.get(path);
  if (content !== undefined) {
    const entry = shapes.contentEntry(env.base, repo, ref, path, content);
    // GitHub wraps base64 at 60 characters per line; clients must strip newlines before decoding.
    const encoded = Buffer.from(content, "utf8").toString("base64").replace(/.{60}/g, "$&\n");
    return { status: 200, body: { ...entry, content: encoded, encoding: "base64" } };
  }
  const prefix = path === "" ? "" : `${path}/`;
  const children = new Map<string, string | undefined>();
  for (const [file, text] of commit.files) {
    if (!file.startsWith(prefix)) continue;
    const [name, ...rest] = file.slice(prefix.length).split("/");
    children.set(prefix + name, rest.length > 0 ? undefined : text);
  }
  if (children.size === 0 && path !== "") throw notFound();
  const entries = [...children].sort(([a], [b]) => (a < b ? -1 : 1));
  return { status: 200, body: entries.map(([p, text]) => shapes.contentEntry(env.base, repo, ref, p, text)) };
}
