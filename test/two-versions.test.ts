/**
 * Two versions from one checkout: a Go project is tagged v1.0.0 and released into the sandbox,
 * its version-printing source is changed, committed and tagged v1.0.1, and released again from
 * the same directory (the same .ferry/ output, the same cache). Then 1.0.1 is installed from
 * every binary registry as a user installs it (npm, pip, an OCI image pull, a snap download) and
 * each binary must print 1.0.1; 1.0.0 still installs and prints 1.0.0.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@ferry/sandbox";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ferry, type FerryRun } from "./cli.ts";

const registries = ["npm", "pypi", "docker", "snap"];
const config = `project:
  name: twover
  description: Prints its version.
  homepage: https://github.com/ferry-test/twover
  license: MIT
  repository: ferry-test/twover

build:
  command: go build -trimpath -o {{output}} .
  env:
    CGO_ENABLED: "0"
    GOOS: "{{os}}"
    GOARCH: "{{goarch}}"
    GOFLAGS: -buildvcs=false
  targets: [linux/amd64]

archives:
  files: [README.md]

registries:
  npm:
    package: "@ferry-test/twover"
  pypi:
    name: ferry-twover
  docker:
    image: ghcr.io/ferry-test/twover
  snap: {}
`;
/** The program prints the version written in its source, so each tag's binary says which commit it was built from. */
const program = (version: string) =>
  `package main\n\nimport "fmt"\n\nconst version = "${version}"\n\nfunc main() { fmt.Println("twover", version) }\n`;

const dirs: string[] = [];
let sandbox: Sandbox;
let project: string;
const releases: Record<string, FerryRun> = {};
/** `ferry publish` of v1.0.0 afterwards, from the same checkout, whose output directory now holds 1.0.1's files. */
let republished: FerryRun;

async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const run = (file: string, args: string[] = [], options: { cwd?: string; env?: Record<string, string> } = {}) =>
  execa(file, args, { ...options, env: { ...process.env, ...options.env } });

/** What the installed binary prints. */
const says = async (binary: string) => (await run(binary)).stdout.trim();

