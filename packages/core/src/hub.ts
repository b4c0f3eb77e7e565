import { access, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Octokit } from "@octokit/rest";
import { hashFile } from "./archive.ts";
import { buildRelease } from "./build.ts";
import type { Config } from "./config.ts";
import type { Target } from "./targets.ts";
import { FerryError } from "./errors.ts";
import { installCommands } from "./installers.ts";
import { parseManifest, readManifest, releaseAssets, renderChecksums, writeManifest, type ReleaseManifest } from "./manifest.ts";
import type { ReleaseText } from "./notes.ts";
import { checksumsSigners, signChecksums } from "./signatures.ts";
import { attestationSigner, attestRelease } from "./attestations.ts";
import { plannedReleaseSupplyChain, releaseSupplyChain, type SupplyChainItem } from "./supply-chain.ts";
import { downloadAsset, findRelease, publishRelease } from "./release.ts";
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
  /** Where the OIDC identity for signing comes from. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** Stops the build (its commands are killed). */
  signal?: AbortSignal | undefined;
}

/**
 * What the run did to the GitHub Release: published it (created, uploaded or made it public),
 * found it already published as built, built it only (dry run or `ferry build`), or reused an
 * existing release (`ferry publish`).
 */
export interface ReleaseOutcome {
  status: "published" | "already-published" | "built" | "reused";
  url: string;
  /** The commands that run the release's one-line installers, when it has them. */
  install?: string[];
  /** The release's signatures, SBOMs and provenance attestation; for a dry run, those publishing would make. */
  supplyChain?: SupplyChainItem[];
}

const withInstall = (outcome: ReleaseOutcome, manifest: ReleaseManifest): ReleaseOutcome => {
  const install = installCommands(manifest);
  return install.length ? { ...outcome, install } : outcome;
};

export interface Hub {
  built: Promise<ReleaseManifest>;
  /** Resolves once the release is public: its page, and what this run did to it. */
  released: Promise<ReleaseOutcome>;
}

/**
 * Builds, then (unless dry-run) signs checksums.txt (signatures.ts), uploads and publishes the GitHub Release,
 * and attests its files' provenance (attestations.ts).
 */
