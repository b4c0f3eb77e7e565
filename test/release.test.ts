import { readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { reportJsonSchema } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHub, startVerdaccio, type GitHubStandIn } from "@ferry/sandbox";
import { ferry, scriptProject, type FerryRun } from "./cli.ts";

const canary = "ghs_CANARYrelease0123456789abcdef";
let github: GitHubStandIn;
let verdaccio: Awaited<ReturnType<typeof startVerdaccio>>;

beforeAll(async () => {
  [github, verdaccio] = await Promise.all([startGitHub({ token: canary }), startVerdaccio()]);
});
afterAll(async () => {
  await Promise.all([github?.stop(), verdaccio?.stop()]);
});

const env = () => ({
  GITHUB_API_URL: github.url,
  GITHUB_SERVER_URL: github.url,
  GITHUB_TOKEN: canary,
  NPM_CONFIG_REGISTRY: verdaccio.url,
  NPM_TOKEN: verdaccio.token,
});

let count = 0;
async function project(registries = "  npm: {}") {
  const name = `hello-cli-${++count}-${Date.now() % 100000}`;
  github.createRepo(`ferry-test/${name}`);
  return { name, dir: await scriptProject(name, registries) };
}

const reportSchemaFile = resolve(import.meta.dirname, "../docs/report.schema.json");
const validateReport = new Ajv2020({ allErrors: true }).compile(JSON.parse(await readFile(reportSchemaFile, "utf8")) as object);

/** The --json report, checked against docs/report.schema.json. */
function jsonReport(run: FerryRun) {
  const report = JSON.parse(run.stdout.slice(0, run.stdout.lastIndexOf("}") + 1)) as {
    exitCode: number;
    release: { status: string };
    targets: Array<{ registry: string; status: string }>;
  };
  expect(validateReport(report) ? [] : validateReport.errors).toEqual([]);
  return report;
}

/** Nothing ferry prints may hold a token. */
function expectNoSecrets(...runs: FerryRun[]) {
  for (const run of runs) {
    for (const secret of [canary, verdaccio.token]) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
  }
}

const writes = () => github.requests.filter((r) => r.method !== "GET" && r.method !== "HEAD");

