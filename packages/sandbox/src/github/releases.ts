// Releases and release assets.
//
// Immutability: the sandbox models GitHub's immutable releases (repository setting, GA 2025), the setting a
// release tool should be ready for. Once a release is published its tag and assets are locked: uploading,
// renaming or deleting an asset, retagging, or turning it back into a draft answers 422. Title and notes
// stay editable, and the release can still be deleted. So a publisher must upload everything to a draft
// and publish last, which is also what makes a half-finished release invisible to users.
import * as shapes from "./shapes.ts";
import { HttpError, jsonBody, notFound, paginate, repoOf, route, str, validationFailed } from "./router.ts";
import type { ApiRequest, Env, Reply, Route } from "./router.ts";
import { now, sha256 } from "./state.ts";
import type { Release, Repo } from "./state.ts";

function releaseOf(req: ApiRequest, repo: Repo): Release {
  const release = repo.releases.find((r) => r.id === Number(req.params[2]));
  if (!release) throw notFound();
  return release;
}

function assetOf(req: ApiRequest, repo: Repo) {
  const id = Number(req.params[2]);
  for (const release of repo.releases) {
    const asset = release.assets.find((a) => a.id === id);
    if (asset) return { release, asset };
  }
  throw notFound();
}

function refuseIfImmutable(release: Release): void {
  if (!release.draft) throw new HttpError(422, "Cannot modify an asset of an immutable release.");
}

const json = (env: Env, repo: Repo, release: Release, status = 200): Reply => ({
  status,
  body: shapes.release(env.base, env.state, repo, release),
});

/** make_latest: "true" marks this release, "legacy" picks the newest published release, "false" leaves it. */
function applyPublish(repo: Repo, release: Release, makeLatest: string | undefined): void {
  if (release.draft) return;
  release.publishedAt ??= now();
  if (release.prerelease || makeLatest === "false") return;
  if (makeLatest === "legacy") {
    // By creation date; releases created in the same second count in creation order.
    const candidates = repo.releases.filter((r) => !r.draft && !r.prerelease);
    repo.latestReleaseId = candidates.reduce((best, r) => (r.createdAt >= best.createdAt ? r : best), release).id;
  } else {
    repo.latestReleaseId = release.id;
  }
}

/** GitHub replaces special characters in asset names; list the assets to learn the stored name. */
const assetName = (name: string): string => name.replace(/[^A-Za-z0-9._+-]/g, ".").replace(/^\.+|\.+$/g, "");

