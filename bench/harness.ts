import { execFile } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One timed run: wall seconds, CPU seconds (user+sys) and, for a child process, its peak RSS. */
export interface Measurement {
  seconds: number;
  cpuSeconds: number;
  rssMiB?: number;
}

/** What is measured on one side of a figure: ferry, or the peer it is held against. */
export interface Side {
  label: string;
  run(round: number): Promise<Measurement>;
}

/**
 * One row of the table: ferry against its peer (a ratio, ferry/peer) or against an absolute limit
 * (a peer-less figure: ferry's median against `goal`, in seconds or MiB).
 */
export interface Figure {
  title: string;
  ferry: Side;
  peer?: Side;
  /** What is compared. @default "seconds" */
  metric?: "seconds" | "cpuSeconds" | "rssMiB";
  /** The ratio ferry/peer (or the absolute value without a peer) must not exceed this; without one the row only informs. */
  goal?: number;
}

export interface Size {
  /** Tiny inputs and one round: a check that the benchmark runs, not a measurement. */
  smoke: boolean;
  /** MiB of the large binaries (hashing, archiving, Docker, uploads). */
  mib: number;
  rounds: number;
}

/** A benchmark sets up its inputs and servers once, then yields figures to run round after round. */
export interface Benchmark {
  name: string;
  setup(size: Size): Promise<{ figures: Figure[]; stop(): Promise<void> }>;
}

/** Times work done in this process (no start-up, no RSS: the process holds the harness too). */
export async function inProcess(work: () => Promise<unknown>): Promise<Measurement> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Runs a command under GNU time: its wall and CPU seconds, peak RSS, and stdout. Fails when the command fails. */
export async function command(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; shell?: boolean } = {},
): Promise<Measurement & { stdout: string }> {
  const [bin, argv] = options.shell ? ["sh", ["-c", [file, ...args].join(" ")]] : [file, args];
  const { stdout, stderr } = await run("/usr/bin/time", ["-f", "@bench %e %U %S %M", bin, ...argv], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    maxBuffer: 1 << 26,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${file} ${args.join(" ")} failed: ${String(error.stderr ?? error.message).slice(-2000)}${error.stdout ?? ""}`);
  });
  const line = stderr
    .trim()
    .split("\n")
    .findLast((l) => l.startsWith("@bench "));
  const [wall, user, sys, rssKiB] = (line ?? "").split(" ").slice(1).map(Number);
  if (wall === undefined || user === undefined || sys === undefined || rssKiB === undefined) throw new Error(`no timing from ${file}`);
  return { stdout, seconds: wall, cpuSeconds: user + sys, rssMiB: rssKiB / 1024 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Row {
  figure: Figure;
  ferry: number[];
  peer: number[];
}

/**
 * Runs the benchmarks: each figure's two sides alternate within a round (ferry first in odd rounds,
 * the peer first in even ones), rounds repeat, and the table shows min and median of each side,
 * the ratio of the medians, the goal, and the machine's load before and after.
 */
export async function runSuite(benchmarks: Benchmark[], size: Size, log: (line: string) => void): Promise<boolean> {
  const before = loadavg();
  const rows: Row[] = [];
  let failed = false;
  for (const benchmark of benchmarks) {
    log(`${benchmark.name}: setting up`);
    let setup: Awaited<ReturnType<Benchmark["setup"]>>;
    try {
      setup = await benchmark.setup(size);
    } catch (error) {
      log(`${benchmark.name}: setup failed: ${String((error as Error).stack ?? error)}`);
      failed = true;
      continue;
    }
    try {
      const own = setup.figures.map((figure): Row => ({ figure, ferry: [], peer: [] }));
      for (let round = 0; round < size.rounds; round++) {
        for (const row of own) {
          const metric = row.figure.metric ?? "seconds";
          const sides: Array<[Side, number[]]> = [[row.figure.ferry, row.ferry]];
          if (row.figure.peer) sides.push([row.figure.peer, row.peer]);
          if (round % 2) sides.reverse();
          for (const [side, values] of sides) {
            const measured = await side.run(round);
            const value = measured[metric];
            if (value === undefined) throw new Error(`${side.label} measured no ${metric}`);
            values.push(value);
            log(`${benchmark.name}: round ${round + 1}: ${side.label}: ${format(value, metric)}`);
          }
        }
      }
      rows.push(...own);
    } catch (error) {
      log(`${benchmark.name}: failed: ${String((error as Error).stack ?? error)}`);
      failed = true;
    } finally {
      await setup.stop();
    }
  }
  log("");
  log(table(rows, size, before));
  return !failed;
}

const unit = { seconds: "s", cpuSeconds: "s CPU", rssMiB: "MiB" } as const;
const format = (value: number, metric: keyof typeof unit) => `${value.toFixed(metric === "rssMiB" ? 0 : 2)} ${unit[metric]}`;

function table(rows: Row[], size: Size, before: number[]): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  const lines = [`| figure | ferry min / median | peer min / median | ratio | goal | met |`, `|---|---|---|---|---|---|`];
  for (const { figure, ferry, peer } of rows) {
    const metric = figure.metric ?? "seconds";
    const side = (xs: number[]) => `${format(Math.min(...xs), metric)} / ${format(median(xs), metric)}`;
    const value = figure.peer ? median(ferry) / median(peer) : median(ferry);
    const shown = figure.peer ? `${value.toFixed(2)}×` : format(value, metric);
    const goal = figure.goal === undefined ? "—" : figure.peer ? `≤ ${figure.goal}×` : `≤ ${format(figure.goal, metric)}`;
    const met = figure.goal === undefined ? "(informs)" : value <= figure.goal ? "yes" : "no";
    const peerCell = figure.peer ? `${figure.peer.label}: ${side(peer)}` : figure.goal === undefined ? "—" : "(a limit)";
    lines.push(`| ${figure.title} | ${side(ferry)} | ${peerCell} | ${shown} | ${goal} | ${met} |`);
  }
  lines.push(
    "",
    `${size.smoke ? "smoke (tiny inputs, not a measurement)" : `${size.rounds} rounds, large inputs ${size.mib} MiB`}; ` +
      `${cpus().length} cores; load average (1, 5, 15 min) before ${load(before)}, after ${load(loadavg())}`,
  );
  return lines.join("\n");
}
