/**
 * ferry's side of the benchmarks against the tools (bench/tools.ts), each run in a process of its
 * own from a bundle for plain node, as ferry ships: its peak RSS is ferry's, not a TypeScript
 * loader's. Prints the work's own wall and CPU seconds as JSON (start-up is the `startup` figure's).
 *
 *   node work.mjs hash <file>
 *   node work.mjs archive <dir> <name> <out.tar.gz>
 *   node work.mjs docker-prepare|docker-publish|docker-exists <dist> <image>   (FERRY_DOCKER_REGISTRY set)
 *   node work.mjs upload <repository> <tag> <file>   (GITHUB_API_URL and GITHUB_TOKEN set: a release of one asset)
 *   node work.mjs release npm|pypi|homebrew <dist> <options as JSON>   (the registry's variables set: exists, prepare, publish, verify)
 */
import { join } from "node:path";
import { loadRegistry } from "../packages/cli/src/registries.ts";
import { hashFile, writeArchive } from "../packages/core/src/archive.ts";
import { createContext, resetDir } from "../packages/core/src/context.ts";
import { createGitHub } from "../packages/core/src/github.ts";
import { readManifest } from "../packages/core/src/manifest.ts";
import type { Prepared, Registry } from "../packages/core/src/registry.ts";
import { publishRelease } from "../packages/core/src/release.ts";
import { parseVersion } from "../packages/core/src/version.ts";
import { project } from "./big.ts";

/** A registry's context for the release in `dist` (its manifest.json), as a run makes it. */
async function context<Options>(registry: string, options: Options, dist: string) {
  const manifest = await readManifest(join(dist, "manifest.json"));
  return createContext({ registry, options, project, version: parseVersion(manifest.tag), manifest, distDir: dist });
}

/** An adapter, loaded when a job uses it, as ferry loads only the registries a run selects. */
async function adapter(name: string): Promise<Registry<unknown, Prepared>> {
  const loaded = await loadRegistry(name);
  if (!loaded) throw new Error(`no registry ${name}`);
  return loaded;
}

async function dockerContext(dist: string, image: string) {
  const docker = await adapter("docker");
  return { docker, ctx: await context("docker", docker.options.parse({ image }), dist) };
}

/** Work done before the timed part (a publish needs what prepare made: made already, it is read from the cache). */
type Job = (args: string[]) => Promise<() => Promise<unknown>>;

const jobs: Record<string, Job> = {
  hash: ([file]) => Promise.resolve(() => hashFile(file!)),
  upload: async ([repository, tag, file]) => {
    const github = createGitHub({ token: process.env.GITHUB_TOKEN, api: process.env.GITHUB_API_URL! });
    const sha256 = await hashFile(file!);
    const version = parseVersion(tag!);
    return () =>
      publishRelease({ github, repository: repository!, version, name: tag!, notes: "", files: [{ path: file!, sha256 }], log: () => {} });
  },
  archive: ([dir, name, out]) => Promise.resolve(() => writeArchive("tar.gz", dir!, [name!], out!)),
  "docker-prepare": async ([dist, image]) => {
    const { docker, ctx } = await dockerContext(dist!, image!);
    return () => docker.prepare(ctx);
  },
  "docker-publish": async ([dist, image]) => {
    const { docker, ctx } = await dockerContext(dist!, image!);
    const prepared = await docker.prepare(ctx);
    return () => docker.publish(ctx, prepared);
  },
  release: async ([registry, dist, options]) => {
    const spoke = await adapter(registry!);
    const ctx = await context(registry!, spoke.options.parse(JSON.parse(options!)), dist!);
    return async () => {
      if ((await spoke.exists(ctx)).state !== "absent") throw new Error(`${registry} has this release already`);
      await resetDir(ctx.outDir);
      const published = await spoke.publish(ctx, await spoke.prepare(ctx));
      if (!(await spoke.verify(ctx, published))) throw new Error(`${registry} does not serve the release after its publish`);
    };
  },
  "docker-exists": async ([dist, image]) => {
    const { docker, ctx } = await dockerContext(dist!, image!);
    return async () => {
      const presence = await docker.exists(ctx);
      if (presence.state !== "present" || !presence.matches) throw new Error(`exists() answered ${JSON.stringify(presence)}`);
    };
  },
};

const [name, ...args] = process.argv.slice(2);
const job = jobs[name ?? ""];
if (!job) throw new Error(`usage: work.mjs ${Object.keys(jobs).join("|")} <args>`);
const timed = await job(args);
const cpu = process.cpuUsage();
const started = performance.now();
await timed();
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }));
