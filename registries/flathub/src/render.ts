import { findArtifact, type Context, type TargetName } from "@ferry/core";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import type { FlathubOptions } from "./options.ts";

/** One `<release>` of the metainfo. */
export interface Release {
  version: string;
  /** YYYY-MM-DD */
  date: string;
}

export interface FlathubApp {
  appId: string;
  runtime: string;
  runtimeVersion: string;
  sdk: string;
  command: string;
  finishArgs: string[];
  name: string;
  summary: string;
  description: string;
  homepage: string;
  license: string;
  developer: string;
  /** Newest first. */
  releases: Release[];
  downloads: Download[];
}

interface Download {
  arch: "x86_64" | "aarch64";
  url: string;
  sha256: string;
  size: number;
  /** The executable's path inside the tar.gz. */
  binary: string;
}

/** Flathub builds for these two architectures only. */
const flatpakArch = { amd64: "x86_64", arm64: "aarch64" } as const;
export const flathubTargets: TargetName[] = ["linux/amd64", "linux/arm64", "linux/amd64-musl", "linux/arm64-musl"];

export const manifestFile = (appId: string): string => `${appId}.json`;
export const metainfoFile = (appId: string): string => `${appId}.metainfo.xml`;

/**
 * The app as this release describes it. `existing` is the metainfo already in the app's repository:
 * its other releases are kept, and its date for this version too, so re-runs render the same bytes.
 */
export function describeApp(ctx: Context<FlathubOptions>, existing: string | undefined): FlathubApp {
  const { options, project, version } = ctx;
  const previous = existing === undefined ? [] : parseReleases(existing);
  const date = previous.find((r) => r.version === version.semver)?.date ?? releaseDate(ctx.env("SOURCE_DATE_EPOCH"));
  return {
    appId: options.appId,
    runtime: options.runtime,
    runtimeVersion: options.runtimeVersion,
    sdk: options.sdk,
    command: project.binary,
    finishArgs: options.finishArgs,
    name: project.name,
    summary: options.summary ?? project.description.replace(/\.$/, ""),
    description: project.description,
    homepage: project.homepage,
    license: project.license,
    developer: options.developer ?? project.author.replace(/\s*<[^>]*>\s*$/, ""),
    releases: [{ version: version.semver, date }, ...previous.filter((r) => r.version !== version.semver)],
    downloads: (["amd64", "arm64"] as const).flatMap((arch) => {
      const a = findArtifact(ctx.manifest, "linux", arch);
      return a?.format === "tar.gz" ? [{ arch: flatpakArch[arch], url: a.url, sha256: a.sha256, size: a.size, binary: a.binary }] : [];
    }),
  };
}

/** SOURCE_DATE_EPOCH's day when set (reproducible builds), else today, in UTC. */
function releaseDate(sourceDateEpoch: string | undefined): string {
  const seconds = Number(sourceDateEpoch);
  const when = sourceDateEpoch && Number.isFinite(seconds) ? new Date(seconds * 1000) : new Date();
  return when.toISOString().slice(0, 10);
}

/** The name flatpak gives the downloaded archive in /app/extra; the same on every architecture. */
const archiveName = "release.tar.gz";

/**
 * The flatpak-builder manifest. The binary is extra-data: Flathub's build does not download it; each
 * user's flatpak does at install time, checks size and sha256, and runs apply_extra to unpack it.
 */
export function renderManifest(app: FlathubApp): string {
  const extracted = (binary: string) => `/app/extra/${binary}`;
  const binary = app.downloads[0]?.binary ?? app.command;
  const manifest = {
    id: app.appId,
    runtime: app.runtime,
    "runtime-version": app.runtimeVersion,
    sdk: app.sdk,
    command: app.command,
    "finish-args": app.finishArgs,
    modules: [
      {
        name: app.command,
        buildsystem: "simple",
        "build-commands": [
          "install -Dm755 apply_extra /app/bin/apply_extra",
          `install -Dm644 ${metainfoFile(app.appId)} /app/share/metainfo/${metainfoFile(app.appId)}`,
          `ln -s ${extracted(binary)} /app/bin/${app.command}`,
        ],
        sources: [
          {
            type: "script",
            "dest-filename": "apply_extra",
            commands: [`tar -xzf ${archiveName} --no-same-owner`, `rm ${archiveName}`],
          },
          { type: "file", path: metainfoFile(app.appId) },
          ...app.downloads.map((d) => ({
            type: "extra-data",
            filename: archiveName,
            "only-arches": [d.arch],
            url: d.url,
            sha256: d.sha256,
            size: d.size,
          })),
        ],
      },
    ],
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const attribute = "@_";
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: attribute,
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true,
});
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: attribute, isArray: (name) => name === "release" });

/** The AppStream metainfo, with every release newest first. */
export function renderMetainfo(app: FlathubApp): string {
  const component = {
    component: {
      [`${attribute}type`]: "console-application",
      id: app.appId,
      name: app.name,
      summary: app.summary,
      metadata_license: "CC0-1.0",
      project_license: app.license,
      description: { p: app.description },
      url: { [`${attribute}type`]: "homepage", "#text": app.homepage },
      developer: { [`${attribute}id`]: developerId(app.appId), name: app.developer },
      content_rating: { [`${attribute}type`]: "oars-1.1" },
      provides: { binary: app.command },
      releases: { release: app.releases.map((r) => ({ [`${attribute}version`]: r.version, [`${attribute}date`]: r.date })) },
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(component)}`;
}

/** AppStream wants a developer ID in reverse-DNS; the app ID without its last part is the conventional one. */
const developerId = (appId: string) => appId.split(".").slice(0, -1).join(".");

/** The releases of an existing metainfo file, in its order. */
export function parseReleases(xml: string): Release[] {
  const parsed = parser.parse(xml) as { component?: { releases?: { release?: Array<Record<string, string>> } } };
  return (parsed.component?.releases?.release ?? [])
    .filter((r) => typeof r[`${attribute}version`] === "string")
    .map((r) => ({ version: r[`${attribute}version`]!, date: String(r[`${attribute}date`] ?? "").slice(0, 10) }));
}

/** The extra-data sources of a manifest, as comparable text: what a user would download. */
export function downloadsOf(manifestJson: string | undefined): string {
  if (manifestJson === undefined) return "";
  try {
    const manifest = JSON.parse(manifestJson) as { modules?: Array<{ sources?: Array<Record<string, unknown>> } | string> };
    return (manifest.modules ?? [])
      .flatMap((m) => (typeof m === "string" ? [] : (m.sources ?? [])))
      .filter((s) => s.type === "extra-data")
      .map((s) => `${String(s.url)} ${String(s.sha256)} ${String(s.size)}`)
      .sort()
      .join("\n");
  } catch {
    return "";
  }
}
