/**
 * ferry's side of the benchmarks against the tools (bench/tools.ts), each run in a process of its
 * own from a bundle for plain node, as ferry ships: its peak RSS is ferry's, not a TypeScript
 * loader's. Prints the work's own wall and CPU seconds as JSON (start-up is the `startup` figure's).
 *
 *   node work.mjs hash <file>
 *   node work.mjs archive <dir> <name> <out.tar.gz>
 */
import { hashFile, writeArchive } from "../packages/core/src/archive.ts";

const jobs: Record<string, (args: string[]) => Promise<unknown>> = {
  hash: ([file]) => hashFile(file!),
  archive: ([dir, name, out]) => writeArchive("tar.gz", dir!, [name!], out!),
};

const [name, ...args] = process.argv.slice(2);
const job = jobs[name ?? ""];
if (!job) throw new Error(`usage: work.mjs ${Object.keys(jobs).join("|")} <args>`);
const cpu = process.cpuUsage();
const started = performance.now();
await job(args);
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }));
