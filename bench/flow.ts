/**
 * Benchmarks of the release flow, each run by the real `ferry` command against local stand-ins:
 * start-up, the build phase of examples/hello, the spoke phase's fan-out, a no-op re-run,
 * `ferry plan`, and the hub's GitHub phase.
 */
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadRegistry, registryNames } from "../packages/cli/src/registries.ts";
import { createGitHub, hashFile, loadConfig, parseVersion, publishRelease, targetName, type Config } from "../packages/core/src/index.ts";
import { startGitHub, startSandbox } from "../packages/sandbox/src/index.ts";
import { command, inProcess, type Benchmark, type Measurement } from "./harness.ts";

const root = resolve(import.meta.dirname, "..");
// The installed bundle when built (`pnpm build`), else the sources through tsx (whose start-up is slower).
const bundle = resolve(root, "build/ferry/ferry.js");
const ferryBin = existsSync(bundle) ? bundle : resolve(root, "packages/cli/bin/ferry.js");
const cores = availableParallelism();

/** What ferry runs with: no ambient tokens or registry settings, only the tools, Go's caches and what a benchmark adds. */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  const kept = ["PATH", "HOME", "TMPDIR", "GOCACHE", "GOPATH", "GOMODCACHE", "CARGO_HOME", "RUSTUP_HOME"];
  const env: Record<string, string> = { CI: "true" };
  for (const name of kept) if (process.env[name]) env[name] = process.env[name];
  return { ...env, ...extra };
}

/** A copy of examples/hello (without any output of an earlier run) in a new temporary directory, and its config. */
async function copyExample(): Promise<{ dir: string; project: string; config: Config }> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-bench-flow-"));
  const project = join(dir, "hello");
  await cp(resolve(root, "examples/hello"), project, { recursive: true, filter: (path) => !path.endsWith(".ferry") });
  return { dir, project, config: await loadConfig(join(project, "ferry.yaml"), registryNames, loadRegistry) };
}

/** crates.io takes only the version Cargo.toml says: the copy's crate follows each tag. */
async function setCrateVersion(project: string, tag: string): Promise<void> {
  const crate = join(project, "crate", "Cargo.toml");
  await writeFile(crate, (await readFile(crate, "utf8")).replace(/^version = ".*"$/m, `version = "${tag.slice(1)}"`));
}

/**
 * Each registry's status in a `--json` report; fails unless every one is among `allowed`. Prints
 * how long each registry took, which says where a slow run spent its time.
 */
function expectStatuses(stdout: string, allowed: string[], what: string): void {
  const report = JSON.parse(stdout) as { targets: Array<{ registry: string; status: string; detail: string; durationMs: number }> };
  const wrong = report.targets.filter((t) => !allowed.includes(t.status));
  if (wrong.length || !report.targets.length) {
    throw new Error(`${what}: ${wrong.map((t) => `${t.registry} ${t.status}: ${t.detail}`).join("; ") || "no registry ran"}`);
  }
  console.log(`  ${what}: ${report.targets.map((t) => `${t.registry} ${(t.durationMs / 1000).toFixed(1)} s`).join(", ")}`);
}

const startup: Benchmark = {
  name: "startup",
  setup() {
    const ferry = { label: "ferry --version", run: () => command(process.execPath, [ferryBin, "--version"]) };
    const node = { label: "node -e 0", run: () => command(process.execPath, ["-e", "0"]) };
    return Promise.resolve({
      figures: [
        { title: "start-up (`ferry --version`), wall / `node -e 0`", ferry, peer: node, goal: 2 },
        { title: "start-up, peak RSS / `node -e 0`", ferry, peer: node, metric: "rssMiB" as const, goal: 2 },
      ],
      stop: () => Promise.resolve(),
    });
  },
};

/**
 * `ferry build` of examples/hello against the same `go build` commands, each followed by
 * `tar | gzip -6` of the binary and the archived files, run by `xargs -P<cores>` and by a plain loop.
 * The smoke builds one target.
 */
