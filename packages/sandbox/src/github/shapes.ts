// The JSON objects GitHub sends, built from the sandbox state. Field sets follow the response schemas in
// GitHub's OpenAPI description (checked by github.test.ts); values that the sandbox does not model are the
// neutral ones GitHub sends for a fresh repository (zero counts, null descriptions).
import { blobSha } from "./state.ts";
import type { Asset, Commit, GitHubState, Pull, Release, Repo } from "./state.ts";

const idOf = (kind: string, id: number | string): string => Buffer.from(`${kind}:${id}`).toString("base64");
const userIds = new Map<string, number>();
const userId = (login: string): number => {
  if (!userIds.has(login)) userIds.set(login, 100 + userIds.size);
  return userIds.get(login)!;
};

function simpleUser(base: string, login: string) {
  const url = `${base}/users/${login}`;
  const id = userId(login);
  return {
    login,
    id,
    node_id: idOf("User", id),
    avatar_url: `${base}/avatars/${login}`,
    gravatar_id: "",
    url,
    html_url: `${base}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: "User",
    user_view_type: "public",
    site_admin: false,
  };
}

/** A user as `GET /users/{login}` shows anyone. */
export function publicUser(base: string, login: string) {
  const created = "2020-01-01T00:00:00Z";
  return {
    ...simpleUser(base, login),
    name: null,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: created,
    updated_at: created,
  };
}

/** The authenticated user, as `GET /user` shows them. */
export function privateUser(base: string, login: string) {
  return {
    ...publicUser(base, login),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    plan: { name: "free", space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}

const repoTemplates: Record<string, string> = {
  archive_url: "/{archive_format}{/ref}",
  assignees_url: "/assignees{/user}",
  blobs_url: "/git/blobs{/sha}",
  branches_url: "/branches{/branch}",
  collaborators_url: "/collaborators{/collaborator}",
  comments_url: "/comments{/number}",
  commits_url: "/commits{/sha}",
  compare_url: "/compare/{base}...{head}",
  contents_url: "/contents/{+path}",
  contributors_url: "/contributors",
  deployments_url: "/deployments",
  downloads_url: "/downloads",
  events_url: "/events",
  forks_url: "/forks",
  git_commits_url: "/git/commits{/sha}",
  git_refs_url: "/git/refs{/sha}",
  git_tags_url: "/git/tags{/sha}",
  hooks_url: "/hooks",
  issue_comment_url: "/issues/comments{/number}",
  issue_events_url: "/issues/events{/number}",
  issues_url: "/issues{/number}",
  keys_url: "/keys{/key_id}",
  labels_url: "/labels{/name}",
  languages_url: "/languages",
  merges_url: "/merges",
  milestones_url: "/milestones{/number}",
  notifications_url: "/notifications{?since,all,participating}",
  pulls_url: "/pulls{/number}",
  releases_url: "/releases{/id}",
  stargazers_url: "/stargazers",
  statuses_url: "/statuses/{sha}",
  subscribers_url: "/subscribers",
  subscription_url: "/subscription",
  tags_url: "/tags",
  teams_url: "/teams",
  trees_url: "/git/trees{/sha}",
};

/** One object serves "Full Repository", "Repository" and "Minimal Repository": each is a subset. */
export function repository(base: string, repo: Repo, withFamily = true): Record<string, unknown> {
  const url = `${base}/repos/${repo.fullName}`;
  const host = new URL(base).host;
  const forkCount = repo.forks.length;
  const openPulls = repo.pulls.filter((p) => p.state === "open").length;
  const templates = Object.fromEntries(Object.entries(repoTemplates).map(([k, v]) => [k, url + v]));
  const root = withFamily && repo.parent ? rootOf(repo) : undefined;
  return {
    id: repo.id,
    node_id: idOf("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: false,
    owner: simpleUser(base, repo.owner),
    html_url: `${base}/${repo.fullName}`,
    description: null,
    fork: repo.parent !== undefined,
    url,
    ...templates,
    git_url: `git://${host}/${repo.fullName}.git`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    clone_url: `${base}/${repo.fullName}.git`,
    svn_url: `${base}/${repo.fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    size: 0,
    forks: forkCount,
    forks_count: forkCount,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: openPulls,
    open_issues_count: openPulls,
    default_branch: repo.defaultBranch,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: "public",
    is_template: false,
    topics: [],
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
    network_count: forkCount,
    subscribers_count: 0,
    ...(withFamily && repo.parent && root ? { parent: repository(base, repo.parent, false), source: repository(base, root, false) } : {}),
  };
}

function rootOf(repo: Repo): Repo {
  let root = repo;
  while (root.parent) root = root.parent;
  return root;
}

export function asset(base: string, state: GitHubState, repo: Repo, release: Release, a: Asset) {
  return {
    url: `${base}/repos/${repo.fullName}/releases/assets/${a.id}`,
    browser_download_url: `${base}/${repo.fullName}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: idOf("ReleaseAsset", a.id),
    name: a.name,
    label: a.label,
    state: "uploaded",
    content_type: a.contentType,
    size: a.bytes.length,
    digest: `sha256:${a.sha256}`,
    download_count: a.downloadCount,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    uploader: simpleUser(base, state.login),
  };
}

