import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContext, FerryError, openRepoFiles, type Context } from "@ferry/core";
import { createBareRepo, startGitHub, startGitRepos, type GitHubStandIn, type GitReposSandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTcpFaultProxy, type TcpFaultProxy } from "./fault-proxy.ts";
import { makeRelease, type FixtureRelease } from "./fixtures.ts";
import { commits, history, show } from "./git-repos.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let fixture: FixtureRelease;
let root: string;
const logs: string[] = [];
beforeAll(async () => {
  fixture = await makeRelease();
  root = await mkdtemp(join(tmpdir(), "ferry-repo-files-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(fixture.project.dir, { recursive: true, force: true });
});

function context(env: NodeJS.ProcessEnv = {}): Context<unknown> {
  return createContext({ registry: "homebrew", options: {}, ...fixture, distDir: fixture.distDir, env, log: (m) => logs.push(m) });
}

async function bareRepo(name: string): Promise<string> {
  const dir = join(root, `${name}.git`);
  await createBareRepo(dir, name);
  return dir;
}

describe("repo files over git", () => {
  it("writes to the repository's default branch, whatever its name", async () => {
    const bare = await bareRepo("trunk");
    execFileSync("git", ["--git-dir", bare, "branch", "-m", "main", "trunk"]);
    const repo = openRepoFiles(context(), { git: `file://${bare}`, token: "UNUSED_TOKEN" });
    expect(await repo.read("a/b.txt")).toBeUndefined();
    const { commit } = await repo.write({ files: { "a/b.txt": "b\n", "c.txt": "c\n" }, message: "two files" });
    expect(commit).toBe(commits(bare, "trunk")[0]);
    expect([show(bare, "a/b.txt", "trunk"), show(bare, "c.txt", "trunk")]).toEqual(["b\n", "c\n"]);
    expect(repo.location).toMatch(/@trunk$/);
    expect(await repo.read("a/b.txt")).toBe("b\n");
  });

  it("creates a branch that does not exist yet, and reads nothing from it before", async () => {
    const bare = await bareRepo("fresh");
    const repo = openRepoFiles(context(), { git: `file://${bare}`, branch: "packages", token: "UNUSED_TOKEN" });
    expect(await repo.read("README.md")).toBeUndefined();
    await repo.write({ files: { "x.txt": "x\n" }, message: "new branch" });
    expect(show(bare, "x.txt", "packages")).toBe("x\n");
    expect(commits(bare, "packages")).toHaveLength(1);
  });

  it("refuses paths outside the repository", async () => {
    const repo = openRepoFiles(context(), { git: "file:///nonexistent", token: "UNUSED_TOKEN" });
    await expect(repo.write({ files: { "../x": "x" }, message: "m" })).rejects.toBeInstanceOf(FerryError);
    await expect(repo.read("/etc/passwd")).rejects.toMatchObject({ code: "ConfigInvalid" });
  });

  it("commits with the configured author", async () => {
    const bare = await bareRepo("author");
    await openRepoFiles(context(), { git: `file://${bare}`, token: "UNUSED_TOKEN", author: "Release Bot <bot@example.com>" }).write({
      files: { f: "1\n" },
      message: "m",
    });
    expect(execFileSync("git", ["--git-dir", bare, "log", "-1", "--format=%an <%ae>|%cn <%ce>"], { encoding: "utf8" }).trim()).toBe(
      "Release Bot <bot@example.com>|Release Bot <bot@example.com>",
    );
  });
});

describe("repo files when someone else pushes first", () => {
  let repos: GitReposSandbox;
  beforeAll(async () => {
    // Before the first push reaches the daemon, another maintainer pushes a commit of their own.
    const hook = join(root, "race.sh");
    await writeFile(
      hook,
      `#!/bin/sh
[ "$1" = receive-pack ] || exit 0
[ -e "$2/raced" ] && exit 0
touch "$2/raced"
unset GIT_DIR
work=$(mktemp -d)
git clone -q "$2" "$work" && echo other > "$work/OTHER.md" && git -C "$work" add OTHER.md &&
  git -C "$work" -c user.name=other -c user.email=other@example.com -c commit.gpgsign=false commit -q -m other &&
  git -C "$work" push -q origin HEAD:main
rm -rf "$work"
exit 0
`,
    );
    await chmod(hook, 0o755);
    repos = await startGitRepos(["race"], { accessHook: hook });
  });
  afterAll(() => repos?.stop());

  it("fetches their commit and pushes on top of it, once", async () => {
    const bare = repos.dirs.race!;
    const repo = openRepoFiles(context(repos.env), { git: repos.urls.race, token: "UNUSED_TOKEN" });
    const { commit } = await repo.write({ files: { "Formula/hello.rb": "class Hello\nend\n" }, message: "hello 1.2.3" });
    const history = commits(bare);
    expect(history).toHaveLength(3);
    expect(history[0]).toBe(commit);
    expect(show(bare, "OTHER.md")).toBe("other\n");
    expect(show(bare, "Formula/hello.rb")).toBe("class Hello\nend\n");
    expect(logs.join("\n")).toMatch(/moved while publishing/);
  });
});

describe("repo files over a git connection that fails", () => {
  let repos: GitReposSandbox;
  let proxy: TcpFaultProxy;
  let url: string;
  beforeAll(async () => {
    repos = await startGitRepos(["flaky"]);
    proxy = await startTcpFaultProxy(Number(new URL(repos.urls.flaky!).port));
    url = repos.urls.flaky!.replace(/:\d+\//, `:${proxy.port}/`);
  });
  afterAll(async () => {
    await proxy?.stop();
    await repos?.stop();
  });

  it("tries a dropped connection again", async () => {
    proxy.set("reset");
    const repo = openRepoFiles(context(), { git: url, token: "UNUSED_TOKEN" });
    const { commit } = await repo.write({ files: { "a.txt": "a\n" }, message: "a" });
    expect(proxy.injected).toBe(1);
    expect(commits(repos.dirs.flaky!)[0]).toBe(commit);
    expect(logs.join("\n")).toMatch(/git ls-remote .* failed .*; retrying \(2\/3\)/);
  });

  it("pushes again when the answer to a push was lost, and the branch holds the commit once", async () => {
    proxy.set("lost-answer");
    const before = commits(repos.dirs.flaky!).length;
    const repo = openRepoFiles(context(), { git: url, token: "UNUSED_TOKEN" });
    const { commit } = await repo.write({ files: { "b.txt": "b\n" }, message: "b" });
    expect(proxy.injected).toBe(1);
    expect(commits(repos.dirs.flaky!)).toHaveLength(before + 1);
    expect(commits(repos.dirs.flaky!)[0]).toBe(commit);
    expect(logs.join("\n")).toMatch(/git push .* failed .*; retrying/);
  });

  it("fails with the reason when the connection never works", async () => {
    proxy.set("reset-always");
    const repo = openRepoFiles(context(), { git: url, token: "UNUSED_TOKEN" });
    const error = await repo.read("a.txt").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe("RegistryUnreachable");
    expect(proxy.injected).toBe(3);
  });
});

describe("repo files over https with a token", () => {
  const token = "ghs_CANARYhttps0123456789abcdefghij";
  let server: Server;
  let url: string;
  let bare: string;
  let cert: string;
  const authorizations: Array<string | undefined> = [];

  beforeAll(async () => {
    bare = await bareRepo("https");
    cert = join(root, "cert.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(root, "key.pem"),
        "-out",
        cert,
      ]),
      { stdio: "ignore" },
    );
    const expected = `Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
    // Git's smart HTTP protocol, served by git http-backend as a CGI, behind Basic authentication as GitHub does it.
    server = createServer({ key: readFileSync(join(root, "key.pem")), cert: readFileSync(cert) }, (req, res) => {
      authorizations.push(req.headers.authorization);
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end();
        return;
      }
      const target = new URL(req.url ?? "/", "https://127.0.0.1");
      const cgi = spawn("git", ["http-backend"], {
        env: {
          ...process.env,
          GIT_PROJECT_ROOT: root,
          GIT_HTTP_EXPORT_ALL: "1",
          REMOTE_USER: "x-access-token",
          PATH_INFO: target.pathname,
          QUERY_STRING: target.search.slice(1),
          REQUEST_METHOD: req.method ?? "GET",
          CONTENT_TYPE: req.headers["content-type"] ?? "",
          HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
          HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
        },
      });
      req.pipe(cgi.stdin);
      const chunks: Buffer[] = [];
      cgi.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
      cgi.on("close", () => {
        const output = Buffer.concat(chunks);
        const split = output.indexOf("\r\n\r\n");
        const headers = output.subarray(0, split).toString().split("\r\n");
        const status = Number(/^Status: (\d+)/m.exec(headers.join("\n"))?.[1] ?? 200);
        res.writeHead(
          status,
          Object.fromEntries(
            headers.filter((h) => !h.startsWith("Status:")).map((h) => [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1).trim()]),
          ),
        );
        res.end(output.subarray(split + 4));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/https.git`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends the token as an Authorization header and pushes; no URL or commit holds it", async () => {
    const ctx = context({ TAP_TOKEN: token, GIT_SSL_CAINFO: cert });
    const repo = openRepoFiles(ctx, { git: url, token: "TAP_TOKEN" });
    expect(await repo.read("README.md")).toBe("# https\n");
    const { commit } = await repo.write({ files: { "Formula/hello.rb": "class Hello\nend\n" }, message: "hello" });
    expect(commit).toBe(commits(bare)[0]);
    expect(repo.location).not.toContain(token);
    expect(history(bare)).not.toContain(token);
  });

  it("fails without the right token, and its message does not hold the token", async () => {
    const wrong = "ghs_CANARYwrong0123456789abcdefghijk";
    const repo = openRepoFiles(context({ TAP_TOKEN: wrong, GIT_SSL_CAINFO: cert }), { git: url, token: "TAP_TOKEN" });
    const error = await repo.read("README.md").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "RegistryRefused" });
    expect(String((error as Error).message)).not.toContain(wrong);
    expect(authorizations.at(-1)).toBe(`Basic ${Buffer.from(`x-access-token:${wrong}`).toString("base64")}`);
  });
});

