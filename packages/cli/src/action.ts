import { randomUUID } from "node:crypto";
import { appendFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { formatReport, successful, type Report } from "@ferry/core";
import { execa } from "execa";

/**
 * The GitHub Action's step (action.yml): runs ferry with the action's inputs, keeps the JSON
 * report for the outputs while the log still shows the human report and the annotations.
 */
const bin = resolve(import.meta.dirname, "../bin/ferry.js");
const reporting = new Set(["release", "publish", "plan"]);

/** The registries that went out, and those that did not, as the action's outputs list them. */
function actionOutputs(report: Report): { published: string; failed: string } {
  const out = new Set(["published", "awaiting-review", "already-published"]);
  const published = report.targets.filter((t) => out.has(t.status)).map((t) => t.registry);
  const failed = report.targets.filter((t) => !successful.has(t.status)).map((t) => t.registry);
  if (report.release.status === "failed") failed.unshift("github-release");
  return { published: published.join(","), failed: failed.join(",") };
}

/** ferry's arguments from the inputs (INPUT_* variables) and the word-split `args` input. */
function ferryArgs(env: NodeJS.ProcessEnv, extra: string[]): string[] {
  const command = env.INPUT_COMMAND?.trim() || "release";
  const args = [command];
  const value = (name: string) => env[`INPUT_${name}`]?.trim() || undefined;
  for (const [input, flag] of [
    ["ONLY", "--only"],
    ["SKIP", "--skip"],
    ["CONFIG", "--config"],
    ["TAG", "--tag"],
  ] as const) {
    const given = value(input);
    if (given) args.push(flag, given);
  }
  if (value("DRY_RUN") === "true") args.push("--dry-run");
  args.push(...extra);
  if (reporting.has(command)) args.push("--json");
  return args;
}

/** Runs ferry for the action and writes the step's outputs; resolves to ferry's exit code. */
export async function runAction(): Promise<number> {
  const env = { ...process.env };
  // A token the caller set on the step wins over the action's github-token input.
  if (!env.GITHUB_TOKEN && env.INPUT_GITHUB_TOKEN) env.GITHUB_TOKEN = env.INPUT_GITHUB_TOKEN;
  delete env.INPUT_GITHUB_TOKEN;
  const args = ferryArgs(env, process.argv.slice(2));
  const json = args.includes("--json");

  const run = await execa("node", [bin, ...args], {
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
