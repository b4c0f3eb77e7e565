import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pLimit from "p-limit";
import type { CommonOptions } from "./config.ts";
import { createArchiveCache, type ArchiveCache } from "./cache.ts";
import { createContext, resetDir } from "./context.ts";
import { asFerryError, FerryError, type ErrorCode } from "./errors.ts";
import type { ReleaseManifest } from "./manifest.ts";
import type { Context, Prepared, Project, Registry, Verified } from "./registry.ts";
import { redact } from "./secrets.ts";
import type { SupplyChainItem } from "./supply-chain.ts";
import { targetName } from "./targets.ts";
import type { Version } from "./version.ts";

/** A target's outcome; the same names in the text report, the JSON report, the step summary and the docs. */
export const statuses = ["published+verified", "awaiting-review", "already-published", "skipped", "planned", "failed", "blocked"] as const;
export type Status = (typeof statuses)[number];

/** Statuses that leave the exit code at 0. */
export const successful: ReadonlySet<Status> = new Set([
  "published+verified",
  "awaiting-review",
  "already-published",
  "skipped",
  "planned",
]);

export interface TargetResult {
  registry: string;
  status: Status;
  detail: string;
  /** Set for failed and blocked targets. */
  error?: { code: ErrorCode; message: string };
  /** Files prepare() rendered, relative to the output directory. */
  files: string[];
  /** The signatures, SBOMs, attestations and provenance verify() read back; for a plan, those publish() would make. */
  supplyChain?: SupplyChainItem[];
  durationMs: number;
}

export type Phase = "waiting" | "exists" | "prepare" | "publish" | "verify";

export interface Spoke {
  adapter: Registry<unknown, Prepared>;
  options: unknown;
  common: CommonOptions;
}

export interface RunSpokesInput {
  spokes: Spoke[];
  project: Project;
  version: Version;
  /** The hub's manifest once built; rejects with the hub's failure. */
  built: Promise<ReleaseManifest>;
  /** Settles once the release is public; binary registries wait for it. Rejects with the hub's failure. */
  released: Promise<unknown>;
  distDir: string;
  env?: NodeJS.ProcessEnv;
  dryRun?: boolean;
  /** Whether registries sign build provenance (sign.attestations is not off). @default true */
  provenance?: boolean;
  /**
   * How many registries run at once. Their steps are mostly network-bound; CPU-heavy ones take turns
   * in the shared pool sized to the cores (`cpuBound`), whatever this is. @default every selected registry
   */
  concurrency?: number;
  /** How long verify() may take to see the version. @default 300000 */
  verifyTimeoutMs?: number;
  /** @default 2000 */
  verifyIntervalMs?: number;
  /** Cancels the run (SIGINT, SIGTERM): every registry stops, its tools are killed, and it reports Interrupted. */
  signal?: AbortSignal;
  onPhase?: (registry: string, phase: Phase) => void;
  onResult?: (result: TargetResult) => void;
  log?: (registry: string, message: string) => void;
}

/**
 * Runs every selected registry concurrently, each in its own failure domain: whatever one throws,
 * rejects or hangs on ends as that registry's result and touches no other.
 */
export async function runSpokes(input: RunSpokesInput): Promise<TargetResult[]> {
  // The hub's promises are awaited per spoke; mark them handled so a hub failure is reported, not thrown.
  input.built.catch(() => {});
  input.released.catch(() => {});
  const limit = pLimit(input.concurrency ?? Math.max(1, input.spokes.length));
  // One cache for the run: every registry gets the same checked archives and extracted binaries.
  const cache = createArchiveCache(input.distDir);
  return Promise.all(
    input.spokes.map((spoke) =>
      limit(async () => {
        const started = Date.now();
        const outcome = await runSpoke(input, spoke, cache).catch((error: unknown) => failure(error, spoke.adapter.name));
        const result: TargetResult = { registry: spoke.adapter.name, files: [], ...outcome, durationMs: Date.now() - started };
        input.onResult?.(result);
        return result;
      }),
    ),
  );
}

