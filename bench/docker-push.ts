/**
 * Pushes a 1 GiB binary as an image into a local docker-registry, with ferry and with skopeo
 * (copying the very same OCI layout ferry wrote), and prints wall time and peak RSS of each.
 *
 *   npx tsx bench/docker-push.ts            # 1 GiB
 *   BENCH_MIB=256 npx tsx bench/docker-push.ts
 *
 * ferry's prepare (build the layer and the OCI layout) and publish (the push) run in two child
 * processes, then skopeo copies that same layout into the registry; each runs under
 * /usr/bin/time -v, whose "Maximum resident set size" is its peak RSS. The push is compared
 * with skopeo's; prepare has no peer here (skopeo does not build images). A third child only
 * starts and loads ferry, to show how much of the RSS is the runtime itself (Node, tsx, imports).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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

/** The adapter's context for the bench release, pointed at FERRY_DOCKER_REGISTRY. */
async function context(distDir: string) {
  return createContext({
    registry: "docker",
    options: docker.options.parse({ image: "bench/ferry" }),
    project,
    version: parseVersion(`v${version}`),
    manifest: await readManifest(join(distDir, "manifest.json")),
    distDir,
  });
}

// Buffers survive the hand-over between the two child processes as base64.
const replacer = (_key: string, value: unknown) =>
  value && typeof value === "object" && (value as { type?: string }).type === "Buffer"
    ? { base64: Buffer.from((value as { data: number[] }).data).toString("base64") }
    : value;
const reviver = (_key: string, value: unknown) =>
  value && typeof value === "object" && "base64" in value ? Buffer.from((value as { base64: string }).base64, "base64") : value;

/** Child 1: prepare (extract the binary, build the layer, write the OCI layout); saves what publish needs. */
async function prepare(distDir: string): Promise<void> {
  const ctx = await context(distDir);
  const prepared = await docker.prepare(ctx);
  await writeFile(join(distDir, "prepared.json"), JSON.stringify(prepared, replacer));
  process.stdout.write(`${ctx.outDir}\n`);
}

/** Child 2: publish what child 1 prepared: HEAD each blob, stream the missing ones, put manifests and tags. */
async function publish(distDir: string): Promise<void> {
  const ctx = await context(distDir);
  const prepared = JSON.parse(await readFile(join(distDir, "prepared.json"), "utf8"), reviver) as Awaited<
    ReturnType<typeof docker.prepare>
  >;
  await docker.publish(ctx, prepared);
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

    const baseline = await measured(process.execPath, ["--import", "tsx", import.meta.filename, "--baseline", distDir], env);
    const prepared = await measured(process.execPath, ["--import", "tsx", import.meta.filename, "--prepare", distDir], env);
    const outDir = prepared.stdout.trim().split("\n").pop()!;
    const pushed = await measured(process.execPath, ["--import", "tsx", import.meta.filename, "--publish", distDir], env);
    const skopeo = await measured(
      "skopeo",
      [
        "copy",
        "--all",
        "--preserve-digests",
        "--dest-tls-verify=false",
        `oci:${outDir}:${version}`,
        `docker://${registry.host}/bench/skopeo:${version}`,
      ],
      env,
    );

    const fmt = (n: number) => n.toFixed(2);
    const line = (label: string, m: { seconds: number; rssMiB: number }) =>
      console.log(`${label.padEnd(44)} ${fmt(m.seconds).padStart(8)} s wall   peak RSS ${fmt(m.rssMiB).padStart(8)} MiB`);
    console.log(`binary: ${mib} MiB`);
    line("ferry baseline (start, imports, no work)", baseline);
    line("ferry prepare (extract, tar+gzip+hash)", prepared);
    line("ferry publish (HEAD, streamed PUT, tags)", pushed);
    line("skopeo copy oci: → registry (the peer)", skopeo);
    console.log(
      `ratio ferry publish / skopeo copy: wall ${fmt(pushed.seconds / skopeo.seconds)}, peak RSS ${fmt(pushed.rssMiB / skopeo.rssMiB)}`,
    );
  } finally {
    await registry.stop();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--baseline") await context(process.argv[3]!);
else if (process.argv[2] === "--prepare") await prepare(process.argv[3]!);
else if (process.argv[2] === "--publish") await publish(process.argv[3]!);
else await main();
