/**
 * Cold start of the installed bundle: `ferry --version` against `node -e 0`, alternated so that
 * both see the same machine, repeated, with the minimum and the median of each and their ratio.
 * Usage: tsx bench/startup.ts [path/to/ferry.js] [rounds]  (default: build/ferry/ferry.js, 20)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const ferry = resolve(process.argv[2] ?? resolve(import.meta.dirname, "../build/ferry/ferry.js"));
const rounds = Number(process.argv[3] ?? 20);
if (!existsSync(ferry)) {
  console.error(`${ferry} does not exist; run \`pnpm build\` first, or pass the path of an installed ferry.js`);
  process.exit(2);
}

function milliseconds(args: string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { stdio: "ignore" });
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const node: number[] = [];
const version: number[] = [];
for (let i = 0; i < rounds; i++) {
  node.push(milliseconds(["-e", "0"]));
  version.push(milliseconds([ferry, "--version"]));
}

const min = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (label: string, xs: number[]) => `${label.padEnd(18)}${min(xs).toFixed(1).padStart(8)}${median(xs).toFixed(1).padStart(10)}`;
console.log(`${rounds} rounds, alternated, Node ${process.version}`);
console.log(`${"".padEnd(18)}${"min ms".padStart(8)}${"median ms".padStart(10)}`);
console.log(row("node -e 0", node));
console.log(row("ferry --version", version));
console.log(`ratio: ${(min(version) / min(node)).toFixed(2)}× (min), ${(median(version) / median(node)).toFixed(2)}× (median)`);