type Outcome = Omit<TargetResult, "registry" | "durationMs" | "files"> & { files?: string[] };

function failure(error: unknown, registry: string, status: "failed" | "blocked" = "failed"): Outcome {
  const ferry = asFerryError(error, registry);
  const message = redact(ferry.message);
  return { status, detail: message, error: { code: ferry.code, message } };
}

async function runSpoke(input: RunSpokesInput, { adapter, options, common }: Spoke, cache: ArchiveCache): Promise<Outcome> {
  const name = adapter.name;
  const phase = (p: Phase) => input.onPhase?.(name, p);
  if (input.version.isPrerelease && adapter.skipsPrereleases && !common.prerelease) {
    return { status: "skipped", detail: `prerelease ${input.version.semver} (set registries.${name}.prerelease: true to publish it)` };
  }

  phase("waiting");
  const needsBinaries = adapter.needs.includes("binaries");
  let manifest: ReleaseManifest;
  try {
    manifest = await unlessInterrupted(needsBinaries ? input.built : input.built.catch(() => emptyManifest(input)), input.signal, name);
    if (needsBinaries && !input.dryRun) await unlessInterrupted(input.released, input.signal, name);
  } catch (error) {
    if (error instanceof FerryError && error.code === "Interrupted") throw error;
    const hub = asFerryError(error);
    return { ...failure(hub, name, "blocked"), detail: `the release was not published: ${redact(hub.message)}` };
  }

  const controller = new AbortController();
  const interrupt = () => controller.abort(interrupted(name));
  if (input.signal?.aborted) interrupt();
  input.signal?.addEventListener("abort", interrupt, { once: true });
  const timeoutMs = (common.timeout ?? 900) * 1000;
  const ctx = createContext({
    registry: name,
    options,
    project: input.project,
    version: input.version,
    manifest,
    distDir: input.distDir,
    cache,
    ...(input.env ? { env: input.env } : {}),
    dryRun: input.dryRun ?? false,
    provenance: input.provenance ?? true,
    signal: controller.signal,
    log: (message) => input.log?.(name, redact(message)),
  });
  const timer = setTimeout(
    () =>
      controller.abort(
        new FerryError("TargetTimedOut", {
          registry: name,
          what: `Gave up after ${timeoutMs / 1000}s.`,
          fix: `Re-run with \`ferry publish --only ${name}\`, or raise registries.${name}.timeout.`,
        }),
      ),
    timeoutMs,
  );
  const work = steps(input, adapter, ctx, phase);
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        const stop = () => reject(controller.signal.reason as FerryError);
        if (controller.signal.aborted) stop();
        controller.signal.addEventListener("abort", stop, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener("abort", interrupt);
    const cancelled = controller.signal.aborted;
    controller.abort();
    // The adapter's own cleanup (keys, temporary clones) runs as its killed tools fail: give it a moment.
    if (cancelled) await Promise.race([work.catch(() => {}), sleep(10_000)]);
  }
}

function interrupted(registry: string): FerryError {
  return new FerryError("Interrupted", {
    registry,
    what: "Stopped by a signal before it finished.",
    fix: `Re-run: what went out is found and reported already-published (\`ferry publish --only ${registry}\`).`,
  });
}

/** A wait that a cancelled run stops. */
function unlessInterrupted<T>(promise: Promise<T>, signal: AbortSignal | undefined, registry: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(interrupted(registry));
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(interrupted(registry)), { once: true })),
  ]);
}

