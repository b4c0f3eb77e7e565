import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGitHub, type GitHubStandIn } from "@ferry/sandbox";
import { ferry, scriptProject } from "./cli.ts";

let github: GitHubStandIn;
beforeAll(async () => {
  github = await startGitHub();
});
afterAll(async () => {
  await github?.stop();
});

const env = () => ({ GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: github.token });

/** A copy of the project, as a separate runner would check it out. */
async function runner(project: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-runner-"));
  await cp(project, dir, { recursive: true });
  return dir;
}

it("three partial builds merged release the same manifest.json, byte for byte, as one build", async () => {
  const name = "split-hello";
  github.createRepo(`ferry-test/${name}`);
  const project = await scriptProject(name, "  {}");

  const single = await ferry(["build", "--tag", "v1.0.0", "--dist", "single"], { cwd: project, env: env() });
  expect(single.code, single.stderr).toBe(0);

  const shares = [["linux/amd64", "linux/arm64"], ["darwin/arm64"], ["windows/amd64"]];
  const dirs: string[] = [];
  for (const share of shares) {
    const dir = await runner(project);
    const run = await ferry(["build", "--tag", "v1.0.0", ...share.flatMap((t) => ["--target", t])], { cwd: dir, env: env() });
    expect(run.code, run.stderr).toBe(0);
    const partial = JSON.parse(await readFile(join(dir, ".ferry", "manifest.json"), "utf8")) as {
      artifacts: Array<{ os: string; arch: string }>;
    };
    expect(partial.artifacts.map((a) => `${a.os}/${a.arch}`).sort()).toEqual([...share].sort());
    dirs.push(join(dir, ".ferry"));
  }

  const merged = await ferry(["release", "--tag", "v1.0.0", "--merge", ...dirs], { cwd: project, env: env() });
  expect(merged.code, merged.stdout + merged.stderr).toBe(0);
  expect(await readFile(join(project, ".ferry", "manifest.json"), "utf8")).toBe(
    await readFile(join(project, "single", "manifest.json"), "utf8"),
  );
  expect(await readFile(join(project, ".ferry", "checksums.txt"), "utf8")).toBe(
    await readFile(join(project, "single", "checksums.txt"), "utf8"),
  );
  const release = github.release(`ferry-test/${name}`, "v1.0.0")!;
  expect(release.draft).toBe(false);
  expect(release.assets).toHaveLength(6);
});

it("refuses to merge two different builds of one target, and publishes nothing", async () => {
  const name = "split-conflict";
  github.createRepo(`ferry-test/${name}`);
  const project = await scriptProject(name, "  {}");
  const [a, b] = [await runner(project), await runner(project)];
  await writeFile(
    join(b, "ferry.yaml"),
    (await readFile(join(b, "ferry.yaml"), "utf8")).replace("{{os}}/{{arch}}", "{{os}}/{{arch}} other"),
  );
  for (const dir of [a, b])
    expect((await ferry(["build", "--tag", "v1.0.0", "--target", "linux/amd64"], { cwd: dir, env: env() })).code).toBe(0);

  const before = github.requests.length;
  const run = await ferry(["release", "--tag", "v1.0.0", "--merge", join(a, ".ferry"), join(b, ".ferry")], { cwd: project, env: env() });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`${name}_1.0.0_linux_amd64.tar.gz was built twice with different contents`);
  expect(github.requests.length).toBe(before);
});

it("refuses a merge that lacks a configured target unless --allow-missing names it, and a --merge directory that is not a build", async () => {
  const name = "split-missing";
  github.createRepo(`ferry-test/${name}`);
  const project = await scriptProject(name, "  {}");
  const runnerDir = await runner(project);
  const built = await ferry(["build", "--tag", "v1.0.0", "--target", "linux/amd64", "--target", "linux/arm64"], {
    cwd: runnerDir,
    env: env(),
  });
  expect(built.code, built.stderr).toBe(0);
  const partial = join(runnerDir, ".ferry");
  const before = github.requests.length;

  const short = await ferry(["release", "--tag", "v1.0.0", "--merge", partial], { cwd: project, env: env() });
  expect(short.code).toBe(2);
  expect(short.stderr).toContain("The partial builds lack darwin/arm64, windows/amd64, which build.targets lists.");
  expect(short.stderr).toContain("--allow-missing darwin/arm64 --allow-missing windows/amd64");

  const missingDir = await ferry(["release", "--tag", "v1.0.0", "--merge", "/missing"], { cwd: project, env: env() });
  expect(missingDir.code).toBe(2);
  expect(missingDir.stderr).toContain("--merge /missing: no such directory.");
  expect(missingDir.stderr).not.toMatch(/ENOENT|    at /);

  const unknown = await ferry(["release", "--tag", "v1.0.0", "--merge", partial, "--allow-missing", "freebsd/amd64"], {
    cwd: project,
    env: env(),
  });
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("--allow-missing freebsd/amd64 is not one of the build targets");
  expect(github.requests.length).toBe(before);

  const allowed = await ferry(
    ["release", "--tag", "v1.0.0", "--merge", partial, "--allow-missing", "darwin/arm64", "--allow-missing", "windows/amd64"],
    { cwd: project, env: env() },
  );
  expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
  const release = github.release(`ferry-test/${name}`, "v1.0.0")!;
  expect(
    release.assets
      .map((a) => a.name)
      .filter((n) => n.endsWith(".tar.gz") || n.endsWith(".zip"))
      .sort(),
  ).toEqual([`${name}_1.0.0_linux_amd64.tar.gz`, `${name}_1.0.0_linux_arm64.tar.gz`]);
});