export const releaseRoutes: Route[] = [
  route("GET", "/repos/{o}/{r}/releases", (req, env) => {
    const repo = repoOf(env, req);
    const newestFirst = [...repo.releases].reverse();
    return paginate(
      req,
      newestFirst.map((r) => shapes.release(env.base, env.state, repo, r)),
    );
  }),
  route("GET", "/repos/{o}/{r}/releases/latest", (req, env) => {
    const repo = repoOf(env, req);
    const latest = repo.releases.find((r) => r.id === repo.latestReleaseId && !r.draft && !r.prerelease);
    if (!latest) throw notFound();
    return json(env, repo, latest);
  }),
  // "Get a published release with the specified tag": drafts are invisible here, exactly as on GitHub.
  // A tag may hold slashes (cli/v1.2.3, a monorepo's), sent escaped or not.
  route("GET", "/repos/{o}/{r}/releases/tags/{tag+}", (req, env) => {
    const repo = repoOf(env, req);
    const release = repo.releases.find((r) => r.tagName === req.params[2] && !r.draft);
    if (!release) throw notFound();
    return json(env, repo, release);
  }),
  route("POST", "/repos/{o}/{r}/releases", (req, env) => {
    const repo = repoOf(env, req);
    const body = jsonBody(req);
    const tagName = str(body.tag_name);
    if (!tagName) throw validationFailed([{ resource: "Release", code: "missing_field", field: "tag_name" }]);
    if (repo.releases.some((r) => r.tagName === tagName)) {
      throw validationFailed([{ resource: "Release", code: "already_exists", field: "tag_name" }]);
    }
    const created = now();
    const release: Release = {
      id: env.state.nextId(),
      tagName,
      targetCommitish: str(body.target_commitish) ?? repo.defaultBranch,
      name: str(body.name) ?? null,
      body: str(body.body) ?? null,
      draft: body.draft === true,
      prerelease: body.prerelease === true,
      createdAt: created,
      updatedAt: created,
      publishedAt: null,
      assets: [],
    };
    repo.releases.push(release);
    applyPublish(repo, release, str(body.make_latest));
    return json(env, repo, release, 201);
  }),
  // "Generate release notes content for a release". GitHub lists the pull requests merged between the two
  // tags; the stand-in has no git history, so it answers with what GitHub writes when there are none: the
  // compare link. Without previous_tag_name GitHub starts from the newest other published release.
  route("POST", "/repos/{o}/{r}/releases/generate-notes", (req, env) => {
    const repo = repoOf(env, req);
    const body = jsonBody(req);
    const tagName = str(body.tag_name);
    if (!tagName) throw validationFailed([{ resource: "Release", code: "missing_field", field: "tag_name" }]);
    const previous = str(body.previous_tag_name) ?? [...repo.releases].reverse().find((r) => !r.draft && r.tagName !== tagName)?.tagName;
    const link = previous
      ? `${env.base}/${repo.fullName}/compare/${previous}...${tagName}`
      : `${env.base}/${repo.fullName}/commits/${tagName}`;
    return { status: 200, body: { name: tagName, body: `**Full Changelog**: ${link}` } };
  }),
  route("GET", "/repos/{o}/{r}/releases/{id}", (req, env) => {
    const repo = repoOf(env, req);
    return json(env, repo, releaseOf(req, repo));
  }),
  route("PATCH", "/repos/{o}/{r}/releases/{id}", (req, env) => {
    const repo = repoOf(env, req);
    const release = releaseOf(req, repo);
    const body = jsonBody(req);
    const tagName = str(body.tag_name);
    if (!release.draft && ((tagName !== undefined && tagName !== release.tagName) || body.draft === true)) {
      throw new HttpError(422, "Cannot change the tag or draft state of an immutable release.");
    }
    if (tagName !== undefined && tagName !== release.tagName && repo.releases.some((r) => r.tagName === tagName)) {
      throw validationFailed([{ resource: "Release", code: "already_exists", field: "tag_name" }]);
    }
    if (tagName !== undefined) release.tagName = tagName;
    if (typeof body.target_commitish === "string") release.targetCommitish = body.target_commitish;
    if ("name" in body) release.name = str(body.name) ?? null;
    if ("body" in body) release.body = str(body.body) ?? null;
    if (typeof body.prerelease === "boolean") release.prerelease = body.prerelease;
    if (body.draft === false) release.draft = false;
    release.updatedAt = now();
    applyPublish(repo, release, str(body.make_latest));
    return json(env, repo, release);
  }),
  route("DELETE", "/repos/{o}/{r}/releases/{id}", (req, env) => {
    const repo = repoOf(env, req);
    const release = releaseOf(req, repo);
    repo.releases.splice(repo.releases.indexOf(release), 1);
    if (repo.latestReleaseId === release.id) repo.latestReleaseId = undefined;
    return { status: 204 };
  }),
  route("GET", "/repos/{o}/{r}/releases/{id}/assets", (req, env) => {
    const repo = repoOf(env, req);
    const release = releaseOf(req, repo);
    return paginate(
      req,
      release.assets.map((a) => shapes.asset(env.base, env.state, repo, release, a)),
    );
  }),
  route("POST", "/api/uploads/repos/{o}/{r}/releases/{id}/assets", (req, env) => {
    const repo = repoOf(env, req);
    const release = releaseOf(req, repo);
    const contentType = req.headers["content-type"];
    if (!contentType) throw new HttpError(400, "Content-Type header is required.");
    const name = assetName(req.query.get("name") ?? "");
    if (!name) throw validationFailed([{ resource: "ReleaseAsset", code: "missing_field", field: "name" }]);
    refuseIfImmutable(release);
    if (release.assets.some((a) => a.name === name)) {
      throw validationFailed([{ resource: "ReleaseAsset", code: "already_exists", field: "name" }]);
    }
    const created = now();
    const asset = {
      id: env.state.nextId(),
      name,
      label: req.query.get("label") ?? null,
      contentType,
      bytes: req.body,
      sha256: sha256(req.body),
      createdAt: created,
      updatedAt: created,
      downloadCount: 0,
    };
    release.assets.push(asset);
    return { status: 201, body: shapes.asset(env.base, env.state, repo, release, asset) };
  }),
  route("GET", "/repos/{o}/{r}/releases/assets/{id}", (req, env) => {
    const repo = repoOf(env, req);
    const { release, asset } = assetOf(req, repo);
    // With Accept: application/octet-stream GitHub sends the bytes (via a redirect); the sandbox sends them directly.
    if (req.headers.accept?.includes("application/octet-stream")) {
      asset.downloadCount++;
      return { status: 200, bytes: asset.bytes, headers: { "content-type": "application/octet-stream" } };
    }
    return { status: 200, body: shapes.asset(env.base, env.state, repo, release, asset) };
  }),
  route("PATCH", "/repos/{o}/{r}/releases/assets/{id}", (req, env) => {
    const repo = repoOf(env, req);
    const { release, asset } = assetOf(req, repo);
    refuseIfImmutable(release);
    const body = jsonBody(req);
    const name = str(body.name);
    if (name !== undefined) asset.name = assetName(name);
    if ("label" in body) asset.label = str(body.label) ?? null;
    asset.updatedAt = now();
    return { status: 200, body: shapes.asset(env.base, env.state, repo, release, asset) };
  }),
  route("DELETE", "/repos/{o}/{r}/releases/assets/{id}", (req, env) => {
    const repo = repoOf(env, req);
    const { release, asset } = assetOf(req, repo);
    refuseIfImmutable(release);
    release.assets.splice(release.assets.indexOf(asset), 1);
    return { status: 204 };
  }),
  // github.com serves release downloads to anyone, but only for published releases.
  route(
    "GET",
    "/{o}/{r}/releases/download/{tag+}/{name}",
    (req, env) => {
      const repo = repoOf(env, req);
      const release = repo.releases.find((r) => r.tagName === req.params[2] && !r.draft);
      const asset = release?.assets.find((a) => a.name === req.params[3]);
      if (!asset) throw notFound();
      asset.downloadCount++;
      return { status: 200, bytes: asset.bytes, headers: { "content-type": "application/octet-stream" } };
    },
    true,
  ),
];