async function steps(
  input: RunSpokesInput,
  adapter: Registry<unknown, Prepared>,
  ctx: Context<unknown>,
  phase: (p: Phase) => void,
): Promise<Outcome> {
  phase("exists");
  let unknownState: string | undefined;
  try {
    const presence = await adapter.exists(ctx);
    if (presence.state === "present" && presence.matches) return { status: "already-published", detail: presence.detail };
    if (presence.state === "newer") {
      return { status: "skipped", detail: `a newer version ${presence.version} is already published (${presence.where})` };
    }
    if (presence.state === "present") {
      throw new FerryError("PublishedContentDiffers", {
        registry: adapter.name,
        what: `${input.version.semver} is already there with other content: ${presence.detail}.`,
        why: "ferry never overwrites what a registry already serves.",
        fix: "Release a new version; if the registry's copy is wrong, remove it there first.",
      });
    }
  } catch (error) {
    // A preview still renders when the registry cannot be asked; a real run never guesses.
    if (!input.dryRun || (error instanceof FerryError && error.code === "PublishedContentDiffers")) throw error;
    unknownState = redact(asFerryError(error).message);
  }

  phase("prepare");
  await resetDir(ctx.outDir);
  const prepared = await adapter.prepare(ctx);
  // Adapters name their files absolutely or relative to their outDir; the report shows them relative to the output directory.
  const files = prepared.files.map((f) => relativeTo(input.distDir, resolve(ctx.outDir, f)));
  const leftOut = leftOutTargets(adapter, ctx.manifest);
  if (input.dryRun) {
    const detail = unknownState ? `would publish; registry state unknown: ${unknownState}` : "would publish";
    const supplyChain = adapter.supplyChain?.(ctx, prepared) ?? [];
    return { status: "planned", detail: withNote(detail, leftOut), files, ...(supplyChain.length ? { supplyChain } : {}) };
  }

  phase("publish");
  const published = await adapter.publish(ctx, prepared);
  phase("verify");
  const verified = await poll(() => adapter.verify(ctx, published), input, adapter.name, ctx.signal);
  return {
    status: verified.state === "verified" ? "published+verified" : "awaiting-review",
    detail: withNote(verified.detail, leftOut),
    files,
    ...(verified.supplyChain?.length ? { supplyChain: verified.supplyChain } : {}),
  };
}

/** Calls verify() until it sees the version, within the bound; a version never seen is a failure. */
async function poll(
  check: () => Promise<Verified | undefined>,
  input: RunSpokesInput,
  registry: string,
  signal: AbortSignal,
): Promise<Verified> {
  const deadline = Date.now() + (input.verifyTimeoutMs ?? 300_000);
  const interval = input.verifyIntervalMs ?? 2000;
  for (;;) {
    const verified = await check();
    if (verified) return verified;
    if (Date.now() >= deadline) {
      throw new FerryError("VerifyTimedOut", {
        registry,
        what: `The upload was accepted, but ${input.version.semver} did not become visible within ${Math.round((input.verifyTimeoutMs ?? 300_000) / 1000)}s.`,
        why: "It is not reported as published until the registry serves it.",
        fix: `Re-run \`ferry publish --only ${registry}\` later: it will find it and report already-published.`,
      });
    }
    await sleep(interval, undefined, { signal });
  }
}

/** The release's targets a registry cannot carry, as a note for the report ("" when it carries them all). */
function leftOutTargets(adapter: Registry<unknown, Prepared>, manifest: ReleaseManifest): string {
  const carried = adapter.targets;
  if (!carried) return "";
  const left = [...new Set(manifest.artifacts.map(targetName))].filter((t) => !carried.includes(t)).sort();
  return left.length ? `; leaves out ${left.join(", ")} (${adapter.name} cannot carry them)` : "";
}

/** A detail with a note after it ("; leaves out …"), without the detail's own final full stop before the semicolon. */
const withNote = (detail: string, note: string) => (note ? detail.replace(/\.$/, "") + note : detail);

const relativeTo = (dir: string, file: string) => (file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file);

/** The manifest of a release with no binaries: what source registries (and `ferry doctor`) get. */
export function emptyManifest(input: { project: Project; version: Version }): ReleaseManifest {
  return {
    schema: 1,
    project: input.project.name,
    version: input.version.semver,
    tag: input.version.tag,
    repository: input.project.repository,
    url: `https://github.com/${input.project.repository}/releases/tag/${input.version.tag}`,
    artifacts: [],
  };
}
