// A repository kept in a git branch and served as GitHub Pages serves it: ferry pushes to a bare
// repository over git://, and a static HTTP server on 127.0.0.1 answers each path with the file of
// that name in the branch's newest tree (404 when there is none). Package repositories use it.
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { posix } from "node:path";
import { startGitRepos } from "./git.ts";

export interface GitPagesSandbox {
  /** FERRY_<NAME>_GIT (where ferry pushes) and FERRY_SANDBOX_<NAME>_PAGES (the site's URL). */
  env: Record<string, string>;
  /** `http://127.0.0.1:<port>`: the branch's root, as `https://<owner>.github.io/<repository>` is. */
  url: string;
  /** The bare repository, to inspect with `git --git-dir`. */
  dir: string;
  stop(): Promise<void>;
}

const types: Record<string, string> = {
  ".asc": "text/plain",
  ".gpg": "application/pgp-signature",
  ".xml": "application/xml",
  ".gz": "application/gzip",
};

/** The file at `path` in the branch, or undefined when the branch or the file is not there. */
function blob(dir: string, branch: string, path: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["--git-dir", dir, "cat-file", "blob", `refs/heads/${branch}:${path}`],
      { encoding: "buffer", maxBuffer: 1 << 30 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}

/** A bare repository named `name` (pushed to over git daemon) whose `branch` is served over HTTP. */
export async function startGitPages(name: string, { branch = "gh-pages" }: { branch?: string } = {}): Promise<GitPagesSandbox> {
  const repos = await startGitRepos([name]);
  const dir = repos.dirs[name]!;
  const server = createServer((request, response) => {
    const path = posix.normalize(decodeURIComponent(new URL(request.url ?? "/", "http://pages").pathname)).replace(/^\/+/, "");
    if ((request.method !== "GET" && request.method !== "HEAD") || path.startsWith("..")) return void response.writeHead(404).end();
    void blob(dir, branch, path || "index.html").then((data) => {
      if (!data) return void response.writeHead(404).end();
      response.writeHead(200, {
        "content-type": types[posix.extname(path)] ?? "application/octet-stream",
        "content-length": data.length,
      });
      response.end(request.method === "HEAD" ? undefined : data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const variable = name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return {
    env: { ...repos.env, [`FERRY_SANDBOX_${variable}_PAGES`]: url },
    url,
    dir,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await repos.stop();
    },
  };
}
