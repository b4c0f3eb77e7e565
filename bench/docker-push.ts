/**
 * Pushes a 1 GiB binary as an image into a local docker-registry, with ferry and with skopeo
 * (copying the very same OCI layout ferry wrote), and prints wall time and peak RSS of each.
 *
 *   npx tsx bench/docker-push.ts            # 1 GiB
 *   BENCH_MIB=256 npx tsx bench/docker-push.ts
 *
 * Each push runs in its own process under /usr/bin/time -v, whose "Maximum resident set size"
 * is the peak RSS. ferry's process also builds the layer (prepare) before it pushes (publish);
 * both phases are timed inside it, and the peak covers both.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createContext, parseVersion, readManifest, writeArchive, writeManifest, type Project } from "../packages/core/src/index.ts";
import { startDockerRegistry } from "../packages/sandbox/src/docker.ts";
import docker from "../registries/docker/src/index.ts";

const run = promisify(execFile);
const version = "1.0.0";
const project: Project = {
  name: "big",
  description: "A large binary.",
  homepage: "https://example.com/big",
  license: "MIT",
  repository: "bench/big",
  binary: "big",
  author: "Bench <bench@example.com>",
  dir: "",
};

/** The child: prepare + publish into the registry named by FERRY_DOCKER_REGISTRY; prints its phase times as JSON. */
async function push(distDir: string): Promise<void> {
  const ctx = createContext({
    registry: "docker",
    options: docker.options.parse({ image: "bench/ferry" }),
    project,
    version: parseVersion(`v${version}`),
    manifest: await readManifest(join(distDir, "manifest.json")),
    distDir,
  });
  let start = performance.now();
  const prepared = await docker.prepare(ctx);
  const prepareMs = performance.now() - start;
  const prepareRssMiB = process.resourceUsage().maxRSS / 1024;
  start = performance.now();
  await docker.publish(ctx, prepared);
  const publishMs = performance.now() - start;
  process.stdout.write(`${JSON.stringify({ prepareMs, prepareRssMiB, publishMs, outDir: ctx.outDir })}\n`);
}

/** A release with one linux/amd64 archive holding a binary of `mib` MiB: one random 16 MiB block, repeated. */
async function makeBigRelease(root: string, mib: number): Promise<string> {
  const staging = join(root, "build");
  const distDir = join(root, "dist");
  await mkdir(staging, { recursive: true });
  await mkdir(distDir, { recursive: true });
  const block = randomBytes(16 << 20);
  const out = createWriteStream(join(staging, project.binary));
  for (let written = 0; written < mib; written += 16) {
    if (!out.write(block)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error) => (error ? reject(error) : resolve())));
  await chmod(join(staging, project.binary), 0o755);
  const name = `big_${version}_linux_amd64.tar.gz`;
  const archived = await writeArchive("tar.gz", staging, [project.binary], join(distDir, name));
  await writeManifest(join(distDir, "manifest.json"), {
    schema: 1,
    project: project.name,
    version,
    tag: `v${version}`,
    repository: project.repository,
    url: `http://127.0.0.1:9/${project.repository}/releases/tag/v${version}`,
    artifacts: [
      { name, os: "linux", arch: "amd64", format: "tar.gz", binary: project.binary, ...archived, url: `http://127.0.0.1:9/${name}` },
    ],
  });
  return distDir;
}

/** Runs a command under /usr/bin/time -v: its stdout, wall seconds and peak RSS in MiB. */
async function measured(file: string, args: string[], env: NodeJS.ProcessEnv) {
  const { stdout, stderr } = await run("/usr/bin/time", ["-v", file, ...args], { env, maxBuffer: 1 << 24 });
  const rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  return { stdout, seconds, rssMiB: rssKiB / 1024 };
}

async function main(): Promise<void> {
  const mib = Number(process.env.BENCH_MIB ?? 1024);
  const root = await mkdtemp(join(tmpdir(), "ferry-bench-docker-"));
  const registry = await startDockerRegistry();
  try {
    console.log(`building a release with a ${mib} MiB binary…`);
    const distDir = await makeBigRelease(root, mib);
    const env = { ...process.env, ...registry.env };

    const ferry = await measured(process.execPath, ["--import", "tsx", import.meta.filename, "--push", distDir], env);
    const phases = JSON.parse(ferry.stdout.trim().split("\n").pop() ?? "{}") as { prepareMs: number; prepareRssMiB: number; publishMs: number; outDir: string };

    const skopeo = await measured(
      "skopeo",
      ["copy", "--all", "--preserve-digests", "--dest-tls-verify=false", `oci:${phases.outDir}:${version}`, `docker://${registry.host}/bench/skopeo:${version}`],
      env,
    );

    const fmt = (n: number) => n.toFixed(2);
    const publishSeconds = phases.publishMs / 1000;
    console.log(`binary: ${mib} MiB`);
    console.log(`ferry  process: ${fmt(ferry.seconds)} s wall, peak RSS ${fmt(ferry.rssMiB)} MiB`);
    console.log(`         prepare (tar + gzip + hash to disk): ${fmt(phases.prepareMs / 1000)} s, peak RSS so far ${fmt(phases.prepareRssMiB)} MiB`);
    console.log(`         publish (HEAD + streamed upload):    ${fmt(publishSeconds)} s`);
    console.log(`skopeo copy oci: → registry: ${fmt(skopeo.seconds)} s wall, peak RSS ${fmt(skopeo.rssMiB)} MiB`);
    console.log(`ratio ferry publish / skopeo copy, wall: ${fmt(publishSeconds / skopeo.seconds)}`);
    console.log(`ratio ferry / skopeo, peak RSS:          ${fmt(ferry.rssMiB / skopeo.rssMiB)}`);
  } finally {
    await registry.stop();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--push") await push(process.argv[3]!);
else await main();
