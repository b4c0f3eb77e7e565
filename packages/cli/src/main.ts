import { setMaxListeners } from "node:events";
import { readFile, stat } from "node:fs/promises";
import { appendFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  asFerryError,
  configJsonSchema,
  createGitHub,
  existingRelease,
  exitCodeOf,
  FerryError,
  findConfig,
  formatAnnotations,
  formatJson,
  formatReport,
  formatStepSummary,
  githubApi,
  loadConfig,
  redact,
  linuxPackageDetails,
  releaseText,
  rememberEnvironmentSecrets,
  reportJsonSchema,
  runHub,
  runSpokes,
  secret,
  targetName,
  validateRun,
  webBase,
  mergeBuilds,
  type Config,
  type PackageDetails,
  type ReleaseManifest,
  type ReleaseText,
  type Report,
  type Spoke,
  type Target,
  removeStaleTempDirs,
} from "@ferry/core";
import { doctor } from "./doctor.ts";
import { init } from "./init.ts";
import { liveProgress, plainProgress } from "./progress.ts";
import { loadRegistry, registryNames } from "./registries.ts";
import { startSandbox } from "./sandbox.ts";
import { parseCommandLine, unknownCommand } from "./usage.ts";
import { resolveVersion } from "./version.ts";

const options = {
  config: { type: "string", short: "c" },
  tag: { type: "string" },
  only: { type: "string" },
  skip: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  concurrency: { type: "string" },
  sandbox: { type: "boolean" },
  dist: { type: "string" },
  "verify-timeout": { type: "string" },
  target: { type: "string", multiple: true },
  merge: { type: "boolean" },
  "allow-missing": { type: "string", multiple: true },
} as const;

type Flags = ReturnType<typeof parseFlags>["values"];

function parseFlags(argv: string[]) {
  const command = argv.find((a) => !a.startsWith("-")) ?? "";
  return parseCommandLine(argv, options, command);
}

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(redact(text));

