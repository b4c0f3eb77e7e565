import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Octokit } from "@octokit/rest";
import { FerryError } from "./errors.ts";
import { isNewest, type Version } from "./version.ts";

type Release = Awaited<ReturnType<Octokit["rest"]["repos"]["getRelease"]>>["data"];
type Asset = Release["assets"][number] & { digest?: string | null };

export interface ReleaseFile {
  path: string;
  sha256: string;
}

export interface PublishReleaseInput {
  github: Octokit;
  /** owner/name */
  repository: string;
  version: Version;
  name: string;
  notes: string;
  /** Every asset the release must have, with its digest (computed when it was written). */
  files: ReleaseFile[];
  log: (message: string) => void;
}

const owner = (repository: string) => repository.split("/")[0]!;
const repo = (repository: string) => repository.split("/")[1]!;

/**
 * Finds the release for a tag, drafts included. GET releases/tags/{tag} only sees published
 * releases, so a 404 there is followed by a search of the release list (drafts are listed to
 * anyone with push access).
 */
export async function findRelease(github: Octokit, repository: string, tag: string): Promise<Release | undefined> {
  const params = { owner: owner(repository), repo: repo(repository) };
  try {
    return (await github.rest.repos.getReleaseByTag({ ...params, tag })).data;
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw githubError(error, `reading the release ${tag}`);
  }
  try {
    for await (const page of github.paginate.iterator(github.rest.repos.listReleases, { ...params, per_page: 100 })) {
      const found = page.data.find((r) => r.tag_name === tag);
      if (found) return found;
    }
  } catch (error) {
    throw githubError(error, `listing the releases of ${repository}`);
  }
  return undefined;
}

/**
 * Makes the GitHub Release for a version public with exactly the given assets: reuses a draft or
 * creates one, uploads only missing assets, keeps an asset with the same digest, refuses one with
 * another digest (never overwrites), then publishes. Returns the release page URL, and whether this
 * call changed anything (a re-run of a finished release changes nothing).
 */
export async function publishRelease(input: PublishReleaseInput): Promise<{ url: string; changed: boolean }> {
  const { github, repository, version, log } = input;
  const params = { owner: owner(repository), repo: repo(repository) };
  let release = await findRelease(github, repository, version.tag);
  const changed = !release || release.draft;
  if (!release) {
    log(`creating draft release ${version.tag}`);
    release = await call(`creating the release ${version.tag}`, async () => {
      try {
        return await github.rest.repos.createRelease({
          ...params,
          tag_name: version.tag,
          name: input.name,
          body: input.notes,
          draft: true,
          prerelease: version.isPrerelease,
        });
      } catch (error) {
        // GitHub made the draft but its answer was lost: the retry meets 422 already_exists. Take that draft.
        const made = (error as { status?: number }).status === 422 ? await findRelease(github, repository, version.tag) : undefined;
        if (made?.draft) return { data: made };
        throw error;
      }
    });
  }

  const assets = new Map((release.assets as Asset[]).map((a) => [a.name, a]));
  for (const file of input.files) {
    const name = basename(file.path);
    const existing = assets.get(name);
    if (existing && existing.state === "uploaded") {
      await assertSameAsset(github, repository, existing, file);
      continue;
    }
    if (existing) {
      // A failed upload leaves an asset in state "starter"; GitHub says it is safe to delete.
      await call(`removing the broken upload ${name}`, () => github.rest.repos.deleteReleaseAsset({ ...params, asset_id: existing.id }));
    }
    if (!release.draft) {
      throw new FerryError("ReleaseConflict", {
        what: `The release ${version.tag} is already published without ${name}.`,
        why: "Published releases are immutable, so ferry does not add assets to them.",
        fix: `Publish ${name} under a new tag, or delete the release ${version.tag} if nothing depends on it yet.`,
      });
    }
    log(`uploading ${name}`);
    // Only a broken upload (state "starter") is ever replaced; a complete one is compared above.
    const uploaded = await uploadAsset(github, release, file.path, { replace: (a) => a.state !== "uploaded", sha256: file.sha256 });
    if (uploaded.digest && uploaded.digest !== `sha256:${file.sha256}`) {
      throw new FerryError("ArtifactCorrupt", {
        what: `GitHub stored ${name} with ${uploaded.digest}, but it was sent as sha256:${file.sha256}.`,
        fix: "Re-run `ferry release`; the draft keeps every asset that arrived intact.",
      });
    }
  }

  if (release.draft) {
    const latest = await latestRelease(github, repository, version);
    log(latest ? `publishing release ${version.tag}; ${latest} stays the latest release` : `publishing release ${version.tag}`);
    release = await call(`publishing the release ${version.tag}`, () =>
      github.rest.repos.updateRelease({
        ...params,
        release_id: release!.id,
        draft: false,
        make_latest: version.isPrerelease || latest ? "false" : "true",
      }),
    );
  }
  return { url: release.html_url, changed };
}