describe("ferry release", () => {
  it("publishes the release and npm, verified; a re-run publishes nothing and exits 0", async () => {
    const { name, dir } = await project();
    const first = await ferry(["release", "--tag", "v1.2.3"], { cwd: dir, env: env() });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^github-release +published/m);
    expect(first.stdout).toMatch(/^npm +published\+verified/m);

    const release = github.release(`ferry-test/${name}`, "v1.2.3")!;
    expect(release.draft).toBe(false);
    expect(release.assets.map((a) => a.name).sort()).toEqual([
      "checksums.txt",
      `${name}_1.2.3_darwin_arm64.tar.gz`,
      `${name}_1.2.3_linux_amd64.tar.gz`,
      `${name}_1.2.3_linux_arm64.tar.gz`,
      `${name}_1.2.3_windows_amd64.zip`,
      "manifest.json",
    ]);
    const checksums = release.assets.find((a) => a.name === "checksums.txt")!.bytes.toString();
    for (const asset of release.assets.filter((a) => /\.(tar\.gz|zip)$/.test(a.name))) {
      expect(checksums).toContain(`${asset.sha256}  ${asset.name}\n`);
    }

    const before = writes().length;
    const second = await ferry(["release", "--tag", "v1.2.3", "--json"], { cwd: dir, env: env() });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(jsonReport(second)).toMatchObject({
      release: { status: "already-published" },
      targets: [{ registry: "npm", status: "already-published" }],
    });
    expect(writes().length).toBe(before);
    expectNoSecrets(first, second);
  });

  it("with the npm registry down, npm fails with the reason while the release still goes out; exit 1", async () => {
    const { name, dir } = await project();
    const run = await ferry(["release", "--tag", "v2.0.0"], { cwd: dir, env: { ...env(), NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/" } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^github-release +published/m);
    expect(run.stdout).toMatch(/^npm +failed .*\[npm\] 127\.0\.0\.1:9 did not answer/m);
    expect(github.release(`ferry-test/${name}`, "v2.0.0")?.draft).toBe(false);
    expectNoSecrets(run);
  });

  it("when the hub fails, binary registries are blocked with its reason; exit 1", async () => {
    const { dir } = await project();
    github.failNext("POST", /\/releases$/, 403, 4);
    const run = await ferry(["release", "--tag", "v3.0.0"], { cwd: dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^github-release +failed +\[github\] GitHub answered 403 while creating the release v3\.0\.0/m);
    expect(run.stdout).toMatch(/^npm +blocked .*the release was not published/m);
  });

  it("refuses to overwrite a release asset that differs, and keeps it", async () => {
    const { name, dir } = await project();
    const first = await ferry(["release", "--tag", "v4.0.0", "--skip", "npm"], { cwd: dir, env: env() });
    expect(first.code, first.stderr).toBe(0);
    const asset = github.release(`ferry-test/${name}`, "v4.0.0")!.assets.find((a) => a.name.endsWith("linux_amd64.tar.gz"))!;
    // A rebuild that is not reproducible: the binary now differs.
    const config = join(dir, "ferry.yaml");
    await writeFile(config, (await readFile(config, "utf8")).replace("{{os}}/{{arch}}", "{{os}}/{{arch}} rebuilt"));
    await rm(join(dir, ".ferry"), { recursive: true });
    const second = await ferry(["release", "--tag", "v4.0.0", "--skip", "npm"], { cwd: dir, env: env() });
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`The release already has ${asset.name} with sha256 ${asset.sha256}`);
    expect(second.stdout).toContain("Go stamps VCS state");
    expect(second.stdout).toContain("run `ferry publish --tag v4.0.0`");
    const released = github.release(`ferry-test/${name}`, "v4.0.0")!;
    expect(released.assets.find((a) => a.name === asset.name)!.sha256).toBe(asset.sha256);
    // The refused rebuild's sha256s are not left behind: the output directory holds the release's manifest again.
    const manifest = released.assets.find((a) => a.name === "manifest.json")!.bytes.toString();
    expect(await readFile(join(dir, ".ferry", "manifest.json"), "utf8")).toBe(manifest);
    expect(await readFile(join(dir, ".ferry", "checksums.txt"), "utf8")).toBe(
      released.assets.find((a) => a.name === "checksums.txt")!.bytes.toString(),
    );

    // ferry publish then fans out the release as it is.
    const publish = await ferry(["publish", "--only", "npm", "--tag", "v4.0.0"], { cwd: dir, env: env() });
    expect(publish.code, publish.stdout + publish.stderr).toBe(0);
    expect(publish.stdout).toMatch(/^npm +published\+verified/m);

    // A local build that is not the release's is refused before anything is published.
    expect((await ferry(["build", "--tag", "v4.0.0"], { cwd: dir, env: env() })).code).toBe(0);
    const rebuilt = JSON.parse(await readFile(join(dir, ".ferry", "manifest.json"), "utf8")) as {
      artifacts: Array<{ name: string; sha256: string }>;
    };
    const local = rebuilt.artifacts.find((a) => a.name === asset.name)!.sha256;
    const before = writes().length;
    const refused = await ferry(["publish", "--only", "npm", "--tag", "v4.0.0"], { cwd: dir, env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${asset.name}: ${local} here, ${asset.sha256} on the release`);
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(refused.stdout).toBe("");
    expect(writes().length).toBe(before);
  });
});

describe("ferry publish", () => {
  it("re-runs one registry from the release's manifest.json, with no build", async () => {
    const { name, dir } = await project();
    expect((await ferry(["release", "--tag", "v1.0.0", "--skip", "npm"], { cwd: dir, env: env() })).code).toBe(0);
    await rm(join(dir, ".ferry"), { recursive: true });
    // A build now would fail: publish must not build.
    const config = join(dir, "ferry.yaml");
    await writeFile(config, (await readFile(config, "utf8")).replace(/command: .*/, "command: exit 1"));
    const run = await ferry(["publish", "--only", "npm", "--tag", "v1.0.0"], { cwd: dir, env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^github-release +reused/m);
    expect(run.stdout).toMatch(/^npm +published\+verified/m);
    expect(run.stdout).toContain(`${name}@1.0.0`);
  });

  it("blocks binary registries while the release is a draft", async () => {
    const { name, dir } = await project();
    github.failNext("PATCH", /\/releases\/\d+$/, 403, 4);
    expect((await ferry(["release", "--tag", "v1.1.0", "--skip", "npm"], { cwd: dir, env: env() })).code).toBe(1);
    expect(github.release(`ferry-test/${name}`, "v1.1.0")?.draft).toBe(true);
    const run = await ferry(["publish", "--only", "npm", "--tag", "v1.1.0"], { cwd: dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout, run.stderr).toMatch(/^npm +blocked .*still a draft/m);
  });
});

describe("previews and bad input", () => {
  it("plan renders every file and writes nothing remotely", async () => {
    const { dir } = await project();
    const before = writes().length;
    const run = await ferry(["plan", "--tag", "v1.2.3"], { cwd: dir, env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^github-release +built/m);
    expect(run.stdout).toMatch(/^npm +planned/m);
    expect(run.stdout).toMatch(/^--- registries\/npm\/.*package\.json/m);
    expect(writes().length).toBe(before);
  });

  it("a config error names the key, exits 2, and publishes nothing", async () => {
    const { dir } = await project("  npm:\n    pakage: x");
    const before = github.requests.length;
    const run = await ferry(["release", "--tag", "v1.2.3"], { cwd: dir, env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("registries.npm.pakage: unknown key");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(github.requests.length).toBe(before);
  });

  it.each([
    [["release", "--tag", "v1.2"], "is not a semantic version"],
    [["release", "--tag", "v1.2.3", "--only", "cargo"], '"cargo" is not a registry'],
    [["release", "--tag", "v1.2.3", "--bogus"], "Unknown option --bogus."],
    [["launch"], 'Unknown command "launch"'],
  ])("ferry %j exits 2 with a clear message", async (args, message) => {
    const { dir } = await project();
    const run = await ferry(args, { cwd: dir, env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("writes the JSON report, the step summary and annotations on GitHub Actions", async () => {
    const { dir } = await project();
    const summary = join(dir, "summary.md");
    const run = await ferry(["release", "--tag", "v5.0.0", "--json"], {
      cwd: dir,
      env: { ...env(), NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/", GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary },
    });
    expect(run.code).toBe(1);
    expect(jsonReport(run)).toMatchObject({
      exitCode: 1,
      release: { status: "published" },
      targets: [{ registry: "npm", status: "failed" }],
    });
    expect(run.stdout).toMatch(/^::error title=ferry npm failed::\[npm\] 127\.0\.0\.1:9 did not answer/m);
    expect(await readFile(summary, "utf8")).toMatch(/\| npm \| failed \|/);
    expectNoSecrets(run);
  });

  it("documents the JSON report with the schema the code validates against (`ferry schema report`)", async () => {
    const { dir } = await project();
    const printed = await ferry(["schema", "report"], { cwd: dir });
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(reportJsonSchema());
    const documented = JSON.parse(await readFile(reportSchemaFile, "utf8")) as unknown;
    expect(documented, "regenerate it: ferry schema report > docs/report.schema.json").toEqual(reportJsonSchema());
  });
});
