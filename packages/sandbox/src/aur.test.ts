import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startAur, type AurSandbox } from "./aur.ts";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });
const run = promisify(execFile);
let aur: AurSandbox;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  aur = await startAur();
  dir = await mkdtemp(join(tmpdir(), "ferry-aur-client-"));
  await writeFile(join(dir, "key"), aur.env.AUR_SSH_PRIVATE_KEY!, { mode: 0o600 });
  await writeFile(join(dir, "known_hosts"), `${aur.env.FERRY_AUR_KNOWN_HOSTS}\n`);
  env = {
    ...process.env,
    GIT_SSH_COMMAND: `ssh -F none -i ${dir}/key -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=${dir}/known_hosts -o StrictHostKeyChecking=yes`,
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.com",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com",
  };
});
afterAll(async () => {
  await aur?.stop();
  await rm(dir, { recursive: true, force: true });
});

const git = (args: string[], cwd?: string) => run("git", args, { env, cwd, encoding: "utf8" });

/** Clones a package base, commits the given files, and pushes to `ref`; answers git's output on refusal. */
async function push(pkgbase: string, files: Record<string, string>, ref = "master"): Promise<string | undefined> {
  const work = await mkdtemp(join(dir, "work-"));
  await git(["clone", "-q", `${aur.env.FERRY_AUR_GIT}/${pkgbase}.git`, work]);
  for (const [name, text] of Object.entries(files)) await writeFile(join(work, name), text);
  await git(["add", "."], work);
  await git(["commit", "-q", "-m", "test"], work);
  return git(["push", "-q", "origin", `HEAD:refs/heads/${ref}`], work).then(
    () => undefined,
    (error: { stderr: string }) => error.stderr,
  );
}

const srcinfo = (pkgbase: string, pkgver = "1.0.0") =>
  `pkgbase = ${pkgbase}\n\tpkgdesc = A test.\n\tpkgver = ${pkgver}\n\tpkgrel = 1\n\turl = https://example.com\n\tarch = x86_64\n\tlicense = MIT\n\tprovides = t\n\npkgname = ${pkgbase}\n`;

describe("startAur", () => {
  it("creates a repository on first clone and lists pushed packages in the RPC, as aurweb does", async () => {
    expect(await push("good-bin", { PKGBUILD: "pkgname=good-bin\n", ".SRCINFO": srcinfo("good-bin") })).toBeUndefined();
    const info = await (await fetch(`${aur.env.FERRY_AUR_RPC}/rpc/v5/info?arg[]=good-bin&arg[]=missing`)).json();
    expect(info).toMatchObject({
      version: 5,
      type: "multiinfo",
      resultcount: 1,
      results: [
        {
          Name: "good-bin",
          PackageBase: "good-bin",
          Version: "1.0.0-1",
          Description: "A test.",
          URL: "https://example.com",
          License: ["MIT"],
          Provides: ["t"],
          OutOfDate: null,
        },
      ],
    });
    const plain = await fetch(`${aur.env.FERRY_AUR_RPC}/cgit/aur.git/plain/.SRCINFO?h=good-bin`);
    expect(await plain.text()).toBe(srcinfo("good-bin"));
    expect((await fetch(`${aur.env.FERRY_AUR_RPC}/cgit/aur.git/plain/.SRCINFO?h=nothing`)).status).toBe(404);
    expect(await (await fetch(`${aur.env.FERRY_AUR_RPC}/rpc/v5/info`)).json()).toMatchObject({ type: "error", resultcount: 0 });
  });

  it("refuses what aurweb's hook refuses", async () => {
    expect(await push("branch-bin", { PKGBUILD: "x\n", ".SRCINFO": srcinfo("branch-bin") }, "main")).toContain("branch other than master");
    expect(await push("nosrcinfo-bin", { PKGBUILD: "x\n" })).toContain("missing .SRCINFO");
    expect(await push("mismatch-bin", { PKGBUILD: "x\n", ".SRCINFO": srcinfo("other-bin") })).toContain("invalid pkgbase");
    expect(await aur.commits("mismatch-bin")).toEqual([]);
  });

  it("serves git only: an interactive login is refused", async () => {
    const { username, hostname, port } = new URL(aur.env.FERRY_AUR_GIT!);
    const options = env.GIT_SSH_COMMAND!.split(" ").slice(1);
    const login = await run("ssh", [...options, "-p", port, `${username}@${hostname}`, "id"], { encoding: "utf8" }).then(
      () => "",
      (error: { stderr: string }) => error.stderr,
    );
    expect(login).toContain("Interactive shell is disabled.");
  });
});
