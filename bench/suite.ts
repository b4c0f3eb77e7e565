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
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { command, runSuite, type Benchmark, type Size } from "./harness.ts";
import { tools } from "./tools.ts";

const root = resolve(import.meta.dirname, "..");
// The installed bundle when built (`pnpm build`; bench/startup.ts measures it alone), else the sources through tsx.
const bundle = resolve(root, "build/ferry/ferry.js");
const ferryBin = existsSync(bundle) ? bundle : resolve(root, "packages/cli/bin/ferry.js");

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

const benchmarks = [startup, ...tools];
const args = process.argv.slice(2);
const smoke = args.includes("--smoke") || process.env.FERRY_BENCH_SMOKE === "1";
const wanted = args.filter((a) => !a.startsWith("--"));
const size: Size = smoke
  ? { smoke, mib: 4, rounds: 1 }
  : { smoke, mib: Number(process.env.BENCH_MIB ?? 1024), rounds: Number(process.env.BENCH_ROUNDS ?? 5) };
const selected = benchmarks.filter((b) => !wanted.length || wanted.includes(b.name));
const ok = await runSuite(selected, size, (line) => console.log(line));
process.exitCode = ok ? 0 : 1;
