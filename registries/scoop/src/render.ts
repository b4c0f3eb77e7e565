import { FerryError, findArtifact, type FileRelease, type Project, type ReleaseManifest, type Version } from "@ferry/core";

export interface ScoopInput {
  project: Project;
  version: Version;
  manifest: ReleaseManifest;
}

/** Scoop's architecture keys for the release's Windows targets. */
export const architectures = [
  ["32bit", "386"],
  ["64bit", "amd64"],
  ["arm64", "arm64"],
] as const;

/**
 * Scoop's autoupdate URL: the release URL with this version replaced by `$version` in the tag and
 * file name (the last two path segments), so the host or owner can never be rewritten by accident.
 */
function autoupdateUrl(url: string, version: string): string {
  const parts = url.split("/");
  return parts.map((part, i) => (i >= parts.length - 2 ? part.split(version).join("$version") : part)).join("/");
}

/** bucket/<app>.json: the Windows zips' URLs and sha256s from manifest.json, in Scoop's 4-space JSON. */
export function renderScoop({ project, version, manifest }: ScoopInput): string {
  const found = architectures.flatMap(([scoop, arch]) => {
    const artifact = findArtifact(manifest, "windows", arch);
    return artifact ? [[scoop, artifact] as const] : [];
  });
  const first = found[0]?.[1];
  if (!first) {
    throw new FerryError("InputMissing", {
      registry: "scoop",
      what: "The release has no Windows archive for the Scoop manifest.",
      fix: "Add a windows target to the build, or skip scoop.",
    });
  }
  const app = {
    version: version.semver,
    description: project.description,
    homepage: project.homepage,
    license: project.license,
    architecture: Object.fromEntries(found.map(([scoop, a]) => [scoop, { url: a.url, hash: a.sha256 }])),
    bin: first.binary,
    checkver: { github: `https://github.com/${project.repository}` },
    autoupdate: {
      architecture: Object.fromEntries(found.map(([scoop, a]) => [scoop, { url: autoupdateUrl(a.url, version.semver) }])),
    },
  };
  return `${JSON.stringify(app, null, 4)}\n`;
}

/** The version and hashes of a Scoop manifest read back from a bucket. */
export function parseScoop(text: string): FileRelease | undefined {
  let app: { version?: unknown; hash?: unknown; architecture?: Record<string, { hash?: unknown }> };
  try {
    app = JSON.parse(text) as typeof app;
  } catch {
    return undefined;
  }
  if (typeof app.version !== "string") return undefined;
  const hashes = [app.hash, ...Object.values(app.architecture ?? {}).map((a) => a.hash)].flat();
  return { version: app.version, checksums: hashes.filter((h): h is string => typeof h === "string").map((h) => h.toLowerCase()) };
}