async function commitAndTag(version: string): Promise<void> {
  const git = (...args: string[]) => run("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: project });
  await writeFile(join(project, "main.go"), program(version));
  await git("add", ".");
  await git("commit", "-qm", `version ${version}`);
  await git("tag", `v${version}`);
}

beforeAll(async () => {
  project = await temp("ferry-two-versions-");
  await writeFile(join(project, "README.md"), "# twover\n\nPrints its version.\n");
  await writeFile(join(project, "go.mod"), "module github.com/ferry-test/twover\n\ngo 1.19\n");
  await writeFile(join(project, ".gitignore"), ".ferry/\n");
  await writeFile(join(project, "ferry.yaml"), config);
  await run("git", ["init", "-q", "-b", "main"], { cwd: project });
  sandbox = await startSandbox({
    repository: "ferry-test/twover",
    project: "twover",
    registries,
    options: { snap: {}, pypi: { name: "ferry-twover" } },
  });
  for (const version of ["1.0.0", "1.0.1"]) {
    await commitAndTag(version);
    releases[version] = await ferry(["release", "--tag", `v${version}`], { cwd: project, env: sandbox.env });
  }
  republished = await ferry(["publish", "--tag", "v1.0.0"], { cwd: project, env: sandbox.env });
}, 600_000);

afterAll(async () => {
  await sandbox?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("two versions released from one checkout", { timeout: 120_000 }, () => {
  it("both releases publish every registry", () => {
    for (const version of ["1.0.0", "1.0.1"]) {
      const { code, stdout, stderr } = releases[version]!;
      expect(code, stdout + stderr).toBe(0);
      for (const name of registries) expect(stdout).toMatch(new RegExp(`^${name} +published\\+verified`, "m"));
    }
  });

  it("publishing v1.0.0 again from the checkout of v1.0.1 finds every registry already published", () => {
    const { code, stdout, stderr } = republished;
    expect(code, stdout + stderr).toBe(0);
    for (const name of registries) expect(stdout).toMatch(new RegExp(`^${name} +already-published`, "m"));
  });

  /** Installs like a user, in an empty project with its own cache and no user config. */
  async function npmInstall(version: string): Promise<string> {
    const dir = await temp("ferry-two-versions-npm-");
    await writeFile(join(dir, "package.json"), "{}\n");
    await run("npm", ["install", `@ferry-test/twover@${version}`, "--no-audit", "--no-fund"], {
      cwd: dir,
      env: {
        npm_config_registry: sandbox.env.NPM_CONFIG_REGISTRY!,
        npm_config_cache: join(dir, ".cache"),
        npm_config_userconfig: join(dir, ".npmrc"),
      },
    });
    return join(dir, "node_modules", ".bin", "twover");
  }

  it("npm: 1.0.1 installs and prints 1.0.1; 1.0.0 still prints 1.0.0", async () => {
    expect(await says(await npmInstall("1.0.1"))).toBe("twover 1.0.1");
    expect(await says(await npmInstall("1.0.0"))).toBe("twover 1.0.0");
  });

  it("PyPI: pip installs 1.0.1 into a venv, and its command prints 1.0.1", async () => {
    const venv = await temp("ferry-two-versions-venv-");
    await run("python3", ["-m", "venv", venv]);
    await run(join(venv, "bin", "pip"), [
      "install",
      "--no-cache-dir",
      "--disable-pip-version-check",
      "--index-url",
      `${sandbox.env.FERRY_PYPI_URL}/simple/`,
      "ferry-twover==1.0.1",
    ]);
    expect(await says(join(venv, "bin", "twover"))).toBe("twover 1.0.1");
  });

  /** Pulls the linux/amd64 image of a tag with skopeo and unpacks it with umoci: the root filesystem a container runs. */
  async function pull(tag: string): Promise<string> {
    const dir = await temp("ferry-two-versions-oci-");
    await run("skopeo", [
      "copy",
      "--src-tls-verify=false",
      "--override-arch",
      "amd64",
      "--override-os",
      "linux",
      `docker://${sandbox.env.FERRY_DOCKER_REGISTRY}/ferry-test/twover:${tag}`,
      `oci:${join(dir, "image")}:${tag}`,
    ]);
    await run("umoci", ["raw", "unpack", "--rootless", "--image", `${join(dir, "image")}:${tag}`, join(dir, "rootfs")]);
    return join(dir, "rootfs", "usr", "local", "bin", "twover");
  }

  it("OCI: the 1.0.1 image's binary prints 1.0.1; the 1.0.0 image's prints 1.0.0", async () => {
    expect(await says(await pull("1.0.1"))).toBe("twover 1.0.1");
    expect(await says(await pull("1.0.0"))).toBe("twover 1.0.0");
  });

  it("snap: the stable amd64 snap is 1.0.1, and its binary prints 1.0.1", async () => {
    // As snapd asks the store: the channel map, then the revision's download, checked by its sha3-384.
    const info = (await (
      await fetch(`${sandbox.env.FERRY_SNAP_API_URL}/v2/snaps/info/twover`, { headers: { "Snap-Device-Series": "16" } })
    ).json()) as {
      "channel-map": Array<{
        channel: { architecture: string; risk: string };
        version: string;
        download: { url: string; "sha3-384": string };
      }>;
    };
    const stable = info["channel-map"].find((entry) => entry.channel.architecture === "amd64" && entry.channel.risk === "stable");
    expect(stable?.version).toBe("1.0.1");
    const bytes = Buffer.from(await (await fetch(stable!.download.url)).arrayBuffer());
    expect(createHash("sha3-384").update(bytes).digest("hex")).toBe(stable!.download["sha3-384"]);
    const dir = await temp("ferry-two-versions-snap-");
    await writeFile(join(dir, "twover.snap"), bytes);
    await run("unsquashfs", ["-q", "-d", join(dir, "root"), join(dir, "twover.snap")]);
    expect(await says(join(dir, "root", "bin", "twover"))).toBe("twover 1.0.1");
    expect(await readFile(join(dir, "root", "meta", "snap.yaml"), "utf8")).toMatch(/^version: '?1\.0\.1'?$/m);
  });
});
