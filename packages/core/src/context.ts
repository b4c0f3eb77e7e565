import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Octokit } from "@octokit/rest";
import { createArchiveCache, type ArchiveCache } from "./cache.ts";
import { exec } from "./exec.ts";
import { createGitHub } from "./github.ts";
import { createHttp } from "./http.ts";
import type { ReleaseManifest } from "./manifest.ts";
import type { Context, Project } from "./registry.ts";
import { secret } from "./secrets.ts";
import type { Version } from "./version.ts";

export interface ContextInput<Options> {
  registry: string;
  options: Options;
  project: Project;
  version: Version;
  manifest: ReleaseManifest;
  /** ferry's output directory: holds the archives when they were built here; adapters render into <output>/registries/<registry>/. */
  distDir: string;
  /** Shared by every registry of a run; a context of its own gets one for `distDir`. */
  cache?: ArchiveCache;
  env?: NodeJS.ProcessEnv;
  dryRun?: boolean;
  /** @default true */
  provenance?: boolean;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

/** The GitHub REST base: GITHUB_API_URL (set by Actions and by the sandbox), else api.github.com. */
export const githubApi = (env: NodeJS.ProcessEnv): string => env.GITHUB_API_URL || "https://api.github.com";

export function createContext<Options>(input: ContextInput<Options>): Context<Options> {
  const { registry, distDir, env = process.env, signal = new AbortController().signal, log = () => {} } = input;
  const http = createHttp(registry);
  const clients = new Map<string, Octokit>();
  const cache = input.cache ?? createArchiveCache(distDir, { signal });

  return {
    registry,
    options: input.options,
    project: input.project,
    version: input.version,
    manifest: input.manifest,
    outDir: join(distDir, "registries", registry),
    secret: (name) => secret(name, env),
    env: (name) => env[name] || undefined,
    http: (url, init) => http(url, { signal, ...init }),
    exec: (file, args, options) => exec(file, args, { registry, cancelSignal: signal, ...options }),
    github(token) {
      const auth = token ?? secret("GITHUB_TOKEN", env) ?? secret("GH_TOKEN", env);
      const key = auth ?? "";
      let client = clients.get(key);
      if (!client) clients.set(key, (client = createGitHub({ token: auth, api: githubApi(env), log })));
      return client;
    },
    archive: (artifact) => cache.archive(artifact),
    binary: (artifact) => cache.binary(artifact),
    derived: (key, name, make) => cache.derived(key, name, make),
    derivedRecord: (key) => cache.derivedRecord(key),
    log,
    signal,
    dryRun: input.dryRun ?? false,
    provenance: input.provenance ?? true,
  };
}

/** Creates (empty) the directory an adapter renders into. */
export async function resetDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}
