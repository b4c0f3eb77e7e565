/**
 * An older version after a newer one: examples/hello is released as v1.0.2 to all fourteen
 * registries of one sandbox, then as v0.9.0 from a second checkout. The older release publishes
 * to every registry that keeps every version, and is skipped (exit 0) by those that hold one
 * version; every "latest" stays on 1.0.2: npm's dist-tag, GitHub's latest release, Docker's tag.
 * A read back of v1.0.2 finds every registry still holding it.
 */
import { rm } from "node:fs/promises";
import { createGitHub } from "@ferry/core";
import type { Sandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ferry } from "./cli.ts";
import { copyExample, exampleYaml, jsonReport, registries, startExampleSandbox, type ExampleYaml, type Report } from "./example-release.ts";

/** The registries that hold one version at a time (a Snap channel holds one revision per architecture). */
const single = ["homebrew", "scoop", "nix", "aur", "flathub", "snap"];

let sandbox: Sandbox;
let config: ExampleYaml;
const cleanup: string[] = [];
const runs: Record<string, Report> = {};

/** A checkout of examples/hello ready to release `tag`. */
async function checkout(tag: string): Promise<string> {
  const project = await copyExample("ferry-downgrade-", tag);
  cleanup.push(project);
  return project;
}

/** Flathub builds what its maintainers merge: merge the open pull request's files into the app's master branch. */
async function mergeFlathubPull(): Promise<void> {
  const repository = `flathub/${String(config.registries.flathub!.appId)}`;
  const pull = sandbox.github.pulls(repository).find((p) => p.state === "open");
  if (!pull) throw new Error(`no open pull request in ${repository}`);
  const github = createGitHub({ token: sandbox.github.token, api: sandbox.github.url });
  const [owner, repo] = repository.split("/") as [string, string];
  for (const [path, text] of Object.entries(pull.files)) {
    await github.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path,
      branch: "master",
      message: pull.title,
      content: Buffer.from(text).toString("base64"),
    });
  }
}

beforeAll(async () => {
  config = await exampleYaml();
  sandbox = await startExampleSandbox(config);
  runs.newer = jsonReport(await ferry(["release", "--tag", "v1.0.2", "--json"], { cwd: await checkout("v1.0.2"), env: sandbox.env }));
  await mergeFlathubPull();
  runs.older = jsonReport(await ferry(["release", "--tag", "v0.9.0", "--json"], { cwd: await checkout("v0.9.0"), env: sandbox.env }));
  runs.readBack = jsonReport(await ferry(["publish", "--tag", "v1.0.2", "--json"], { cwd: await checkout("v1.0.2"), env: sandbox.env }));
}, 900_000);

afterAll(async () => {
  await sandbox?.stop();
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

const outcomes = (run: Report) => Object.fromEntries(run.targets.map((t) => [t.registry, t.status]));

it("releases v1.0.2 everywhere", () => {
  expect(runs.newer!.exitCode, JSON.stringify(runs.newer)).toBe(0);
  for (const status of Object.values(outcomes(runs.newer!))) expect(["published+verified", "awaiting-review"]).toContain(status);
});

it("then v0.9.0: published where every version is kept, skipped where one version is held, exit 0", () => {
  const older = runs.older!;
  expect(older.exitCode, JSON.stringify(older)).toBe(0);
  expect(older.release.status).toBe("published");
  for (const target of older.targets) {
    if (single.includes(target.registry)) {
      expect(target.status, target.registry).toBe("skipped");
      expect(target.detail, target.registry).toMatch(/^a newer version 1\.0\.2(-1)? is already published \(.+\)$/);
    } else {
      expect(["published+verified", "awaiting-review"], `${target.registry}: ${target.detail}`).toContain(target.status);
    }
  }
  expect(older.targets.map((t) => t.registry).sort()).toEqual([...registries].sort());
});

it("every registry still holds v1.0.2, read back", () => {
  for (const target of runs.readBack!.targets) expect(target.status, `${target.registry}: ${target.detail}`).toBe("already-published");
});

it("latest stays on 1.0.2: GitHub's latest release, npm's dist-tag, Docker's tag", async () => {
  const repository = config.project.repository;
  expect(sandbox.github.release(repository, "v1.0.2")?.latest).toBe(true);
  expect(sandbox.github.release(repository, "v0.9.0")).toMatchObject({ draft: false, latest: false });

  const name = String(config.registries.npm!.package).replace("/", "%2f");
  const response = await fetch(new URL(name, sandbox.env.NPM_CONFIG_REGISTRY));
  const packument = (await response.json()) as { "dist-tags": Record<string, string> };
  expect(packument["dist-tags"]).toEqual({ latest: "1.0.2", "latest-0": "0.9.0" });

  const image = `http://${sandbox.env.FERRY_DOCKER_REGISTRY}/v2/ferry-examples/hello/manifests`;
  const digest = async (tag: string) => {
    const response = await fetch(`${image}/${tag}`, { method: "HEAD", headers: { accept: "application/vnd.oci.image.index.v1+json" } });
    expect(response.status, tag).toBe(200);
    return response.headers.get("docker-content-digest");
  };
  expect(await digest("latest")).toBe(await digest("1.0.2"));
  expect(await digest("1")).toBe(await digest("1.0.2"));
  expect(await digest("0")).toBe(await digest("0.9.0"));
});
