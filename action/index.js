import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  execa,
  formatReport,
  successful
} from "./chunks/chunk-2ACCOJG5.js";
import "./chunks/chunk-PBYZL6WR.js";
import "./chunks/chunk-BHGG6FRM.js";

// packages/cli/src/action-main.ts
import { fileURLToPath } from "node:url";

// packages/cli/src/action.ts
import { randomUUID } from "node:crypto";
import { appendFile, readdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
var reporting = /* @__PURE__ */ new Set(["release", "publish", "plan"]);
function actionOutputs(report) {
  const out = /* @__PURE__ */ new Set(["published+verified", "awaiting-review", "already-published"]);
  const published = report.targets.filter((t) => out.has(t.status)).map((t) => t.registry);
  const failed = report.targets.filter((t) => !successful.has(t.status)).map((t) => t.registry);
  if (report.release.status === "failed") failed.unshift("github-release");
  return { published: published.join(","), failed: failed.join(",") };
}
async function ferryArgs(env, cwd) {
  const value = (name) => env[`INPUT_${name}`]?.trim() || void 0;
  const command = value("COMMAND") ?? "release";
  const args = [command];
  for (const [input, flag] of [
    ["ONLY", "--only"],
    ["SKIP", "--skip"],
    ["CONFIG", "--config"],
    ["TAG", "--tag"]
  ]) {
    const given = value(input);
    if (given) args.push(flag, given);
  }
  if (value("DRY-RUN") === "true") args.push("--dry-run");
  for (const word of value("ARGS")?.split(/\s+/) ?? []) args.push(...await expand(word, cwd));
  if (reporting.has(command)) args.push("--json");
  return args;
}
async function expand(word, cwd) {
  const dir = dirname(word);
  const pattern = basename(word);
  if (!/[*?]/.test(pattern) || /[*?]/.test(dir)) return [word];
  const regex = new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`
  );
  const names = await readdir(resolve(cwd, dir)).catch(() => []);
  const matches = names.filter((n) => regex.test(n) && !n.startsWith(".")).sort();
  return matches.length ? matches.map((n) => dir === "." && !word.startsWith("./") ? n : join(dir, n)) : [word];
}
async function runAction(bin) {
  const env = { ...process.env };
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
    reject: false
  });
  const code = run.exitCode ?? 1;
  if (!json) return code;
  const lines = String(run.stdout).split("\n");
  const annotations = lines.filter((l) => l.startsWith("::"));
  const text = lines.filter((l) => !l.startsWith("::")).join("\n");
  let report;
  try {
    report = text.trim() ? JSON.parse(text) : void 0;
  } catch {
    process.stdout.write(text);
  }
  if (report) {
    process.stdout.write(formatReport(report));
    const file = join(env.RUNNER_TEMP ?? process.cwd(), "ferry-report.json");
    await writeFile(file, `${JSON.stringify(report, null, 2)}
`);
    if (env.GITHUB_OUTPUT) {
      const { published, failed } = actionOutputs(report);
      const delimiter = `ferry_${randomUUID()}`;
      await appendFile(
        env.GITHUB_OUTPUT,
        `report<<${delimiter}
${JSON.stringify(report)}
${delimiter}
published=${published}
failed=${failed}
report-file=${file}
`
      );
    }
  }
  for (const line of annotations) process.stdout.write(`${line}
`);
  return code;
}

// packages/cli/src/action-main.ts
process.exit(await runAction(fileURLToPath(new URL("./ferry.js", import.meta.url))));