export function runHub(input: HubInput): Hub {
  const { config, version, distDir, log } = input;
  const env = input.env ?? process.env;
  // A signature the user asked for that this run cannot make stops it before anything is built.
  if (!input.dryRun) {
    checksumsSigners(config, env);
    attestationSigner(config, env);
  }
  const made = input.manifest
    ? Promise.resolve(input.manifest)
    : buildRelease({
        config,
        version,
        distDir,
        serverUrl: input.serverUrl,
        log,
        signal: input.signal,
        ...(input.targets ? { targets: input.targets } : {}),
      });
  const built = input.dryRun ? made : made.then((manifest) => signChecksums({ ...input, env }, manifest));
  const released = built.then(async (manifest) => {
    if (input.dryRun) {
      const supplyChain = plannedReleaseSupplyChain(config, env, manifest, input.serverUrl);
      return withInstall({ status: "built", url: manifest.url, supplyChain }, manifest);
    }
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
    ).catch(async (error: unknown) => {
      throw error instanceof FerryError && error.code === "ReleaseConflict" ? await keepReleasedManifest(input, error) : error;
    });
    log(`release ${version.tag} is public: ${url}`);
    const attestation = await attestRelease({ ...input, env }, manifest);
    const supplyChain = releaseSupplyChain(manifest, attestation, `${input.serverUrl}/${config.project.repository}/attestations`);
    return withInstall(
      { status: changed ? "published" : "already-published", url, ...(supplyChain.length ? { supplyChain } : {}) },
      manifest,
    );
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

type Release = NonNullable<Awaited<ReturnType<typeof findRelease>>>;

/**
 * For `ferry publish`: the release's own manifest.json, never a local one. A local manifest of
 * this tag that disagrees with it (a rebuild that is not the release) is refused before anything
 * runs: registries must point at the sha256s the release's assets have. Binary registries also
 * need the release to be public.
 */
export async function existingRelease(input: Omit<HubInput, "dryRun" | "serverUrl">): Promise<Hub> {
  const { config, version, distDir, github } = input;
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
  const built = release.then(async (r) => {
    const manifest = r && (await releaseManifest(github, config.project.repository, r));
    if (!manifest) {
      throw new FerryError("ManifestMissing", {
        what: `The release ${version.tag} has no manifest.json${r ? "" : " (there is no such release)"}.`,
        fix: "Run `ferry release` for this tag first: it uploads manifest.json with the archives.",
      });
    }
    return manifest;
  });
  const localPath = join(distDir, "manifest.json");
  const local = await access(localPath).then(
    () => readManifest(localPath),
    () => undefined,
  );
  if (local?.tag === version.tag) {
    // Its failure is reported by the spokes that wait for it, not thrown while the manifests are compared.
    released.catch(() => {});
    const remote = await built.catch(() => undefined);
    if (remote) assertSameManifest(local, localPath, remote);
  }
  return { built, released };
}

/** Refuses a local manifest whose assets are not the release's. */
function assertSameManifest(local: ReleaseManifest, localPath: string, remote: ReleaseManifest): void {
  const released = new Map(releaseAssets(remote).map((a) => [a.name, a.sha256]));
  const built = new Map(releaseAssets(local).map((a) => [a.name, a.sha256]));
  const differences = [
    ...[...built]
      .filter(([name, sha256]) => released.get(name) !== sha256)
      .map(([name, sha256]) =>
        released.has(name)
          ? `${name}: ${sha256} here, ${released.get(name)} on the release`
          : `${name}: ${sha256} here, not on the release`,
      ),
    ...[...released.keys()].filter((name) => !built.has(name)).map((name) => `${name}: on the release, not here`),
  ];
  if (!differences.length) return;
  throw new FerryError("ManifestDiffers", {
    what: `${localPath} is not the manifest of the release ${remote.tag}: ${differences.join("; ")}.`,
    why: "ferry publish points every registry at the release's assets, and this local build has other sha256s (a rebuild that was not released).",
    fix: `Remove ${localPath} (or the whole output directory) and run \`ferry publish\` again: it then uses the release's manifest.json.`,
  });
}

/** A release's manifest.json asset, or undefined when it has none. */
async function releaseManifest(github: Octokit, repository: string, release: Release): Promise<ReleaseManifest | undefined> {
  const bytes = await downloadAsset(github, repository, release, "manifest.json");
  return bytes && parseManifest(bytes.toString("utf8"), `${release.tag_name}/manifest.json`);
}

/**
 * After a rebuild that the release refused (ReleaseConflict): the output directory gets the
 * release's manifest.json and checksums.txt back, so that nothing later reads sha256s the release
 * does not have, and the error says what to do.
 */
async function keepReleasedManifest(input: HubInput, conflict: FerryError): Promise<FerryError> {
  const { github, config, version, distDir } = input;
  const release = await findRelease(github, config.project.repository, version.tag).catch(() => undefined);
  const released = release && (await releaseManifest(github, config.project.repository, release).catch(() => undefined));
  if (released) {
    await writeManifest(join(distDir, "manifest.json"), released);
    await writeFile(join(distDir, "checksums.txt"), renderChecksums(released));
  }
  return new FerryError("ReleaseConflict", {
    what: conflict.details.what,
    why:
      "The rebuild did not give the released bytes. Usual causes: Go stamps VCS state into binaries (build with -trimpath -buildvcs=false), " +
      "linkers stamp the time into .exe files (mingw: -Wl,--no-insert-timestamp), or the build embeds the date, a path or " +
      "uncommitted changes instead of SOURCE_DATE_EPOCH, which ferry sets to the tagged commit's time.",
    fix:
      `To publish the registries from the release as it is, run \`ferry publish --tag ${version.tag}\`` +
      (released ? ` (${join(distDir, "manifest.json")} holds the release's manifest again).` : ".") +
      " To change the binaries, release a new tag.",
    cause: conflict,
  });
}