export function release(base: string, state: GitHubState, repo: Repo, r: Release) {
  const url = `${base}/repos/${repo.fullName}/releases/${r.id}`;
  return {
    url,
    html_url: `${base}/${repo.fullName}/releases/tag/${encodeURIComponent(r.tagName)}`,
    assets_url: `${url}/assets`,
    upload_url: `${base}/api/uploads/repos/${repo.fullName}/releases/${r.id}/assets{?name,label}`,
    tarball_url: `${base}/repos/${repo.fullName}/tarball/${encodeURIComponent(r.tagName)}`,
    zipball_url: `${base}/repos/${repo.fullName}/zipball/${encodeURIComponent(r.tagName)}`,
    id: r.id,
    node_id: idOf("Release", r.id),
    tag_name: r.tagName,
    target_commitish: r.targetCommitish,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    immutable: !r.draft,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    published_at: r.publishedAt,
    author: simpleUser(base, state.login),
    assets: r.assets.map((a) => asset(base, state, repo, r, a)),
  };
}

export function gitRef(base: string, repo: Repo, branch: string, sha: string) {
  const api = `${base}/repos/${repo.fullName}`;
  return {
    ref: `refs/heads/${branch}`,
    node_id: idOf("Ref", `${repo.fullName}:${branch}`),
    url: `${api}/git/refs/heads/${branch}`,
    object: { type: "commit", sha, url: `${api}/git/commits/${sha}` },
  };
}

const gitUser = (login: string, date: string) => ({ name: login, email: `${login}@users.noreply.sandbox`, date });

/** The commit as the branches API and the contents API embed it. */
export function commit(base: string, state: GitHubState, repo: Repo, c: Commit) {
  const api = `${base}/repos/${repo.fullName}`;
  const treeSha = c.sha.split("").reverse().join("");
  return {
    sha: c.sha,
    node_id: idOf("Commit", c.sha),
    url: `${api}/commits/${c.sha}`,
    html_url: `${base}/${repo.fullName}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: gitUser(state.login, c.date),
      committer: gitUser(state.login, c.date),
      message: c.message,
      tree: { sha: treeSha, url: `${api}/git/trees/${treeSha}` },
      comment_count: 0,
    },
    author: simpleUser(base, state.login),
    committer: simpleUser(base, state.login),
    parents: c.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${base}/${repo.fullName}/commit/${sha}` })),
  };
}

/** The "git commit" form that contents PUT/DELETE answer with. */
export function fileCommit(base: string, state: GitHubState, repo: Repo, c: Commit) {
  const full = commit(base, state, repo, c);
  return {
    sha: c.sha,
    node_id: full.node_id,
    url: full.commit.url,
    html_url: full.html_url,
    author: full.commit.author,
    committer: full.commit.committer,
    message: c.message,
    tree: full.commit.tree,
    parents: full.parents,
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

export function contentEntry(base: string, repo: Repo, ref: string, path: string, content: string | undefined) {
  const api = `${base}/repos/${repo.fullName}`;
  const isFile = content !== undefined;
  const sha = isFile ? blobSha(content) : "0".repeat(40);
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const html = `${base}/${repo.fullName}/${isFile ? "blob" : "tree"}/${ref}/${path}`;
  const git = `${api}/git/${isFile ? "blobs" : "trees"}/${sha}`;
  return {
    type: isFile ? "file" : "dir",
    name: path.split("/").pop() ?? path,
    path,
    sha,
    size: isFile ? Buffer.byteLength(content) : 0,
    url: self,
    html_url: html,
    git_url: git,
    download_url: isFile ? `${base}/${repo.fullName}/raw/${ref}/${path}` : null,
    _links: { self, git, html },
  };
}

export function pull(base: string, state: GitHubState, p: Pull) {
  const api = `${base}/repos/${p.base.repo.fullName}`;
  const html = `${base}/${p.base.repo.fullName}/pull/${p.number}`;
  const side = (s: Pull["head"]) => ({
    label: `${s.repo.owner}:${s.ref}`,
    ref: s.ref,
    sha: s.repo.branches.get(s.ref) ?? "0".repeat(40),
    user: simpleUser(base, s.repo.owner),
    repo: repository(base, s.repo, false),
  });
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${p.number}`,
    id: p.id,
    node_id: idOf("PullRequest", p.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${p.head.repo.branches.get(p.head.ref) ?? ""}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: simpleUser(base, state.login),
    body: p.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.head),
    base: side(p.base),
    _links: {
      self: link(`${api}/pulls/${p.number}`),
      html: link(html),
      issue: link(`${api}/issues/${p.number}`),
      comments: link(`${api}/issues/${p.number}/comments`),
      review_comments: link(`${api}/pulls/${p.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${p.number}/commits`),
      statuses: link(`${api}/statuses/${p.head.repo.branches.get(p.head.ref) ?? ""}`),
    },
    author_association: "OWNER",
    auto_merge: null,
    draft: false,
    // Full pull request fields; GitHub computes these lazily, so a fresh PR reports them as unknown.
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: true,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export function issueSearchItem(base: string, state: GitHubState, p: Pull) {
  const api = `${base}/repos/${p.base.repo.fullName}`;
  const html = `${base}/${p.base.repo.fullName}/pull/${p.number}`;
  return {
    url: `${api}/issues/${p.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${p.number}/labels{/name}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    events_url: `${api}/issues/${p.number}/events`,
    html_url: html,
    id: p.id,
    node_id: idOf("PullRequest", p.id),
    number: p.number,
    title: p.title,
    user: simpleUser(base, state.login),
    labels: [],
    state: p.state,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    author_association: "OWNER",
    draft: false,
    pull_request: {
      url: `${api}/pulls/${p.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: null,
    },
    body: p.body,
    score: 1,
  };
}
