import { access } from "node:fs/promises";
import { join } from "node:path";
import type { Octokit } from "@octokit/rest";
import { hashFile } from "./archive.ts";
import { buildRelease } from "./build.ts";
import type { Config } from "./config.ts";
import type { Target } from "./targets.ts";
import { FerryError } from "./errors.ts";
import { parseManifest, readManifest, releaseAssets, type ReleaseManifest } from "./manifest.ts";
import type { ReleaseText } from "./notes.ts";
import { findRelease, githubError, publishRelease } from "./release.ts";
import type { Version } from "./version.ts";

export interface HubInput {
  config: Config;
  version: Version;
  distDir: string;
  github: Octokit;
  serverUrl: string;
  dryRun: boolean;
  log: (message: string) => void;
  /** Build only these targets (a split build's share). */
  targets?: Target[] | undefined;
  /** A release already built (e.g. merged from a split build); nothing is built here then. */
  manifest?: ReleaseManifest | undefined;
  /** The release's title and notes (see releaseText); needed unless this is a dry run. */
  text?: ReleaseText | undefined;
}

/**
 * What the run did to the GitHub Release: published it (created, uploaded or made it public),
 * found it already published as built, built it only (dry run or `ferry build`), or reused an
 * existing release (`ferry publish`).
 */
export interface ReleaseOutcome {
  status: "published" | "already-published" | "built" | "reused";
  url: string;
}

export interface Hub {
  built: Promise<ReleaseManifest>;
  /** Resolves once the release is public: its page, and what this run did to it. */
  released: Promise<ReleaseOutcome>;
}

/** Builds, then (unless dry-run) uploads and publishes the GitHub Release. */
export function runHub(input: HubInput): Hub {
  const { config, version, distDir, log } = input;
  const built = input.manifest
    ? Promise.resolve(input.manifest)
    : buildRelease({ config, version, distDir, serverUrl: input.serverUrl, log, ...(input.targets ? { targets: input.targets } : {}) });
  const released = built.then(async (manifest) => {
    if (input.dryRun) return { status: "built", url: manifest.url } as const;
    if (!input.text) throw new Error("runHub: a release needs its title and notes");
    const files = [
      ...releaseAssets(manifest).map((a) => ({ path: join(distDir, a.name), sha256: a.sha256 })),
      ...(await metadataFiles(distDir)),
    ];
    const timeoutMs = (config.release.timeout ?? 900) * 1000;
    const { url, changed } = await bounded(
      timeoutMs,
      publishRelease({
        github: input.github,
        repository: config.project.repository,
        version,
        name: input.text.name,
        notes: input.text.notes,
        files,
        log,
      }),
    );
    log(`release ${version.tag} is public: ${url}`);
    return { status: changed ? "published" : "already-published", url } as const;
  });
  return { built, released };
}

/** The release's work within its bound: a GitHub that stops answering fails the release, not the whole run's clock. */
function bounded<T>(timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new FerryError("TargetTimedOut", {
            registry: "github",
            what: `The GitHub release did not finish within ${timeoutMs / 1000}s.`,
            why: "GitHub stopped answering, or the uploads are slower than the bound.",
            fix: "Re-run `ferry release`: the draft keeps every asset that arrived. Raise release.timeout for large assets on a slow link.",
          }),
        ),
      timeoutMs,
    );
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** checksums.txt and manifest.json are assets too; their digests are taken as they are written. */
async function metadataFiles(distDir: string) {
  return Promise.all(
    ["checksums.txt", "manifest.json"].map(async (name) => {
      const path = join(distDir, name);
      return { path, sha256: await hashFile(path) };
    }),
  );
}

/**
 * For `ferry publish`: the manifest of an existing release, from dist/ when it is this tag's,
 * else the release's manifest.json asset. Binary registries also need the release to be public.
 */
export async function existingRelease(input: Omit<HubInput, "dryRun" | "serverUrl">): Promise<Hub> {
  const { config, version, distDir, github } = input;
  const local = join(distDir, "manifest.json");
  const localManifest = await access(local).then(
    () => readManifest(local),
    () => undefined,
  );
  const release = findRelease(github, config.project.repository, version.tag);
  const released = release.then((r) => {
    if (!r) {
      throw new FerryError("ReleaseNotPublic", {
        what: `There is no GitHub release for ${version.tag} in ${config.project.repository}.`,
        fix: "Run `ferry release` first; `ferry publish` only fans out an existing release.",
      });
    }
    if (r.draft) {
      throw new FerryError("ReleaseNotPublic", {
        what: `The release ${version.tag} is still a draft.`,
        why: "Its download URLs answer 404 until it is published, so installs would fail.",
        fix: "Run `ferry release` to finish it, or publish the draft on GitHub.",
      });
    }
    return { status: "reused", url: r.html_url } as const;
  });
  const built =
    localManifest && localManifest.tag === version.tag
      ? Promise.resolve(localManifest)
      : release.then(async (r) => {
          const asset = r?.assets.find((a) => a.name === "manifest.json");
          if (!r || !asset) {
            throw new FerryError("ManifestMissing", {
              what: `No manifest.json for ${version.tag}, neither in ${distDir} nor on the release.`,
              fix: "Run `ferry release` (or `ferry build`) for this tag first.",
            });
          }
          const [owner, repo] = config.project.repository.split("/") as [string, string];
          try {
            const response = await github.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
              owner,
              repo,
              asset_id: asset.id,
              headers: { accept: "application/octet-stream" },
            });
            return parseManifest(Buffer.from(response.data as unknown as ArrayBuffer).toString("utf8"), `${version.tag}/manifest.json`);
          } catch (error) {
            throw githubError(error, "downloading manifest.json");
          }
        });
  return { built, released };
}