/**
 * The repository's latest release when it is newer than this stable version, which therefore must not
 * take "latest" (it never moves backwards); undefined when there is none or it is older. Tags are
 * compared by their version, after this release's tag prefix (`cli/` in `cli/v1.2.3`).
 */
async function latestRelease(github: Octokit, repository: string, version: Version): Promise<string | undefined> {
  if (version.isPrerelease) return undefined;
  let tag: string;
  try {
    tag = (await github.rest.repos.getLatestRelease({ owner: owner(repository), repo: repo(repository) })).data.tag_name;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw githubError(error, `reading the latest release of ${repository}`);
  }
  const prefix = version.tag.slice(0, version.tag.length - version.semver.length).replace(/v$/, "");
  if (!tag.startsWith(prefix)) return undefined;
  return isNewest(version, [tag.slice(prefix.length)]) ? undefined : tag;
}

export interface UploadOptions {
  label?: string;
  /** Whether an asset already there under the same name may be deleted and replaced. @default never */
  replace?: (existing: Asset) => boolean;
  /**
   * The file's sha256. An asset already there under the name with this digest is the file itself
   * (an earlier attempt arrived, but its answer was lost), and is kept.
   */
  sha256?: string;
}

/**
 * Uploads one asset, streaming it from disk; retried by re-opening the file, since a stream is read
 * once. GitHub answers 422 already_exists for a taken name: an existing asset with the file's
 * digest is kept (an earlier attempt stored it and its answer was lost); another is replaced
 * only when `replace` allows it, else the upload fails.
 */
export async function uploadAsset(github: Octokit, release: Release, path: string, options: UploadOptions = {}): Promise<Asset> {
  const { size } = await stat(path);
  const name = basename(path);
  for (let attempt = 1; ; attempt++) {
    try {
      // upload_url is a URI template ending in {?name,label}; octokit expands it.
      const response = await github.request(`POST ${release.upload_url}`, {
        name,
        ...(options.label ? { label: options.label } : {}),
        // A file stream: sent from disk a chunk at a time (see createGitHub), never held whole.
        data: createReadStream(path, { highWaterMark: 1 << 20 }),
        headers: { "content-type": contentType(name), "content-length": size },
        request: { retries: 0 },
      });
      return response.data as Asset;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 422 && attempt < 3) {
        const existing = await takenBy(github, release, name);
        if (existing?.state === "uploaded" && options.sha256 && (await digestOf(github, release, existing)) === options.sha256) {
          return existing;
        }
        if (existing && options.replace?.(existing)) {
          await call(`replacing ${name}`, () => github.rest.repos.deleteReleaseAsset({ ...ownerRepo(release), asset_id: existing.id }));
          continue;
        }
      }
      if (attempt >= 3 || (status !== undefined && status < 500)) throw githubError(error, `uploading ${name}`);
    }
  }
}

const ownerRepo = (release: Release) => {
  const [owner, repo] = new URL(release.url).pathname.split("/").slice(-4, -2) as [string, string];
  return { owner, repo };
};

