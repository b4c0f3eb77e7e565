// What the API's responses link to besides the API: source archives of a ref (tarball_url, zipball_url),
// users (author.url and its lists), avatars, and the web pages of users, repositories and releases
// (html_url). github.com serves these to anyone for a public repository; so does the sandbox.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { writeArchive } from "@ferry/core";
import * as shapes from "./shapes.ts";
import { notFound, repoOf, route } from "./router.ts";
import type { ApiRequest, Env, Reply, Route } from "./router.ts";
import type { Commit, Repo } from "./state.ts";

/** A ref as the archive endpoints take it: a release's tag, a branch, or a commit sha. */
function commitOf(env: Env, repo: Repo, ref: string): Commit {
  const release = repo.releases.find((r) => r.tagName === ref);
  const commit = env.state.resolve(repo, release ? release.targetCommitish : ref);
  if (!commit) throw notFound();
  return commit;
}

/**
 * The files of a ref in one top directory, `<owner>-<repo>-<short sha>/`, as GitHub's codeload
 * packs them. GitHub answers with a redirect to codeload; the sandbox sends the bytes directly.
 */
async function sourceArchive(req: ApiRequest, env: Env, format: "tar.gz" | "zip"): Promise<Reply> {
  const repo = repoOf(env, req);
  const commit = commitOf(env, repo, req.params[2]!);
  const top = `${repo.owner}-${repo.name}-${commit.sha.slice(0, 7)}`;
  const dir = await mkdtemp(join(tmpdir(), "ferry-sandbox-archive-"));
  try {
    const names = [...commit.files.keys()].map((path) => `${top}/${path}`);
    for (const [path, content] of commit.files) {
      await mkdir(dirname(join(dir, top, path)), { recursive: true });
      await writeFile(join(dir, top, path), content);
    }
    const out = join(dir, `source.${format}`);
    await writeArchive(format, dir, names, out, new Date(commit.date));
    const type = format === "zip" ? "application/zip" : "application/x-gzip";
    return {
      status: 200,
      bytes: await readFile(out),
      headers: { "content-type": type, "content-disposition": `attachment; filename=${top}.${format === "zip" ? "zip" : "tar.gz"}` },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const page = (title: string): Reply => ({
  status: 200,
  bytes: Buffer.from(`<!DOCTYPE html>\n<html><head><title>${title.replace(/[<&]/g, "")} · GitHub</title></head><body></body></html>\n`),
  headers: { "content-type": "text/html; charset=utf-8" },
});

/** A 1×1 transparent PNG: what an avatar URL answers with when nobody uploaded one. */
const avatar = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

const userLists = ["followers", "following", "gists", "starred", "subscriptions", "orgs", "events", "received_events"];

export const webRoutes: Route[] = [
  route("GET", "/repos/{o}/{r}/tarball/{ref+}", (req, env) => sourceArchive(req, env, "tar.gz"), true),
  route("GET", "/repos/{o}/{r}/zipball/{ref+}", (req, env) => sourceArchive(req, env, "zip"), true),
  route("GET", "/users/{login}", (req, env) => ({ status: 200, body: shapes.publicUser(env.base, req.params[0]!) }), true),
  route(
    "GET",
    "/users/{login}/repos",
    (req, env) => ({
      status: 200,
      body: [...env.state.repos.values()].filter((r) => r.owner === req.params[0]).map((r) => shapes.repository(env.base, r)),
    }),
    true,
  ),
  ...userLists.map((list) => route("GET", `/users/{login}/${list}`, () => ({ status: 200, body: [] }), true)),
  route("GET", "/avatars/{login}", () => ({ status: 200, bytes: avatar, headers: { "content-type": "image/png" } }), true),
  route(
    "GET",
    "/{o}/{r}/releases/tag/{tag+}",
    (req, env) => {
      const repo = repoOf(env, req);
      const release = repo.releases.find((r) => r.tagName === req.params[2] && !r.draft);
      if (!release) throw notFound();
      return page(`Release ${release.name ?? release.tagName} · ${repo.fullName}`);
    },
    true,
  ),
  route("GET", "/{o}/{r}", (req, env) => page(repoOf(env, req).fullName), true),
  route(
    "GET",
    "/{login}",
    (req, env) => {
      const login = req.params[0]!;
      if (login !== env.state.login && ![...env.state.repos.values()].some((r) => r.owner === login)) throw notFound();
      return page(login);
    },
    true,
  ),
];