async function main(argv: string[]): Promise<number> {
  rememberEnvironmentSecrets();
  if (argv[0] === "init") return init(argv.slice(1)); // init has flags of its own
  const { values: flags, positionals } = parseFlags(argv);
  const [command, ...rest] = positionals;
  if (!command) throw new FerryError("UsageInvalid", { what: "No command was given.", fix: "Run `ferry --help` for the commands." });
  if (rest.length && !flags.merge && !(command === "schema" && rest.join() === "report"))
    throw new FerryError("UsageInvalid", { what: `Unexpected argument "${rest[0]}".`, fix: "Run `ferry --help`." });
  switch (command) {
    case "schema": {
      if (rest[0] === "report") {
        out(`${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
        return 0;
      }
      const adapters = await Promise.all(registryNames.map(async (n) => (await loadRegistry(n))!));
      out(`${JSON.stringify(configJsonSchema(adapters), null, 2)}\n`);
      return 0;
    }
    case "check": {
      const config = await readConfig(flags);
      const version = flags.tag === undefined ? undefined : await resolveVersion(flags.tag, config.project.dir, process.env);
      await validateRun({ config, spokes: await loadSpokes(selectSpokes(config, flags)), builds: true, version });
      out(
        `${config.path} is valid: ${config.build.targets.length} targets, registries: ${config.registries.map((r) => r.name).join(", ") || "none"}\n`,
      );
      return 0;
    }
    case "doctor": {
      const config = await readConfig(flags);
      const selected = selectSpokes(config, flags);
      await validateRun({ config, spokes: await loadSpokes(selected), builds: false });
      const running = flags.sandbox ? await startSandbox(sandboxSetup(config, selected)) : undefined;
      try {
        return await doctor({ config, selected, env: { ...process.env, ...running?.env }, json: Boolean(flags.json), write: out });
      } finally {
        await running?.stop();
      }
    }
    case "sandbox":
      return sandbox(flags);
    case "build":
    case "release":
    case "publish":
    case "plan":
      return run(command, flags, rest);
    default:
      throw unknownCommand(command);
  }
}

async function readConfig(flags: Flags): Promise<Config> {
  const path = flags.config ? resolve(flags.config) : await findConfig(process.cwd());
  return loadConfig(path, registryNames, loadRegistry);
}

function selectSpokes(config: Config, flags: Flags): Config["registries"] {
  const list = (flag: "only" | "skip") => {
    const value = flags[flag];
    if (value === undefined) return undefined;
    const names = value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (!names.length) {
      throw new FerryError("UsageInvalid", {
        what: `--${flag} ${JSON.stringify(value)} names no registry.`,
        fix: `Give registry names separated by commas, e.g. --${flag} npm,pypi, or leave --${flag} out.`,
      });
    }
    return names;
  };
  const only = list("only");
  const skip = list("skip") ?? [];
  const configured = config.registries.map((r) => r.name);
  for (const name of [...(only ?? []), ...skip]) {
    if (!configured.includes(name)) {
      throw new FerryError("UsageInvalid", {
        what: `"${name}" is not a registry in ${config.path}.`,
        fix: `Choose from: ${configured.join(", ") || "(none configured)"}.`,
      });
    }
  }
  return config.registries.filter((r) => (!only || only.includes(r.name)) && !skip.includes(r.name));
}

async function loadSpokes(selected: Config["registries"]): Promise<Spoke[]> {
  const spokes: Spoke[] = [];
  for (const entry of selected) spokes.push({ adapter: (await loadRegistry(entry.name))!, options: entry.options, common: entry.common });
  return spokes;
}

function positiveNumber(value: string | undefined, flag: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new FerryError("UsageInvalid", {
      what: `--${flag} must be a positive ${integer ? "whole number (1 or more)" : "number"}, not "${value}".`,
    });
  }
  return n;
}

/** --target os/arch (repeatable): a split build's share, checked against the configured targets. */
function selectTargets(config: Config, flags: Flags, flag: "target" | "allow-missing" = "target"): Target[] | undefined {
  if (!flags[flag]) return undefined;
  return flags[flag].map((wanted) => {
    const found = config.build.targets.find((t) => targetName(t) === wanted);
    if (!found) {
      throw new FerryError("UsageInvalid", {
        what: `--${flag} ${wanted} is not one of the build targets in ${config.path}.`,
        fix: `Choose from: ${config.build.targets.map(targetName).join(", ")}.`,
      });
    }
    return found;
  });
}

async function run(command: "build" | "release" | "publish" | "plan", flags: Flags, mergeDirs: string[]): Promise<number> {
  const concurrency = positiveNumber(flags.concurrency, "concurrency", Infinity, true);
  const verifyTimeoutMs = positiveNumber(flags["verify-timeout"], "verify-timeout", 300) * 1000;
  const config = await readConfig(flags);
  const targets = selectTargets(config, flags);
  if (flags["allow-missing"] && !flags.merge) {
    throw new FerryError("UsageInvalid", {
      what: "--allow-missing goes with --merge.",
      fix: "Run `ferry release --merge <dirs…> --allow-missing <os/arch>`.",
    });
  }
  if (flags.merge && command !== "release" && command !== "plan") {
    throw new FerryError("UsageInvalid", {
      what: "--merge goes with `ferry release` (or `ferry plan`).",
      fix: "Run `ferry release --merge <dirs…>`.",
    });
  }
  const selected = command === "build" ? [] : selectSpokes(config, flags);
  const dryRun = command === "plan" || Boolean(flags["dry-run"]);
  const version = await resolveVersion(flags.tag, config.project.dir, process.env, config.release.tagPrefix);
  const distDir = flags.dist ? resolve(config.project.dir, flags.dist) : config.output;
  const spokes = await loadSpokes(selected);
  await validateRun({
    config,
    spokes,
    builds: command !== "publish" && !flags.merge,
    version,
    output: { dir: distDir, use: command === "publish" ? "read" : "build" },
  });
  // A split build is merged before anything else, so that bad partial builds stop the run with nothing published.
  const manifest = flags.merge
    ? await mergeBuilds(
        mergeDirs.map((d) => resolve(d)),
        distDir,
        version.tag,
        { targets: config.build.targets, allowMissing: selectTargets(config, flags, "allow-missing") ?? [] },
      )
    : undefined;

  let env: NodeJS.ProcessEnv = process.env;
  let stopSandbox = async () => {};
  if (flags.sandbox) {
    const sandbox = await startSandbox(sandboxSetup(config, selected));
    stopSandbox = sandbox.stop;
    env = { ...process.env, ...sandbox.env };
    rememberEnvironmentSecrets(env);
    if (sandbox.unsupported.length)
      err(`sandbox: no stand-in for ${sandbox.unsupported.join(", ")}; they run against their real endpoints\n`);
  }
  try {
    return await release(command, {
      config,
      dryRun,
      concurrency,
      verifyTimeoutMs,
      version,
      distDir,
      env,
      json: Boolean(flags.json),
      targets,
      manifest,
      spokes,
    });
  } finally {
    await stopSandbox();
  }
}

function sandboxSetup(config: Config, selected: Config["registries"]) {
  return {
    repository: config.project.repository,
    project: config.project.name,
    registries: selected.map((r) => r.name),
    options: Object.fromEntries(selected.map((r) => [r.name, r.options as Record<string, unknown>])),
  };
}

interface RunPlan {
  config: Config;
  dryRun: boolean;
  concurrency: number;
  verifyTimeoutMs: number;
  version: Awaited<ReturnType<typeof resolveVersion>>;
  distDir: string;
  env: NodeJS.ProcessEnv;
  json: boolean;
  targets: Target[] | undefined;
  manifest: ReleaseManifest | undefined;
  spokes: Spoke[];
}

async function release(command: "build" | "release" | "publish" | "plan", plan: RunPlan): Promise<number> {
  const { config, dryRun, version, distDir, env } = plan;
  const token = secret("GITHUB_TOKEN", env) ?? secret("GH_TOKEN", env);
  const needsGitHub = command === "publish" || (command === "release" && !dryRun);
  if (needsGitHub && !token) {
    throw new FerryError("SecretMissing", {
      what: "GITHUB_TOKEN is not set.",
      why: `ferry ${command} reads or writes the GitHub release.`,
      fix: "Set GITHUB_TOKEN (in Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` with `permissions: contents: write`).",
    });
  }
  const { spokes } = plan;
  // Keys, clones and scratch packages of a run that was killed (SIGKILL, a lost runner) go first.
  await removeStaleTempDirs();

  const interactive = process.stderr.isTTY && !env.CI && !plan.json;
  const progress = interactive
    ? liveProgress(
        process.stderr,
        spokes.map((s) => s.adapter.name),
      )
    : plainProgress(err);
  const log = (message: string) => progress.log("hub", message);
  const api = githubApi(env);
  const github = createGitHub({ token, api, log });
  const serverUrl = env.GITHUB_SERVER_URL || webBase(api);
  const hubInput = { config, version, distDir, github, log };
  // Rendered before anything is built or written, so that a bad template or changelog stops the run early.
  const text =
    command === "release" || command === "plan"
      ? await releaseText({ config, version, github: token ? github : undefined, log })
      : undefined;
  const hub =
    command === "publish"
      ? await existingRelease(hubInput)
      : runHub({
          ...hubInput,
          serverUrl,
          env,
          dryRun: dryRun || command === "build",
          targets: plan.targets,
          manifest: plan.manifest,
          text,
          signal: interruption.signal,
        });

  if (command === "build") {
    await hub.built;
    out(`built ${version.tag} into ${distDir}\n`);
    return 0;
  }

  const targets = await runSpokes({
    spokes,
    project: config.project,
    version,
    built: hub.built,
    released: hub.released,
    distDir,
    env,
    dryRun,
    provenance: config.sign.attestations !== "off",
    concurrency: plan.concurrency,
    verifyTimeoutMs: plan.verifyTimeoutMs,
    signal: interruption.signal,
    onPhase: progress.phase,
    onResult: progress.result,
    log: progress.log,
  });
  const stopped = new Promise<never>((_, reject) => {
    const stop = () => reject(new FerryError("Interrupted", { registry: "github", what: "Stopped by a signal before it finished." }));
    if (interruption.signal.aborted) stop();
    interruption.signal.addEventListener("abort", stop, { once: true });
  });
  // Bad input that only the build could see (a file missing mid-build) is still bad input: exit 2.
  let badInput = false;
  const releaseState = await Promise.race([hub.released, stopped]).then(
    (outcome): Report["release"] => outcome,
    (error: unknown): Report["release"] => {
      const failure = asFerryError(error, "github");
      badInput = failure.exitCode === 2;
      return { status: "failed", error: redact(failure.message) };
    },
  );
  progress.stop();
  const built = dryRun ? await hub.built.catch(() => undefined) : undefined;
  const packages = built ? await linuxPackageDetails({ config, version, distDir, manifest: built }) : [];
  const report: Report = {
    tag: version.tag,
    version: version.semver,
    dryRun,
    release: { ...releaseState, ...(packages.length ? { packages } : {}) },
    targets,
    exitCode: interruption.signal.aborted ? (interruption.signal.reason as number) : badInput ? 2 : exitCodeOf(releaseState, targets),
  };

  const preview = async () =>
    (await releasePreview(distDir, built, text, packages)) +
    (await shownFiles(
      distDir,
      targets.flatMap((t) => t.files),
    ));
  out(plan.json ? formatJson(report) : formatReport(report) + (dryRun ? await preview() : ""));
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, formatStepSummary(report));
  if (env.GITHUB_ACTIONS === "true") out(formatAnnotations(report));
  return report.exitCode;
}

