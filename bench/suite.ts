/**
 * ferry's benchmark suite: each figure as a ratio against its peer (or an absolute limit), both
 * sides alternated and repeated in one run, then a table with min/median and the machine's load.
 *
 *   pnpm bench                 # large inputs (BENCH_MIB, default 1024), BENCH_ROUNDS rounds (default 5)
 *   pnpm bench --smoke         # tiny inputs, one round (also FERRY_BENCH_SMOKE=1): checks that each runs
 *   pnpm bench hash startup    # only these benchmarks (startup build spokes hub hash archive)
 *
 * Exits 1 when a benchmark fails to run; a goal not met is reported in the table, not an error.
 */
import { flow } from "./flow.ts";
import { runSuite, type Size } from "./harness.ts";
import { tools } from "./tools.ts";

const benchmarks = [...flow, ...tools];
const args = process.argv.slice(2);
const smoke = args.includes("--smoke") || process.env.FERRY_BENCH_SMOKE === "1";
const wanted = args.filter((a) => !a.startsWith("--"));
const size: Size = smoke
  ? { smoke, mib: 4, rounds: 1 }
  : { smoke, mib: Number(process.env.BENCH_MIB ?? 1024), rounds: Number(process.env.BENCH_ROUNDS ?? 5) };
const selected = benchmarks.filter((b) => !wanted.length || wanted.includes(b.name));
const ok = await runSuite(selected, size, (line) => console.log(line));
process.exitCode = ok ? 0 : 1;
