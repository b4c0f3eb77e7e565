import {
  createContext,
  emptyManifest,
  failedCheck,
  githubDoctor,
  packagesDoctor,
  parseVersion,
  redact,
  rememberEnvironmentSecrets,
  supplyChainDoctor,
  type Check,
  type Config,
} from "@ferry/core";
import { loadRegistry } from "./registries.ts";

/** A check with the registry it belongs to ("github" for the release's own). */
interface DoctorLine extends Check {
  registry: string;
}

interface DoctorInput {
  config: Config;
  selected: Config["registries"];
  env: NodeJS.ProcessEnv;
  json: boolean;
  write: (text: string) => void;
}

/** A doctor that hangs (a host that never answers) ends as a failed check after this long. */
const timeoutMs = 120_000;

/**
 * `ferry doctor`: the release's GitHub prerequisites and every selected registry's own checks, all
 * at once, read-only. Prints one line per check; answers 1 when any failed, else 0.
 */
export async function doctor({ config, selected, env, json, write }: DoctorInput): Promise<number> {
  rememberEnvironmentSecrets(env);
  // Doctors read no version; a placeholder fills the context's slot.
  const version = parseVersion("v0.0.0");
  const groups = await Promise.all([
    guarded("github", () => githubDoctor(env, config.project.repository)),
    guarded("signing", () => supplyChainDoctor(config, env)),
    ...(config.packages ? [guarded("packages", () => packagesDoctor(config, env))] : []),
    ...selected.map((entry) =>
      guarded(entry.name, async (signal) => {
        const adapter = (await loadRegistry(entry.name))!;
        if (!adapter.doctor) return [{ name: "prerequisites", ok: true, detail: "this registry has no doctor checks" }];
        const ctx = createContext({
          registry: entry.name,
          options: entry.options,
          project: config.project,
          version,
          manifest: emptyManifest({ project: config.project, version }),
          distDir: config.output,
          env,
          dryRun: true,
          signal,
        });
        return adapter.doctor(ctx);
      }),
    ),
  ]);
  const lines = groups.flat().map((line) => ({ ...line, detail: redact(line.detail), ...(line.fix ? { fix: redact(line.fix) } : {}) }));
  const failed = lines.filter((line) => !line.ok).length;
  const exitCode = failed ? 1 : 0;
  write(json ? `${JSON.stringify({ checks: lines, failed, exitCode }, null, 2)}\n` : format(lines, failed));
  return exitCode;
}

/** Runs one registry's checks; whatever it throws (or a hang) becomes one failed check. */
async function guarded(registry: string, run: (signal: AbortSignal) => Promise<Check[]>): Promise<DoctorLine[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`No answer within ${timeoutMs / 1000}s`));
    }, timeoutMs);
  });
  try {
    const checks = await Promise.race([run(controller.signal), timeout]);
    return checks.map((check) => ({ registry, ...check }));
  } catch (error) {
    return [{ registry, ...failedCheck("checks ran", error) }];
  } finally {
    clearTimeout(timer);
  }
}

function format(lines: DoctorLine[], failed: number): string {
  const width = Math.max(...lines.map((line) => line.registry.length));
  const text = lines.map((line) => {
    const head = `${line.ok ? "ok  " : "fail"}  ${line.registry.padEnd(width)}  ${line.name}: ${line.detail}`;
    return line.ok || !line.fix ? head : `${head} — fix: ${line.fix}`;
  });
  const summary = failed ? `${failed} of ${lines.length} checks failed` : `all ${lines.length} checks passed`;
  return `${text.join("\n")}\n\n${summary}\n`;
}