/**
 * A dry run shows the release first: its title and notes, its archives and files with their
 * digests (and each Linux package's control data and files), checksums.txt and manifest.json.
 */
async function releasePreview(
  distDir: string,
  manifest: ReleaseManifest | undefined,
  text: ReleaseText | undefined,
  packages: PackageDetails[],
): Promise<string> {
  if (!manifest) return "";
  let shown = text ? `\n--- release ${manifest.tag}: ${text.name}\n${text.notes ? `${text.notes}\n` : "(no notes)\n"}` : "";
  for (const a of [...manifest.artifacts, ...(manifest.files ?? [])]) {
    shown += `\n--- ${a.name} (${a.size} bytes, sha256 ${a.sha256})\n`;
    const pkg = packages.find((p) => p.file === a.name);
    if (pkg) shown += packageText(pkg);
  }
  return redact(shown) + (await shownFiles(distDir, ["checksums.txt", "manifest.json"]));
}

/** A package's control data, then each file it installs with its mode and size. */
function packageText(p: PackageDetails): string {
  const list = (names: string[]) => names.join(", ") || "(none)";
  const width = Math.max(...p.files.map((f) => String(f.size).length));
  return [
    `package: ${p.name}`,
    `version: ${p.version}`,
    `architecture: ${p.arch}`,
    `maintainer: ${p.maintainer}`,
    `summary: ${p.summary}`,
    `depends: ${list(p.depends)}`,
    `conflicts: ${list(p.conflicts)}`,
    "files:",
    ...p.files.map((f) => `  ${f.mode} ${String(f.size).padStart(width)} ${f.path}`),
    "",
  ].join("\n");
}

