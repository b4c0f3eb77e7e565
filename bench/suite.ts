/**
 * ferry's benchmark suite: each figure as a ratio against its peer (or an absolute limit), both
 * sides alternated and repeated in one run, then a table with min/median and the machine's load.
 *
 *   pnpm bench                 # large inputs (BENCH_MIB, default 1024), BENCH_ROUNDS rounds (default 5)
 *   pnpm bench --smoke         # tiny inputs, one round (also FERRY_BENCH_SMOKE=1): checks that each runs
 *   pnpm bench hash startup    # only these benchmarks
 *
 * Exits 1 when a benchmark fails to run; a goal not met is reported in the table, not an error.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hashFile, writeArchive } from "../packages/core/src/index.ts";
import { command, inProcess, runSuite, type Benchmark, type Size } from "./harness.ts";

const root = resolve(import.meta.dirname, "..");
// The installed bundle when built (`pnpm build`; bench/startup.ts measures it alone), else the sources through tsx.
const bundle = resolve(root, "build/ferry/ferry.js");
const ferryBin = existsSync(bundle) ? bundle : resolve(root, "packages/cli/bin/ferry.js");

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

const hash: Benchmark = {
  name: "hash",
  async setup(size) {
    const { dir, file } = await bigBinary(size.mib);
    return {
      figures: [
        {
          title: `hashFile of ${size.mib} MiB / \`openssl dgst -sha256\` (goal: ≥ 0.8× openssl's speed)`,
          ferry: { label: "hashFile", run: () => inProcess(() => hashFile(file)) },
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
    const { dir } = await bigBinary(size.mib);
    const out = join(dir, "out");
    await mkdir(out);
    return {
      figures: [
        {
          title: `tar.gz archive of a ${size.mib} MiB binary (writeArchive) / \`tar\` + \`gzip -6\``,
          ferry: { label: "writeArchive", run: () => inProcess(() => writeArchive("tar.gz", dir, ["big"], join(out, "ferry.tar.gz"))) },
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

const benchmarks = [startup, hash, archive];
const args = process.argv.slice(2);
const smoke = args.includes("--smoke") || process.env.FERRY_BENCH_SMOKE === "1";
const wanted = args.filter((a) => !a.startsWith("--"));
const size: Size = smoke
  ? { smoke, mib: 4, rounds: 1 }
  : { smoke, mib: Number(process.env.BENCH_MIB ?? 1024), rounds: Number(process.env.BENCH_ROUNDS ?? 5) };
const selected = benchmarks.filter((b) => !wanted.length || wanted.includes(b.name));
const ok = await runSuite(selected, size, (line) => console.log(line));
process.exitCode = ok ? 0 : 1;
