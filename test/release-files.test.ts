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

/** A project that attaches `<name>-<version>.tgz` (made before the release, as `npm pack` would) through release.files. */
async function attaching(name: string): Promise<string> {
  github.createRepo(`ferry-test/${name}`);
  const dir = await scriptProject(name, "  {}");
  await writeFile(join(dir, `${name}-1.0.0.tgz`), "a packed tarball\n");
  await writeFile(
    join(dir, "ferry.yaml"),
    `${await readFile(join(dir, "ferry.yaml"), "utf8")}release:\n  files:\n    - { path: "{{project}}-{{version}}.tgz", kind: package }\n`,
  );
  return dir;
}

it("release.files are attached to the release, listed in checksums.txt and manifest.json", async () => {
  const name = "files-hello";
  const dir = await attaching(name);
  const run = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env: env() });
  expect(run.code, run.stdout + run.stderr).toBe(0);

  const tgz = `${name}-1.0.0.tgz`;
  const manifest = JSON.parse(await readFile(join(dir, ".ferry", "manifest.json"), "utf8")) as { files: unknown[] };
  expect(manifest.files).toEqual([
    {
      name: tgz,
      kind: "package",
      size: 17,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      url: `${github.url}/ferry-test/${name}/releases/download/v1.0.0/${tgz}`,
    },
  ]);
  const checksums = await readFile(join(dir, ".ferry", "checksums.txt"), "utf8");
  expect(checksums).toMatch(new RegExp(`^[0-9a-f]{64}  ${tgz}$`, "m"));
  const response = await fetch(`${github.url}/ferry-test/${name}/releases/download/v1.0.0/${tgz}`);
  expect(await response.text()).toBe("a packed tarball\n");

  const again = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env: env() });
  expect(again.code, again.stdout + again.stderr).toBe(0);
});

it("partial builds carry their release files into the merged release", async () => {
  const name = "files-split";
  const project = await attaching(name);
  const dirs: string[] = [];
  for (const target of ["linux/amd64", "windows/amd64"]) {
    const dir = await mkdtemp(join(tmpdir(), "ferry-runner-"));
    await cp(project, dir, { recursive: true });
    const run = await ferry(["build", "--tag", "v1.0.0", "--target", target], { cwd: dir, env: env() });
    expect(run.code, run.stderr).toBe(0);
    dirs.push(join(dir, ".ferry"));
  }
  const missing = ["--allow-missing", "linux/arm64", "--allow-missing", "darwin/arm64"];
  const merged = await ferry(["release", "--tag", "v1.0.0", ...missing, "--merge", ...dirs], { cwd: project, env: env() });
  expect(merged.code, merged.stdout + merged.stderr).toBe(0);
  const assets = github.release(`ferry-test/${name}`, "v1.0.0")!.assets.map((a) => a.name);
  expect(assets).toContain(`${name}-1.0.0.tgz`);
  expect(await readFile(join(project, ".ferry", "checksums.txt"), "utf8")).toContain(`  ${name}-1.0.0.tgz\n`);
});

it("a missing release file is a clear error, exit 2", async () => {
  const name = "files-missing";
  const dir = await attaching(name);
  await writeFile(join(dir, "ferry.yaml"), (await readFile(join(dir, "ferry.yaml"), "utf8")).replace("{{version}}.tgz", "{{version}}.zip"));
  const run = await ferry(["build", "--tag", "v1.0.0", "--target", "linux/amd64"], { cwd: dir, env: env() });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("release.files: {{project}}-{{version}}.zip does not exist");
  expect(run.stderr).not.toMatch(/\n\s+at /);
});
