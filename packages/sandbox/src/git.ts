import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec } from "@ferry/core";

export interface GitReposSandbox {
  /** FERRY_<NAME>_GIT for each name: the git:// URL ferry pushes to instead of GitHub. */
  env: Record<string, string>;
  /** git:// URL of each repository. */
  urls: Record<string, string>;
  /** Local path of each bare repository, to inspect with `git --git-dir`. */
  dirs: Record<string, string>;
  stop(): Promise<void>;
}

const author = {
  GIT_AUTHOR_NAME: "sandbox",
  GIT_AUTHOR_EMAIL: "sandbox@example.com",
  GIT_COMMITTER_NAME: "sandbox",
  GIT_COMMITTER_EMAIL: "sandbox@example.com",
};

/** A bare repository with `main` holding one commit (a README), as a freshly created tap or bucket. */
export async function createBareRepo(dir: string, name: string): Promise<void> {
  await exec("git", ["init", "-q", "--bare", "-b", "main", dir]);
  const work = await mkdtemp(join(tmpdir(), "ferry-seed-"));
  try {
    await exec("git", ["init", "-q", "-b", "main", work]);
    await writeFile(join(work, "README.md"), `# ${name}\n`);
    await exec("git", ["add", "README.md"], { cwd: work });
    await exec("git", ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "Initial commit"], { cwd: work, env: author });
    await exec("git", ["push", "-q", dir, "main"], { cwd: work });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Real git repositories served by one `git daemon` on 127.0.0.1 with pushes enabled, for the
 * registries that publish by committing a file (homebrew, scoop, nix, ...). Each name gets
 * `<name>.git` and FERRY_<NAME>_GIT in `env`. `accessHook` is a script git daemon runs before serving
 * each request (arguments: service, repository path, ...), e.g. to push a competing commit first.
 */
export async function startGitRepos(names: string[], options: { accessHook?: string } = {}): Promise<GitReposSandbox> {
  const base = await mkdtemp(join(tmpdir(), "ferry-git-"));
  const dirs: Record<string, string> = {};
  for (const name of names) {
    dirs[name] = join(base, `${name}.git`);
    await createBareRepo(dirs[name], name);
  }
  await mkdir(join(base, ".run"), { recursive: true });
  let daemon: ChildProcess | undefined;
  let port = 0;
  // git daemon cannot report an ephemeral port, so pick a free one and retry if another process takes it first.
  for (let tries = 0; tries < 5 && !daemon; tries++) {
    port = await freePort();
    const child = spawn(
      "git",
      [
        "daemon",
        "--export-all",
        "--enable=receive-pack",
        "--reuseaddr",
        "--informative-errors",
        `--base-path=${base}`,
        "--listen=127.0.0.1",
        `--port=${port}`,
        ...(options.accessHook ? [`--access-hook=${options.accessHook}`] : []),
        base,
      ],
      {
        stdio: "ignore",
      },
    );
    if (await ready(child, `git://127.0.0.1:${port}/${names[0] ?? ""}.git`, names.length > 0)) daemon = child;
    else child.kill();
  }
  if (!daemon) {
    await rm(base, { recursive: true, force: true });
    throw new Error("git daemon did not start.");
  }
  const running = daemon;
  const urls = Object.fromEntries(names.map((name) => [name, `git://127.0.0.1:${port}/${name}.git`]));
  const env = Object.fromEntries(names.map((name) => [`FERRY_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_GIT`, urls[name]!]));
  return {
    env,
    urls,
    dirs,
    async stop() {
      if (running.exitCode === null) {
        const exited = new Promise((resolve) => running.once("exit", resolve));
        running.kill();
        await exited;
      }
      await rm(base, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the daemon answers ls-remote (or exits). */
async function ready(child: ChildProcess, url: string, probe: boolean): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) return false;
    if (!probe) return true;
    const ok = await exec("git", ["ls-remote", url]).then(
      () => true,
      () => false,
    );
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