describe("repo files through the GitHub contents API", () => {
  const token = "github_pat_CANARYcontents0123456789abcdef";
  let github: GitHubStandIn;
  beforeAll(async () => {
    github = await startGitHub({ token });
    github.createRepo("acme/tap", { defaultBranch: "main", files: { "README.md": "# tap\n" } });
  });
  afterAll(() => github?.stop());
  const open = () =>
    openRepoFiles(context({ GITHUB_API_URL: github.url, TAP_TOKEN: token }), {
      repository: "acme/tap",
      branch: "main",
      token: "TAP_TOKEN",
    });

  it("writes only the files that changed", async () => {
    const puts = () => github.requests.filter((r) => r.method === "PUT").length;
    const { commit } = await open().write({ files: { "a.txt": "a\n", "README.md": "# tap\n" }, message: "add a" });
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(puts()).toBe(1);
    expect(await open().read("a.txt")).toBe("a\n");
    expect(await open().write({ files: { "a.txt": "a\n" }, message: "again" })).toEqual({ commit: undefined });
    expect(puts()).toBe(1);
  });

  it("reads the file again and retries once when it changed under the write (409)", async () => {
    // The client retries a 409 three times itself; the fourth makes ferry read the file again.
    github.failNext("PUT", /\/contents\/b\.txt$/, 409, 4);
    await open().write({ files: { "b.txt": "b\n" }, message: "add b" });
    expect(github.readFile("acme/tap", "b.txt", "main")).toBe("b\n");
    const calls = github.requests.filter((r) => r.path.endsWith("/contents/b.txt")).map((r) => r.method);
    expect(calls).toEqual(["GET", "PUT", "PUT", "PUT", "PUT", "GET", "PUT"]);
  });
});
