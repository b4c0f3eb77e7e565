import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ferry } from "./cli.ts";
import { actionProblems, workflowProblems } from "./workflows.ts";

const root = resolve(import.meta.dirname, "..");
const workflow = ".github/workflows/release.yml";

async function project(files: Record<string, string>, remote?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-init-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const git = (...args: string[]) => execa("git", args, { cwd: dir });
  await git("init", "-q");
  if (remote) await git("remote", "add", "origin", remote);
  await git("add", ".");
  await git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init");
  return dir;
}

const read = (dir: string, file: string) => readFile(join(dir, file), "utf8");
const mit = "MIT License\n\nCopyright (c) 2025 Acme\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n";

describe("ferry init in a Go module", async () => {
  const dir = await project(
    {
      "go.mod": "module github.com/acme/hello\n\ngo 1.19\n",
      "main.go": 'package main\n\nimport "fmt"\n\nvar version = "dev"\n\nfunc main() { fmt.Println("hello", version) }\n',
      "README.md": "# hello\n\nSays hello and prints its version.\n",
      LICENSE: mit,
    },
    "git@github.com:acme/hello.git",
  );

  it("writes a ferry.yaml from go.mod, the remote, README and LICENSE, and a valid release workflow", async () => {
    const run = await ferry(["init", "--yes"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("detected a Go module: hello");

    const config = parse(await read(dir, "ferry.yaml")) as Record<string, Record<string, unknown>>;
    expect(config.project).toEqual({
      name: "hello",
      description: "Says hello and prints its version.",
      homepage: "https://github.com/acme/hello",
      license: "MIT",
      repository: "acme/hello",
    });
    expect(config.build!.env).toEqual({ CGO_ENABLED: "0", GOOS: "{{os}}", GOARCH: "{{arch}}" });
    expect(config.build!.targets).toHaveLength(6);
    expect(config.archives).toEqual({ files: ["README.md", "LICENSE"] });
    expect(config.installers).toEqual(["sh", "powershell"]);
    expect(config.registries).toEqual({ homebrew: { tap: "acme/homebrew-tap" }, scoop: { bucket: "acme/scoop-bucket" } });
    expect(config.build!.command).toBe('go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version={{version}}" -o {{output}} .');
    expect(await read(dir, ".gitignore")).toBe(".ferry/\n");
    expect(run.stdout).toContain("wrote .gitignore: .ferry/");

    const text = await read(dir, workflow);
    expect(workflowProblems(text)).toEqual([]);
    const jobs = (parse(text) as { jobs: Record<string, { permissions: unknown; steps: Array<Record<string, unknown>> }> }).jobs;
    expect(jobs.release!.permissions).toEqual({ contents: "write", "id-token": "write", attestations: "write" });
    expect(jobs.release!.steps.find((s) => s.uses === "actions/checkout@v4")?.with).toEqual({ "fetch-depth": 0 });
    expect(jobs.release!.steps.find((s) => s.uses === "actions/setup-go@v5")?.with).toEqual({ "go-version-file": "go.mod" });
    expect(jobs.release!.steps.at(-1)!.env).toEqual({
      HOMEBREW_TAP_TOKEN: "${{ secrets.HOMEBREW_TAP_TOKEN }}",
      SCOOP_BUCKET_TOKEN: "${{ secrets.SCOOP_BUCKET_TOKEN }}",
    });
  });

  it("needs no edits for ferry plan: it builds all six targets and plans both registries", async () => {
    const run = await ferry(["plan", "--tag", "v0.1.0"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^homebrew +planned/m);
    expect(run.stdout).toMatch(/^scoop +planned/m);
    expect(run.stdout).toContain("--- registries/homebrew/Formula/hello.rb");
    const archives = (await readdir(join(dir, ".ferry"))).filter((f) => f.startsWith("hello_0.1.0_"));
    expect(archives).toHaveLength(6);
    expect(run.stdout).toContain("install: curl -fsSL https://github.com/acme/hello/releases/download/v0.1.0/install.sh | sh\n");
  });

  it("refuses to overwrite ferry.yaml or the workflow without --force", async () => {
    const before = await read(dir, "ferry.yaml");
    await writeFile(join(dir, workflow), "# mine\n");
    const run = await ferry(["init", "--yes"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("ferry.yaml and .github/workflows/release.yml already exist");
    expect(run.stderr).toContain("--force");
    expect(await read(dir, "ferry.yaml")).toBe(before);
    expect(await read(dir, workflow)).toBe("# mine\n");
  });

  it("--split writes a plan job, a build matrix with each target on a runner of its own OS and CPU, and a release job that merges", async () => {
    const run = await ferry(["init", "--yes", "--split", "--force"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const text = await read(dir, workflow);
    expect(workflowProblems(text)).toEqual([]);
    type Job = {
      needs?: string;
      permissions?: unknown;
      strategy?: { matrix: { include: unknown[] } };
      steps: Array<Record<string, Record<string, unknown>>>;
    };
    const file = parse(text) as { permissions: unknown; jobs: Record<string, Job> };
    expect(Object.keys(file.jobs)).toEqual(["plan", "build", "release"]);
    expect(file.permissions).toEqual({ contents: "read" });
    expect(file.jobs.plan!.steps.at(-1)!.with).toEqual({ command: "check" });
    expect(file.jobs.build!.strategy!.matrix.include).toEqual([
      { os: "linux", arch: "amd64", runner: "ubuntu-24.04" },
      { os: "linux", arch: "arm64", runner: "ubuntu-24.04-arm" },
      { os: "darwin", arch: "amd64", runner: "macos-15-intel" },
      { os: "darwin", arch: "arm64", runner: "macos-15" },
      { os: "windows", arch: "amd64", runner: "windows-2022" },
      { os: "windows", arch: "arm64", runner: "windows-11-arm" },
    ]);
    expect(text).not.toContain("cross-compiles");
    expect(file.jobs.build!.steps.find((s) => s.with?.command === "build")?.with?.args).toBe(
      "--target ${{ matrix.os }}/${{ matrix.arch }}",
    );
    expect(file.jobs.build!.permissions).toBeUndefined();
    expect(file.jobs.release!.needs).toBe("build");
    expect(file.jobs.release!.permissions).toEqual({ contents: "write", "id-token": "write", attestations: "write" });
    expect(file.jobs.release!.steps.at(-1)!.with).toEqual({ command: "release", args: "--merge dist-*" });
  });
});

describe("ferry init detects", () => {
  it("a Cargo crate: its package metadata, a native cargo build and crates.io", async () => {
    const dir = await project({
      "Cargo.toml":
        '[package]\nname = "hello-rs"\nversion = "0.1.0"\ndescription = "Says hello, in Rust."\nlicense = "MIT OR Apache-2.0"\nrepository = "https://github.com/acme/hello-rs"\n\n[[bin]]\nname = "hello"\npath = "src/main.rs"\n',
    });
    const run = await ferry(["init", "--yes"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const config = parse(await read(dir, "ferry.yaml")) as Record<string, Record<string, unknown>>;
    expect(config.project).toMatchObject({ name: "hello-rs", binary: "hello", license: "MIT OR Apache-2.0", repository: "acme/hello-rs" });
    expect(config.build).toEqual({
      command: "cargo build --release && cp target/release/hello{{ext}} {{output}}",
      targets: ["linux/amd64"],
    });
    expect(config.registries).toEqual({ crates: { manifest: "Cargo.toml" } });
    const check = await ferry(["check"], { cwd: dir });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain("registries: crates");

    const text = await read(dir, workflow);
    expect(workflowProblems(text)).toEqual([]);
    expect(text).toContain("dtolnay/rust-toolchain@stable");
    expect(text).toContain("CARGO_REGISTRY_TOKEN: ${{ secrets.CARGO_REGISTRY_TOKEN }}");

    // cargo builds only its own machine's target: with --split each of the six builds natively.
    const split = await ferry(["init", "--yes", "--split", "--force"], { cwd: dir });
    expect(split.code, split.stderr).toBe(0);
    const splitConfig = parse(await read(dir, "ferry.yaml")) as Record<string, Record<string, unknown>>;
    expect(splitConfig.build).toEqual({
      prebuilt: "target/release/hello{{ext}}",
      targets: ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"],
    });
    expect((await ferry(["check"], { cwd: dir })).code).toBe(0);
    const splitText = await read(dir, workflow);
    expect(workflowProblems(splitText)).toEqual([]);
    type Job = { strategy: { matrix: { include: Array<Record<string, string>> } }; steps: Array<Record<string, unknown>> };
    const build = (parse(splitText) as { jobs: { build: Job } }).jobs.build;
    expect(build.strategy.matrix.include.map((e) => `${e.os}/${e.arch} ${e.runner}`)).toEqual([
      "linux/amd64 ubuntu-24.04",
      "linux/arm64 ubuntu-24.04-arm",
      "darwin/amd64 macos-15-intel",
      "darwin/arm64 macos-15",
      "windows/amd64 windows-2022",
      "windows/arm64 windows-11-arm",
    ]);
    const steps = build.steps.map((s) => s.uses ?? s.run);
    expect(steps.indexOf("cargo build --release")).toBeLessThan(steps.indexOf("ferry-dev/ferry@v1"));
  });

  it("a Node package: npm in directory mode, its bin as the release binary, id-token for trusted publishing", async () => {
    const dir = await project({
      "package.json": JSON.stringify({
        name: "@acme/hello-js",
        version: "0.1.0",
        description: "Says hello from Node.",
        license: "ISC",
        bin: { hello: "./cli.js" },
      }),
      "cli.js": "#!/usr/bin/env node\nconsole.log('hello');\n",
      "package-lock.json": "{}",
      ".gitignore": "node_modules\n*.log",
    });
    const run = await ferry(["init", "--yes"], { cwd: dir, env: { GITHUB_REPOSITORY: "acme/hello-js" } });
    expect(run.code, run.stderr).toBe(0);
    expect(await read(dir, ".gitignore")).toBe("node_modules\n*.log\n.ferry/\n");
    expect(await read(dir, ".npmignore")).toBe(
      "# What npm leaves out of the package. npm reads this file instead of .gitignore, so it repeats it.\nnode_modules\n*.log\n.ferry/\nferry.yaml\n",
    );
    expect(run.stdout).toContain("added .ferry/ to .gitignore\nwrote .npmignore: the entries of .gitignore, and ferry.yaml\n");
    const again = await ferry(["init", "--yes", "--force"], { cwd: dir, env: { GITHUB_REPOSITORY: "acme/hello-js" } });
    expect(again.stdout).not.toContain("ignore");
    expect(await read(dir, ".gitignore")).toBe("node_modules\n*.log\n.ferry/\n");
    const config = parse(await read(dir, "ferry.yaml")) as Record<string, Record<string, unknown>>;
    expect(config.project).toMatchObject({ name: "hello-js", binary: "hello", license: "ISC", repository: "acme/hello-js" });
    expect(config.build).toMatchObject({ prebuilt: "cli.js" });
    expect(config.registries).toEqual({ npm: { package: "@acme/hello-js", directory: "." } });
    const check = await ferry(["check"], { cwd: dir });
    expect(check.code, check.stderr).toBe(0);

    const text = await read(dir, workflow);
    expect(workflowProblems(text)).toEqual([]);
    const jobs = (parse(text) as { jobs: Record<string, { permissions: unknown }> }).jobs;
    expect(jobs.release!.permissions).toEqual({ contents: "write", "id-token": "write", attestations: "write" });
    expect(text).toContain("- run: npm ci --ignore-scripts");
  });

  it("a plain project: placeholders that ferry check accepts and a build that says what to edit", async () => {
    const dir = await project({ "README.md": "# tool\n" });
    const run = await ferry(["init", "--yes"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("set project.repository in ferry.yaml");
    expect(run.stdout).toContain("set build.command in ferry.yaml");
    const config = parse(await read(dir, "ferry.yaml")) as Record<string, Record<string, unknown>>;
    expect(config.project).toMatchObject({ repository: "OWNER/NAME", license: "NOASSERTION" });
    expect(config.registries).toEqual({});
    const check = await ferry(["check"], { cwd: dir });
    expect(check.code, check.stderr).toBe(0);
    const plan = await ferry(["plan", "--tag", "v0.1.0"], { cwd: dir });
    expect(plan.code).toBe(1);
    expect(plan.stderr + plan.stdout).toMatch(/set build\.command to build (linux|darwin|windows)\/(amd64|arm64) into/);
    expect(workflowProblems(await read(dir, workflow))).toEqual([]);
  });

  it("refuses unknown flags", async () => {
    const dir = await project({ "README.md": "# tool\n" });
    const run = await ferry(["init", "--yse"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option --yse. Did you mean `--yes`?");
  });
});

describe("the GitHub Action", () => {
  it("action.yml is valid action metadata", async () => {
    const action = await read(root, "action.yml");
    expect(action).toMatch(/^ {2}using: node24$/m);
    // The validator's copy of SchemaStore's schema predates node24; the rest of the file it checks as it is.
    expect(actionProblems(action.replace(/^ {2}using: node24$/m, "  using: node20"))).toEqual([]);
  });

  it("this repository's workflows are valid, and so is the ferry.yaml its release checks", async () => {
    const files = await readdir(join(root, ".github/workflows"));
    expect(files.sort()).toEqual(["ci.yml", "release.yml"]);
    for (const file of files) expect(workflowProblems(await read(root, `.github/workflows/${file}`), file)).toEqual([]);
    const check = await ferry(["check", "--config", ".github/ferry.yaml"], { cwd: root });
    expect(check.code, check.stderr).toBe(0);
  });

  it("runs ferry with the inputs, shows the human report and sets the outputs", async () => {
    const dir = await project(
      { "go.mod": "module github.com/acme/hello\n\ngo 1.19\n", "main.go": "package main\n\nfunc main() {}\n" },
      "https://github.com/acme/hello.git",
    );
    expect((await ferry(["init", "--yes"], { cwd: dir })).code).toBe(0);
    const output = join(dir, "github-output.txt");
    await writeFile(output, "");
    const run = await execa("node", [join(root, "action/index.js")], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_OUTPUT: output,
        RUNNER_TEMP: dir,
        INPUT_COMMAND: "plan",
        INPUT_TAG: "v0.2.0",
        INPUT_SKIP: "scoop",
        INPUT_ARGS: "--concurrency 2",
        "INPUT_GITHUB-TOKEN": "ghs_canary_token_0123456789",
      },
      extendEnv: false,
      reject: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ferry v0\.2\.0\ngithub-release +built/);
    expect(run.stdout).toMatch(/^homebrew +planned/m);
    expect(run.stdout + run.stderr).not.toContain("ghs_canary_token_0123456789");

    const outputs: Record<string, string | undefined> = Object.fromEntries(
      [...(await read(dir, "github-output.txt")).matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$|^([\w-]+)=(.*)$/gm)].map((m) => [
        m[1] ?? m[4] ?? "",
        m[3] ?? m[5] ?? "",
      ]),
    );
    expect(outputs.published).toBe("");
    expect(outputs.failed).toBe("");
    const report = JSON.parse(outputs.report ?? "") as {
      tag: string;
      dryRun: boolean;
      targets: Array<{ registry: string; status: string }>;
    };
    expect(report).toMatchObject({ tag: "v0.2.0", dryRun: true });
    expect(report.targets.map((t) => [t.registry, t.status])).toEqual([["homebrew", "planned"]]);
    expect(JSON.parse(await read(dir, "ferry-report.json"))).toEqual(report);
  });
});
