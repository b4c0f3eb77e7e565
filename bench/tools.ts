/**
 * ferry's work held against the tools that do the same job: hashing against `openssl dgst`,
 * archives against `tar | gzip`. ferry's side runs in a process of its own (bench/work.ts,
 * bundled for plain node at setup), like the tool it is compared with.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { command, type Benchmark, type Measurement } from "./harness.ts";

/** A binary of `mib` MiB (one random 1 MiB block, repeated), executable, in a fresh temp dir. */
async function bigBinary(mib: number): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-bench-"));
  const file = join(dir, "big");
  const block = randomBytes(1 << 20);
  const out = createWriteStream(file);
  for (let i = 0; i < mib; i++) {
    if (!out.write(block)) await new Promise<void>((done) => out.once("drain", () => done()));
  }
  await new Promise<void>((done, fail) => out.end((error?: Error) => (error ? fail(error) : done())));
  await chmod(file, 0o755);
  return { dir, file };
}

/** bench/work.ts bundled into `dir` for plain node, as scripts/build.ts bundles ferry. */
async function bundleWork(dir: string): Promise<string> {
  const outfile = join(dir, "work.mjs");
  await build({
    entryPoints: [join(import.meta.dirname, "work.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    banner: {
      js: 'import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;',
    },
    external: ["xmlbuilder2", "libxmljs2"],
    logLevel: "warning",
  });
  return outfile;
}

/** One job of bench/work.ts: the seconds it timed itself and the peak RSS of its whole process. */
async function work(bundle: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Measurement> {
  const { stdout, rssMiB } = await command(process.execPath, [bundle, ...args], { env });
  const timed = JSON.parse(stdout.trim().split("\n").pop()!) as Measurement;
  return { seconds: timed.seconds, cpuSeconds: timed.cpuSeconds, rssMiB };
}

/** A large binary and the bundle of ferry's side, set up once for the benchmarks that share them. */
async function setupBig(mib: number): Promise<{ dir: string; file: string; bundle: string }> {
  const big = await bigBinary(mib);
  return { ...big, bundle: await bundleWork(big.dir) };
}

const hash: Benchmark = {
  name: "hash",
  async setup(size) {
    const { dir, file, bundle } = await setupBig(size.mib);
    return {
      figures: [
        {
          title: `hashFile of ${size.mib} MiB / \`openssl dgst -sha256\` (goal: ≥ 0.8× openssl's speed)`,
          ferry: { label: "hashFile", run: () => work(bundle, ["hash", file]) },
          peer: { label: "openssl dgst -sha256", run: () => command("openssl", ["dgst", "-sha256", file]) },
          goal: 1.25,
        },
      ],
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

const archive: Benchmark = {
  name: "archive",
  async setup(size) {
    const { dir, bundle } = await setupBig(size.mib);
    const out = join(dir, "out");
    await mkdir(out);
    return {
      figures: [
        {
          title: `tar.gz archive of a ${size.mib} MiB binary (writeArchive) / \`tar\` + \`gzip -6\``,
          ferry: { label: "writeArchive", run: () => work(bundle, ["archive", dir, "big", join(out, "ferry.tar.gz")]) },
          peer: {
            label: "tar + gzip -6",
            run: () => command(`tar -C ${dir} -cf - big | gzip -6 > ${join(out, "peer.tar.gz")}`, [], { shell: true }),
          },
          goal: 1.2,
        },
      ],
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

export const tools: Benchmark[] = [hash, archive];