/** After a 422: the asset that holds the name. */
async function takenBy(github: Octokit, release: Release, name: string): Promise<Asset | undefined> {
  const assets = await call(`listing the assets of ${release.tag_name}`, async () => ({
    data: await github.paginate(github.rest.repos.listReleaseAssets, { ...ownerRepo(release), release_id: release.id }),
  }));
  return (assets as Asset[]).find((a) => a.name === name);
}

/** An asset's sha256: the digest GitHub reports, else hashed while downloading it. */
async function digestOf(github: Octokit, release: Release, asset: Asset): Promise<string> {
  if (asset.digest?.startsWith("sha256:")) return asset.digest.slice(7);
  const { owner, repo } = ownerRepo(release);
  return downloadDigest(github, `${owner}/${repo}`, asset);
}

async function assertSameAsset(github: Octokit, repository: string, asset: Asset, file: ReleaseFile): Promise<void> {
  const remote = asset.digest?.startsWith("sha256:") ? asset.digest.slice(7) : await downloadDigest(github, repository, asset);
  if (remote === file.sha256) return;
  throw new FerryError("ReleaseConflict", {
    what: `The release already has ${asset.name} with sha256 ${remote}, but this build made ${file.sha256}.`,
    why: "An asset that was published is never overwritten: users may already have downloaded it.",
    fix: "Make the build reproducible for this tag, or release under a new tag.",
  });
}

/** A release asset's bytes, or undefined when the release has no complete asset of that name. */
export async function downloadAsset(github: Octokit, repository: string, release: Release, name: string): Promise<Buffer | undefined> {
  const asset = release.assets.find((a) => a.name === name && a.state === "uploaded");
  if (!asset) return undefined;
  try {
    const response = await github.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
      owner: owner(repository),
      repo: repo(repository),
      asset_id: asset.id,
      headers: { accept: "application/octet-stream" },
    });
    return Buffer.from(response.data as unknown as ArrayBuffer);
  } catch (error) {
    throw githubError(error, `downloading ${name}`);
  }
}

/** For GitHub servers that report no digest: hash the asset while streaming it (nothing is written to disk). */
async function downloadDigest(github: Octokit, repository: string, asset: Asset): Promise<string> {
  const response = await github.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
    owner: owner(repository),
    repo: repo(repository),
    asset_id: asset.id,
    headers: { accept: "application/octet-stream" },
  });
  return createHash("sha256")
    .update(Buffer.from(response.data as unknown as ArrayBuffer))
    .digest("hex");
}

function contentType(name: string): string {
  if (name.endsWith(".json")) return "application/json";
  if (name.endsWith(".txt")) return "text/plain";
  if (name.endsWith(".zip")) return "application/zip";
  if (name.endsWith(".tar.gz")) return "application/gzip";
  return "application/octet-stream";
}

async function call<T>(doing: string, request: () => Promise<{ data: T }>): Promise<T> {
  try {
    return (await request()).data;
  } catch (error) {
    throw githubError(error, doing);
  }
}

/** A GitHub API failure as a FerryError that says what ferry was doing and what the status means. */
export function githubError(error: unknown, doing: string): FerryError {
  if (error instanceof FerryError) return error;
  // octokit reports a request that got no answer (refused, reset, timed out) as status 500 without a response.
  const status = (error as { response?: unknown }).response === undefined ? undefined : (error as { status?: number }).status;
  const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message ?? (error as Error).message;
  const fix =
    status === 401
      ? "Set GITHUB_TOKEN to a valid token."
      : status === 403 || status === 404
        ? "Check that GITHUB_TOKEN can write to the repository (contents: write) and that the repository name is right."
        : "Re-run; ferry resumes where it stopped.";
  return new FerryError(status === undefined || status >= 500 ? "RegistryUnreachable" : "RegistryRefused", {
    registry: "github",
    what: `GitHub answered ${status ?? "nothing"} while ${doing}.`,
    why: message,
    fix,
    cause: error,
  });
}
