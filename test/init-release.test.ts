import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startSandbox } from "@ferry/sandbox";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { ferry } from "./cli.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

const mit = "MIT License\n\nCopyright (c) 2025 Acme\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n";

/** A new project as its author has it: its files in a git repository whose origin is on GitHub. */
async function freshProject(name: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ferry-${name}-`));
  dirs.push(dir);
  for (const [file, text] of Object.entries({ "README.md": `# ${name}\n\nSays hello.\n`, LICENSE: mit, ...files })) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  await execa("git", ["init", "-q", "-b", "main"], { cwd: dir });
  await execa("git", ["remote", "add", "origin", `git@github.com:ferry-test/${name}.git`], { cwd: dir });
  return dir;
}

const commit = async (dir: string, message: string) => {
  const git = (...args: string[]) => execa("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir });
  await git("add", ".");
  await git("commit", "-qm", message);
};

/**
 * `ferry init`, a commit and a tag, then `ferry release` twice into one sandbox, as a maintainer
 * re-runs a release job: the first publishes, the second rebuilds the same bytes and finds
 * everything published.
 */
async function initThenReleaseTwice(dir: string, only: string[]): Promise<void> {
  const init = await ferry(["init", "--yes"], { cwd: dir });
  expect(init.code, init.stderr).toBe(0);
  expect(await readFile(join(dir, ".gitignore"), "utf8")).toContain(".ferry/\n");
  await commit(dir, "release with ferry");
  await execa("git", ["tag", "v0.1.0"], { cwd: dir });

  const config = parse(await readFile(join(dir, "ferry.yaml"), "utf8")) as {
    project: { name: string; repository: string };
    registries: Record<string, Record<string, unknown>>;
  };
  const sandbox = await startSandbox({
    repository: config.project.repository,
    project: config.project.name,
    registries: only,
    options: config.registries,
  });
  try {
    const release = () => ferry(["release", "--tag", "v0.1.0", "--only", only.join(",")], { cwd: dir, env: sandbox.env });
    const first = await release();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    for (const name of only) expect(first.stdout).toMatch(new RegExp(`^${name} +published\\+verified`, "m"));

    const second = await release();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    for (const name of only) expect(second.stdout).toMatch(new RegExp(`^${name} +already-published`, "m"));
    expect(second.stdout).not.toContain("published+verified");
    // The re-run leaves the work tree as the commit has it: ferry's output is ignored.
    expect((await execa("git", ["status", "--porcelain"], { cwd: dir })).stdout).toBe("");
  } finally {
    await sandbox.stop();
  }
}

describe("ferry init, then two releases of the same tag", { timeout: 300_000 }, () => {
  it("a Go module: six cross-compiled targets, Homebrew", async () => {
    const dir = await freshProject("hello-go", {
      "go.mod": "module github.com/ferry-test/hello-go\n\ngo 1.19\n",
      "main.go": 'package main\n\nimport "fmt"\n\nvar version = "dev"\n\nfunc main() { fmt.Println("hello", version) }\n',
    });
    await initThenReleaseTwice(dir, ["homebrew"]);
  });

  it("a Cargo crate: a native release build, crates.io", async () => {
    const dir = await freshProject("hello-rs", {
      "Cargo.toml":
        '[package]\nname = "hello-rs"\nversion = "0.1.0"\nedition = "2021"\ndescription = "Says hello."\nlicense = "MIT"\nrepository = "https://github.com/ferry-test/hello-rs"\n\n[[bin]]\nname = "hello"\npath = "src/main.rs"\n',
      "src/main.rs": 'fn main() {\n    println!("hello {}", env!("CARGO_PKG_VERSION"));\n}\n',
      ".gitignore": "/target\n",
    });
    await execa("cargo", ["generate-lockfile", "--offline"], { cwd: dir });
    await initThenReleaseTwice(dir, ["crates"]);
  });

  it("a Node package: its bin script, npm from the package directory", async () => {
    const dir = await freshProject("hello-js", {
      "package.json": `${JSON.stringify({ name: "hello-js", version: "0.1.0", description: "Says hello.", license: "MIT", bin: { hello: "cli.js" } }, null, 2)}\n`,
      "cli.js": "#!/usr/bin/env node\nconsole.log('hello 0.1.0');\n",
    });
    await initThenReleaseTwice(dir, ["npm"]);
    // What npm packs from the project's directory holds none of ferry's files.
    const { stdout } = await execa("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir });
    const [packed] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
    const paths = packed!.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["LICENSE", "README.md", "cli.js", "package.json"]));
    expect(paths.filter((path) => path === "ferry.yaml" || path.startsWith(".ferry/"))).toEqual([]);
  });
});