const build: Benchmark = {
  name: "build",
  async setup(size) {
    const { dir, project, config } = await copyExample();
    const targets = size.smoke ? config.build.targets.slice(0, 1) : config.build.targets;
    const out = join(dir, "out");
    const script = join(dir, "build-one.sh");
    await writeFile(
      script,
      `set -e
out=$1 os=$2 arch=$3
ext=; [ "$os" = windows ] && ext=.exe
mkdir -p "$out/\${os}_$arch"
CGO_ENABLED=0 GOOS=$os GOARCH=$arch GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w -X main.version=1.0.0" -o "$out/\${os}_$arch/hello$ext" .
cp ${config.archives.files.join(" ")} "$out/\${os}_$arch/"
tar -C "$out/\${os}_$arch" -cf - hello$ext ${config.archives.files.join(" ")} | gzip -6 > "$out/hello_\${os}_$arch.tar.gz"
`,
    );
    const pairs = targets.map((t) => `${t.os} ${t.arch}`);
    const fresh = async () => {
      await rm(out, { recursive: true, force: true });
      await mkdir(out);
    };
    const ferry = {
      label: "ferry build",
      run: async () => {
        await fresh();
        const only = targets.flatMap((t) => ["--target", targetName(t)]);
        return command(process.execPath, [ferryBin, "build", "--tag", "v1.0.0", "--dist", out, ...only], {
          cwd: project,
          env: environment(),
        });
      },
    };
    const shell = (label: string, line: string) => ({
      label,
      run: async () => {
        await fresh();
        return command(line, [], { shell: true, cwd: project });
      },
    });
    const title = `build phase of examples/hello (${targets.length} Go target${targets.length === 1 ? "" : "s"}, archives included): \`ferry build\``;
    return {
      figures: [
        {
          title: `${title} / \`xargs -P${cores}\` of the same commands`,
          ferry,
          peer: shell(`xargs -P${cores}`, `printf '%s\\n' ${pairs.join(" ")} | xargs -P${cores} -n2 sh ${script} ${out}`),
          goal: 1.1,
        },
        {
          title: `${title} / the same commands in a plain shell loop`,
          ferry,
          peer: shell("shell loop", `for t in ${pairs.map((p) => `'${p}'`).join(" ")}; do sh ${script} ${out} $t; done`),
        },
      ],
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

/** One round of the spoke phase: every registry at once, and each alone (sequentially, at one other version). */
interface SpokeRound {
  all?: Measurement;
  alone?: Map<string, Measurement>;
}

/**
 * The spoke phase (`ferry publish` after the release exists) against a sandbox with every
 * registry of examples/hello. Each publish needs versions no registry has yet: rather than a
 * fresh sandbox per round, every measured run gets a new tag whose GitHub release is made
 * (untimed) just before it. Then a no-op re-run (`ferry release` of a tag every registry has)
 * against one round of existence checks (a no-op `ferry publish` of that tag), and `ferry plan` of
 * a new version from a finished build. The smoke uses two small registries.
 */
const spokes: Benchmark = {
  name: "spokes",
  async setup(size) {
    const { dir, project, config } = await copyExample();
    const selected = size.smoke ? config.registries.filter((r) => ["homebrew", "scoop"].includes(r.name)) : config.registries;
    const names = selected.map((r) => r.name);
    const sandbox = await startSandbox({
      repository: config.project.repository,
      project: config.project.name,
      registries: names,
      options: Object.fromEntries(selected.map((r) => [r.name, r.options as Record<string, unknown>])),
    });
    const env = environment(sandbox.env);
    const ferry = async (args: string[], tag: string) => {
      await setCrateVersion(project, tag);
      return command(process.execPath, [ferryBin, ...args, "--tag", tag, "--json"], { cwd: project, env });
    };
    const published = ["published+verified", "awaiting-review"];
    let minor = 0;
    /** The newest tag every registry has: a re-run of an older one is skipped ("a newer version is published"), not checked. */
    let everywhere: string | undefined;
    /** A new tag with its GitHub release public, and no registry holding it. */
    const releaseNext = async () => {
      const tag = `v1.${++minor}.0`;
      await ferry(["release", "--skip", config.registries.map((r) => r.name).join(",")], tag);
      return tag;
    };
    const rounds: SpokeRound[] = [];
    const round = (r: number) => (rounds[r] ??= {});
    const publishAll = async (r: number) => {
      const tag = await releaseNext();
      const measured = await ferry(["publish", "--only", names.join(",")], tag);
      expectStatuses(measured.stdout, published, `ferry publish ${tag}`);
      everywhere = tag;
      return (round(r).all = measured);
    };
    const publishEachAlone = async (r: number) => {
      const tag = await releaseNext();
      const alone = new Map<string, Measurement>();
      for (const name of names) {
        const measured = await ferry(["publish", "--only", name], tag);
        expectStatuses(measured.stdout, published, `ferry publish --only ${name} ${tag}`);
        alone.set(name, measured);
      }
      everywhere = tag;
      return (round(r).alone = alone);
    };
    const measuredAlone = (r: number) => [...(rounds[r]?.alone ?? new Map<string, Measurement>()).values()];
    const cached = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`${what} was not measured in this round`);
      return value;
    };

    // `ferry plan` of a version no registry has, from a build made once.
    const planTag = "v9.0.0";
    const planBuild = join(dir, "plan-build");
    await setCrateVersion(project, planTag);
    await command(process.execPath, [ferryBin, "build", "--tag", planTag, "--dist", planBuild], { cwd: project, env });

    const n = names.length;
    return {
      figures: [
        {
          title: `spoke phase, ${n} registries at once (\`ferry publish\`) / the slowest registry alone`,
          ferry: { label: `publish ${n} registries`, run: publishAll },
          peer: {
            label: "slowest alone",
            run: async (r: number) => {
              const alone = [...(await publishEachAlone(r)).values()];
              return alone.reduce((slowest, m) => (m.seconds > slowest.seconds ? m : slowest));
            },
          },
          goal: 1.2,
        },
        {
          title: `spoke phase, ${n} registries at once / the sum of each alone (a sequential publisher)`,
          ferry: { label: `publish ${n} registries`, run: (r: number) => Promise.resolve(cached(rounds[r]?.all, "the spoke phase")) },
          peer: {
            label: "sum of each alone",
            run: (r: number) =>
              Promise.resolve(
                measuredAlone(r).reduce((sum, m) => ({ seconds: sum.seconds + m.seconds, cpuSeconds: sum.cpuSeconds + m.cpuSeconds }), {
                  seconds: 0,
                  cpuSeconds: 0,
                }),
              ),
          },
        },
        ...names.map((name) => ({
          title: `CPU (user+sys) of \`ferry publish --only ${name}\`, start-up included`,
          metric: "cpuSeconds" as const,
          ferry: { label: name, run: (r: number) => Promise.resolve(cached(rounds[r]?.alone?.get(name), name)) },
        })),
        {
          title: "no-op re-run (`ferry release` of a published tag) / one round of existence checks (no-op `ferry publish`)",
          ferry: {
            label: "no-op release",
            run: async () => {
              const measured = await ferry(["release", "--only", names.join(",")], cached(everywhere, "a tag every registry has"));
              expectStatuses(measured.stdout, ["already-published", "awaiting-review"], "no-op ferry release");
              return measured;
            },
          },
          peer: {
            label: "no-op publish",
            run: async () => {
              const measured = await ferry(["publish", "--only", names.join(",")], cached(everywhere, "a tag every registry has"));
              expectStatuses(measured.stdout, ["already-published", "awaiting-review"], "no-op ferry publish");
              return measured;
            },
          },
          goal: 1.2,
        },
        {
          title: `\`ferry plan\` of ${n} registries after the build (\`--merge\` of a finished build)`,
          ferry: {
            label: "ferry plan",
            run: async () => {
              // A first plan: nothing derived from the archives (npm tarballs, wheels, layers) is cached yet.
              await rm(join(dir, "plan"), { recursive: true, force: true });
              return ferry(["plan", "--only", names.join(","), "--merge", planBuild, "--dist", join(dir, "plan")], planTag);
            },
          },
          goal: 2,
        },
      ],
      async stop() {
        await sandbox.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * The hub's GitHub phase of a small release (create the draft, upload 8 assets, publish) against
 * the GitHub stand-in, in this process: the release of a new tag each time, from files already built.
 */
const hub: Benchmark = {
  name: "hub",
  async setup() {
    const github = await startGitHub();
    const repository = "bench/hello";
    github.createRepo(repository);
    const dir = await mkdtemp(join(tmpdir(), "ferry-bench-hub-"));
    const files = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const path = join(dir, `asset-${i}.tar.gz`);
        await writeFile(path, Buffer.alloc(256 << 10, i));
        return { path, sha256: await hashFile(path) };
      }),
    );
    const client = createGitHub({ token: github.token, api: github.url });
    let patch = 0;
    return {
      figures: [
        {
          title: "hub: GitHub phase of a small release (create, 8 uploads, publish) against the stand-in",
          ferry: {
            label: "publishRelease",
            run: () =>
              inProcess(async () => {
                const version = parseVersion(`v1.0.${patch++}`);
                const { changed } = await publishRelease({
                  github: client,
                  repository,
                  version,
                  name: version.tag,
                  notes: "",
                  files,
                  log: () => {},
                });
                if (!changed) throw new Error(`the release ${version.tag} was not created`);
              }),
          },
          goal: 2,
        },
      ],
      async stop() {
        await github.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

/** The flow's benchmarks, in the order the suite runs them. */
export const flow: Benchmark[] = [startup, build, spokes, hub];
