import { access, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Octokit } from "@octokit/rest";
import { extractFile, writeHashed } from "./archive.ts";
import { FerryError } from "./errors.ts";
import { exec } from "./exec.ts";
import { createGitHub } from "./github.ts";
import { createHttp } from "./http.ts";
import type { Artifact, ReleaseManifest } from "./manifest.ts";
import type { Context, Project } from "./registry.ts";
import { secret } from "./secrets.ts";
import type { Version } from "./version.ts";

export interface ContextInput<Options> {
  registry: string;
  options: Options;
  project: Project;
  version: Version;
  manifest: ReleaseManifest;
  /** dist/: holds the archives when they were built here; adapters render into dist/ferry/<registry>/. */
  distDir: string;
  env?: NodeJS.ProcessEnv;
  dryRun?: boolean;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

/** The GitHub REST base: GITHUB_API_URL (set by Actions and by the sandbox), else api.github.com. */
export const githubApi = (env: NodeJS.ProcessEnv): string => env.GITHUB_API_URL || "https://api.github.com";

export function createContext<Options>(input: ContextInput<Options>): Context<Options> {
  const { registry, distDir, env = process.env, signal = new AbortController().signal, log = () => {} } = input;
  const http = createHttp(registry);
  const clients = new Map<string, Octokit>();
  const pending = new Map<string, Promise<string>>();

  /** Runs a file-producing step once per output path, even when adapters ask concurrently. */
  const once = (path: string, make: () => Promise<void>): Promise<string> => {
    let promise = pending.get(path);
    if (!promise) {
      promise = exists(path).then((found) => (found ? path : make().then(() => path)));
      pending.set(path, promise);
    }
    return promise;
  };

  const archive = (artifact: Artifact): Promise<string> => {
    const local = join(distDir, artifact.name);
    return exists(local).then((found) =>
      found
        ? local
        : once(join(distDir, ".downloads", artifact.name), () => download(artifact, join(distDir, ".downloads", artifact.name))),
    );
  };

  const download = async (artifact: Artifact, out: string): Promise<void> => {
    const response = await http(artifact.url, { signal });
    if (!response.ok || !response.body) {
      throw new FerryError("ManifestMissing", {
        registry,
        what: `Downloading ${artifact.name} answered ${response.status}.`,
        why: `The release manifest lists it at ${artifact.url}.`,
        fix: "Check that the release is published and still has this asset, or run `ferry release` to build it.",
      });
    }
    const written = await writeHashed(Readable.fromWeb(response.body), out);
    if (written.sha256 !== artifact.sha256) {
      await rm(out, { force: true });
      throw new FerryError("ArtifactCorrupt", {
        registry,
        what: `${artifact.name} downloaded with sha256 ${written.sha256}, but the manifest says ${artifact.sha256}.`,
        fix: "The release asset was changed or corrupted; rebuild and re-release it.",
      });
    }
  };

  return {
    registry,
    options: input.options,
    project: input.project,
    version: input.version,
    manifest: input.manifest,
    outDir: join(distDir, "ferry", registry),
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
    archive,
    async binary(artifact) {
      const out = join(distDir, ".binaries", `${artifact.os}_${artifact.arch}`, artifact.binary);
      const file = await archive(artifact);
      return once(out, () => extractFile(file, artifact.format, artifact.binary, out));
    },
    log,
    signal,
    dryRun: input.dryRun ?? false,
  };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Creates (empty) the directory an adapter renders into. */
export async function resetDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}
