import { randomUUID } from "node:crypto";
import { appendFile, readdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { formatReport, successful, type Report } from "@ferry/core";
import { execa } from "execa";

/**
 * The GitHub Action's step (action.yml): runs ferry with the action's inputs, keeps the JSON
 * report for the outputs while the log still shows the human report and the annotations.
 */
const reporting = new Set(["release", "publish", "plan"]);

/** The registries that went out, and those that did not, as the action's outputs list them. */
function actionOutputs(report: Report): { published: string; failed: string } {
  const out = new Set(["published+verified", "awaiting-review", "already-published"]);
  const published = report.targets.filter((t) => out.has(t.status)).map((t) => t.registry);
  const failed = report.targets.filter((t) => !successful.has(t.status)).map((t) => t.registry);
  if (report.release.status === "failed") failed.unshift("github-release");
  return { published: published.join(","), failed: failed.join(",") };
}

/**
 * ferry's arguments from the inputs (the runner passes `dry-run` as INPUT_DRY-RUN) and the `args`
 * input, split into words, with `*` and `?` in a word's last segment matched against the files
 * in `cwd`, as a shell would (`--merge dist-*`).
 */
async function ferryArgs(env: NodeJS.ProcessEnv, cwd: string): Promise<string[]> {
  const value = (name: string) => env[`INPUT_${name}`]?.trim() || undefined;
  const command = value("COMMAND") ?? "release";
  const args = [command];
  for (const [input, flag] of [
    ["ONLY", "--only"],
    ["SKIP", "--skip"],
    ["CONFIG", "--config"],
    ["TAG", "--tag"],
  ] as const) {
    const given = value(input);
    if (given) args.push(flag, given);
  }
  if (value("DRY-RUN") === "true") args.push("--dry-run");
  for (const word of value("ARGS")?.split(/\s+/) ?? []) args.push(...(await expand(word, cwd)));
  if (reporting.has(command)) args.push("--json");
  return args;
}

async function expand(word: string, cwd: string): Promise<string[]> {
  const dir = dirname(word);
  const pattern = basename(word);
  if (!/[*?]/.test(pattern) || /[*?]/.test(dir)) return [word];
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  const names = await readdir(resolve(cwd, dir)).catch(() => []);
  const matches = names.filter((n) => regex.test(n) && !n.startsWith(".")).sort();
  return matches.length ? matches.map((n) => (dir === "." && !word.startsWith("./") ? n : join(dir, n))) : [word];
}

/**
 * Runs ferry (the script `bin`, with the Node that runs the action) for the action and writes the
 * step's outputs; resolves to ferry's exit code.
 */
export async function runAction(bin: string): Promise<number> {
  const env = { ...process.env };
  // A token the caller set on the step wins over the action's github-token input.
  if (!env.GITHUB_TOKEN && env["INPUT_GITHUB-TOKEN"]) env.GITHUB_TOKEN = env["INPUT_GITHUB-TOKEN"];
  delete env["INPUT_GITHUB-TOKEN"];
  const cwd = resolve(env["INPUT_WORKING-DIRECTORY"]?.trim() || ".");
  const args = await ferryArgs(env, cwd);
  const json = args.includes("--json");

  const run = await execa(process.execPath, [bin, ...args], {
    cwd,
    env,
    stdin: "ignore",
    stdout: json ? "pipe" : "inherit",
    stderr: "inherit",
    reject: false,
  });
  const code = run.exitCode ?? 1;
  if (!json) return code;

  // stdout is the JSON report, then (on GitHub Actions) one ::error line per failure.
  const lines = String(run.stdout).split("\n");
  const annotations = lines.filter((l) => l.startsWith("::"));
  const text = lines.filter((l) => !l.startsWith("::")).join("\n");
  let report: Report | undefined;
  try {
    report = text.trim() ? (JSON.parse(text) as Report) : undefined;
  } catch {
    process.stdout.write(text);
  }
  if (report) {
    process.stdout.write(formatReport(report));
    const file = join(env.RUNNER_TEMP ?? process.cwd(), "ferry-report.json");
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    if (env.GITHUB_OUTPUT) {
      const { published, failed } = actionOutputs(report);
      const delimiter = `ferry_${randomUUID()}`;
      await appendFile(
        env.GITHUB_OUTPUT,
        `report<<${delimiter}\n${JSON.stringify(report)}\n${delimiter}\npublished=${published}\nfailed=${failed}\nreport-file=${file}\n`,
      );
    }
  }
  for (const line of annotations) process.stdout.write(`${line}\n`);
  return code;
}
