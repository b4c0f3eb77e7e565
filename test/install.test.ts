// ferry as a user gets it: the bundle built, packed, published to a registry and installed from
// there with npm into an empty prefix and an empty cache, then run with no clone of this repository.
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { startSandbox, startVerdaccio, type VerdaccioSandbox } from "@ferry/sandbox";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const { version } = JSON.parse(await readFile(join(root, "packages/cli/package.json"), "utf8")) as { version: string };

/** The PATH without this repository's node_modules/.bin (pnpm and vitest put it there). */
const userPath = (process.env.PATH ?? "")
  .split(":")
  .filter((dir) => !dir.startsWith(root))
  .join(":");

let work: string;
/** npm as a user runs it: an empty cache, no config but the registry's. */
let npm: (args: string[], cwd: string, env?: Record<string, string>) => Promise<{ stdout: string }>;
let verdaccio: VerdaccioSandbox;
/** npm pack's report of each package: its file list and packed size. */
const packed: Record<string, { filename: string; size: number; files: Array<{ path: string }> }> = {};
/** Runs the installed `ferry` with nothing of this repository on PATH or in the environment. */
let installed: (args: string[], cwd: string, env?: Record<string, string>) => Promise<{ code: number; stdout: string; stderr: string }>;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "ferry-install-"));
  await execa(
    join(root, "node_modules/.bin/tsx"),
    ["scripts/build.ts", "--out", join(work, "build"), "--action-out", join(work, "action")],
    {
      cwd: root,
    },
  );
  verdaccio = await startVerdaccio();
  // A user's npm: its own empty cache and config, the registry it was told to use, nothing else.
  const npmrc = join(work, "npmrc");
  // ferry's packages come from the Verdaccio; the sandbox's one native dependency from the npm registry.
  await writeFile(npmrc, `@ferry-dev:registry=${verdaccio.url}\n${verdaccio.url.replace(/^http:/, "")}:_authToken=${verdaccio.token}\n`);
  // The machine's own settings (proxies, certificate authorities) stay; pnpm's npm_config_* variables go.
  const npmEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
    PATH: userPath,
    HOME: work,
    npm_config_userconfig: npmrc,
    npm_config_cache: join(work, "npm-cache"),
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  };
  npm = (args, cwd, env = {}) => execa("npm", args, { cwd, env: { ...npmEnv, ...env }, extendEnv: false });
  await mkdir(join(work, "packs"));
  for (const name of ["ferry", "sandbox"]) {
    const { stdout } = await npm(["pack", "--json", "--pack-destination", join(work, "packs")], join(work, "build", name));
    packed[name] = (JSON.parse(stdout) as Array<(typeof packed)[string]>)[0]!;
    await npm(["publish", join(work, "packs", packed[name].filename)], work);
  }
  const empty = join(work, "empty");
  await mkdir(empty);
  const prefix = join(work, "prefix");
  await npm(["install", "--global", "--prefix", prefix, "@ferry-dev/ferry", "@ferry-dev/sandbox"], empty);
  installed = async (args, cwd, env = {}) => {
    const run = await execa(join(prefix, "bin", "ferry"), args, {
      cwd,
      env: { PATH: `${join(prefix, "bin")}:${userPath}`, HOME: process.env.HOME ?? "", CI: "true", ...env },
      extendEnv: false,
      reject: false,
    });
    return { code: run.exitCode ?? 1, stdout: run.stdout, stderr: run.stderr };
  };
}, 600_000);

afterAll(async () => {
  await verdaccio?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the packed packages", () => {
  it("ferry holds the bundle, its README and package.json: no sources, tests, examples or stray directories", () => {
    const files = packed.ferry!.files.map((f) => f.path).sort();
    console.log(`@ferry-dev/ferry@${version}: ${files.length} files, ${(packed.ferry!.size / 1024).toFixed(0)} KiB packed`);
    console.log(`@ferry-dev/sandbox@${version}: ${(packed.sandbox!.size / 1024).toFixed(0)} KiB packed`);
    expect(files.filter((f) => !/^chunks\/[\w-]+\.js$/.test(f))).toEqual(["README.md", "ferry.js", "package.json"]);
  });

  it("ferry has no dependencies to install; the sandbox only its one native addon", async () => {
    const dependencies: Record<string, string[]> = { ferry: [], sandbox: ["sodium-native"] };
    for (const name of ["ferry", "sandbox"]) {
      const manifest = JSON.parse(await readFile(join(work, "build", name, "package.json"), "utf8")) as Record<string, unknown>;
      expect(manifest).toMatchObject({ version, license: "MIT", engines: { node: ">=20.19" } });
      expect(Object.keys(manifest.dependencies ?? {})).toEqual(dependencies[name]);
    }
  });

  it("the action's committed bundle is what the build makes of today's sources", async () => {
    const fresh = await filesUnder(join(work, "action"));
    expect((await filesUnder(join(root, "action"))).sort(), "run `pnpm build` and commit action/").toEqual(fresh.sort());
    for (const file of fresh) {
      const same = (await readFile(join(root, "action", file))).equals(await readFile(join(work, "action", file)));
      expect(same, `action/${file} differs from a fresh build: run \`pnpm build\` and commit action/`).toBe(true);
    }
  });
});