/** Files in the output directory, as a dry run shows them: text files in full (up to 8 KiB), others by size. */
async function shownFiles(distDir: string, files: string[]): Promise<string> {
  let text = "";
  for (const file of files) {
    const path = join(distDir, file);
    const { size } = await stat(path);
    const bytes = size <= 8192 ? await readFile(path) : undefined;
    const printable = bytes && !bytes.includes(0);
    text += `\n--- ${file} (${size} bytes)\n${printable ? bytes.toString("utf8").replace(/\n?$/, "\n") : ""}`;
  }
  return redact(text);
}

async function sandbox(flags: Flags): Promise<number> {
  const config = flags.config
    ? await readConfig(flags)
    : await findConfig(process.cwd()).then(
        () => readConfig(flags),
        () => undefined,
      );
  const running = await startSandbox(
    config
      ? sandboxSetup(config, selectSpokes(config, flags))
      : { repository: "ferry-sandbox/hello", project: "hello", registries: registryNames },
  );
  // The sandbox's own tokens are printed on purpose: they are throwaway values that point ferry at it.
  for (const [name, value] of Object.entries(running.env)) out(`export ${name}=${JSON.stringify(value)}\n`);
  out("# sandbox running; press Ctrl-C to stop\n");
  await new Promise<void>((resolve) => process.once("SIGINT", resolve).once("SIGTERM", resolve));
  await running.stop();
  return 0;
}

/**
 * SIGINT and SIGTERM cancel the run through one signal: registries stop, their tools are killed,
 * keys and temporary clones are removed, and the report of what finished is printed; exit 130 or
 * 143. A second signal, or a run that does not stop within 20s, exits at once.
 */
const interruption = new AbortController();
// Every registry, request and child process of a run listens to it: more than Node's default of 10.
setMaxListeners(0, interruption.signal);

/** Listens for SIGINT and SIGTERM for the rest of the process (the `ferry` binary does, before its command runs). */
export function stopOnSignals(): void {
  for (const [name, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(name, () => {
      if (process.argv.includes("sandbox")) return;
      if (interruption.signal.aborted) process.exit(code);
      err(`${name}: stopping; what finished is reported below\n`);
      interruption.abort(code);
      setTimeout(() => process.exit(code), 20_000).unref();
    });
  }
}

/** Runs one command as the `ferry` binary does and gives its exit code; a failure is printed as its message, never a stack trace. */
export async function runCommand(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    const ferry = asFerryError(error);
    err(`${ferry.message}\n`);
    if (ferry.code === "ToolFailed" && !(error instanceof FerryError) && process.env.FERRY_DEBUG) err(`${(error as Error).stack}\n`);
    // A command stopped by SIGINT or SIGTERM exits 130 or 143, whatever it was doing.
    return interruption.signal.aborted ? (interruption.signal.reason as number) : ferry.exitCode;
  }
}