describe("ferry installed from a registry with npm", () => {
  let project: string;

  beforeAll(async () => {
    project = join(work, "hello");
    await mkdir(project);
    await writeFile(join(project, "go.mod"), "module github.com/acme/hello\n\ngo 1.19\n");
    await writeFile(
      join(project, "main.go"),
      'package main\n\nimport "fmt"\n\nvar version = "dev"\n\nfunc main() { fmt.Println("hello", version) }\n',
    );
    await writeFile(join(project, "README.md"), "# hello\n");
  });

  it("prints its version, and help without a stack trace", async () => {
    expect(await installed(["--version"], project)).toMatchObject({ code: 0, stdout: version });
    const typo = await installed(["relase"], project);
    expect(typo).toMatchObject({ code: 2, stdout: "" });
    expect(typo.stderr).toBe('Unknown command "relase". Did you mean `ferry release`? Run `ferry --help` for the commands.');
  });

  it("writes a project's ferry.yaml and workflow, plans it, and releases it into the sandbox", async () => {
    const init = await installed(["init", "--yes"], project);
    expect(init.code, init.stderr).toBe(0);
    expect(await readFile(join(project, ".github/workflows/release.yml"), "utf8")).toContain("uses: ferry-dev/ferry@v1");
    // Two registries more than init chose, so that the bundled Verdaccio and nuget-server serve too.
    await appendFile(join(project, "ferry.yaml"), '  npm:\n    package: "@acme/hello"\n  chocolatey: {}\n');

    const plan = await installed(["plan", "--tag", "v0.1.0"], project);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^homebrew +planned/m);

    const release = await installed(["release", "--sandbox", "--tag", "v0.1.0"], project);
    expect(release.code, release.stdout + release.stderr).toBe(0);
    for (const registry of ["homebrew", "scoop", "npm"])
      expect(release.stdout).toMatch(new RegExp(`^${registry} +published\\+verified`, "m"));
    // Chocolatey's community feed moderates every new package version.
    expect(release.stdout).toMatch(/^chocolatey +awaiting-review/m);
  });
});

describe("ferry releases ferry", () => {
  it("the release of .github/ferry.yaml, rehearsed: the tarball on the GitHub Release, the package on npm, installable and runnable", async () => {
    // The layout the release workflow leaves: build/ferry and its tarball beside .github/ferry.yaml's directory.
    await mkdir(join(work, ".github"));
    await cp(join(root, ".github/ferry.yaml"), join(work, ".github/ferry.yaml"));
    await cp(join(work, "packs", packed.ferry!.filename), join(work, "build", packed.ferry!.filename));
    const sandbox = await startSandbox({ repository: "ferry-dev/ferry", project: "ferry", registries: ["npm"] });
    try {
      const release = await installed(["release", "--config", join(work, ".github/ferry.yaml"), "--tag", `v${version}`], work, sandbox.env);
      expect(release.code, release.stdout + release.stderr).toBe(0);
      expect(release.stdout).toMatch(/^github-release +published/m);
      expect(release.stdout).toMatch(/^npm +published\+verified/m);

      const api = sandbox.env.GITHUB_API_URL!.replace(/\/$/, "");
      const response = await fetch(`${api}/repos/ferry-dev/ferry/releases/tags/v${version}`, {
        headers: { authorization: `Bearer ${sandbox.env.GITHUB_TOKEN}` },
      });
      const assets = ((await response.json()) as { assets: Array<{ name: string }> }).assets.map((a) => a.name).sort();
      expect(assets).toEqual(["checksums.txt", "checksums.txt.sigstore.json", packed.ferry!.filename, "manifest.json"].sort());

      const prefix = join(work, "prefix-from-sandbox");
      const empty = join(work, "empty-2");
      await mkdir(empty);
      const npmrc = join(work, "npmrc-sandbox");
      await writeFile(npmrc, `@ferry-dev:registry=${sandbox.env.NPM_CONFIG_REGISTRY}\n`);
      await npm(["install", "--global", "--prefix", prefix, "@ferry-dev/ferry"], empty, {
        npm_config_userconfig: npmrc,
        npm_config_cache: join(work, "npm-cache-2"),
      });
      const run = await execa(join(prefix, "bin", "ferry"), ["--version"], { env: { PATH: userPath }, extendEnv: false });
      expect(run.stdout).toBe(version);
    } finally {
      await sandbox.stop();
    }
  });
});
