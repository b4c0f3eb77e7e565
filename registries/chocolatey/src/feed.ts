import { FerryError, type Context } from "@ferry/core";
import { XMLParser } from "fast-xml-parser";
import type { ChocolateyOptions } from "./options.ts";

/** What the feed says about one version. */
export interface FeedEntry {
  /** Approved, Submitted (in moderation), Rejected, …; absent on feeds without moderation. */
  status?: string;
  approved?: boolean;
  hash?: string;
  hashAlgorithm?: string;
}

const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);

export const pushUrl = (ctx: Context<ChocolateyOptions>): string =>
  withSlash(ctx.options.push ?? ctx.env("FERRY_CHOCOLATEY_SOURCE") ?? "https://push.chocolatey.org/");

export function feedUrl(ctx: Context<ChocolateyOptions>): string {
  if (ctx.options.feed) return withSlash(ctx.options.feed);
  const source = ctx.env("FERRY_CHOCOLATEY_SOURCE");
  return source ? `${withSlash(source)}api/v2/` : "https://community.chocolatey.org/api/v2/";
}

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true });

/** OData literals quote with `'`, doubled inside. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * `GET <feed>Packages(Id='<id>',Version='<version>')`: 404 is absent (a rejected version too,
 * though its number stays taken); 200 is an Atom entry whose properties hold the moderation
 * status and the package hash. Anything else means the feed could not tell, and throws.
 */
export async function readEntry(ctx: Context<ChocolateyOptions>, id: string, version: string): Promise<FeedEntry | undefined> {
  const url = `${feedUrl(ctx)}Packages(Id=${encodeURIComponent(literal(id))},Version=${encodeURIComponent(literal(version))})`;
  const response = await ctx.http(url, { headers: { accept: "application/atom+xml" } });
  if (response.status === 404) return undefined;
  const text = await response.text();
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The feed answered ${response.status} for ${id} ${version}.`,
      why: text.slice(0, 300) || undefined,
      fix: "The community feed answers 5xx at times; re-run later.",
    });
  }
  const properties = (parser.parse(text) as { entry?: { properties?: Record<string, unknown> } }).entry?.properties;
  if (!properties) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The feed's answer for ${id} ${version} is not an OData Atom entry.`,
      why: text.slice(0, 300),
    });
  }
  const field = (name: string) => {
    const value = properties[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const approved = field("IsApproved");
  return {
    status: field("PackageStatus"),
    approved: approved === undefined ? undefined : approved === "true",
    hash: field("PackageHash"),
    hashAlgorithm: field("PackageHashAlgorithm"),
  };
}

/** `GET <feed>FindPackagesById()?id='<id>'`: how many versions of the package the feed lists (0 for a new id). */
export async function countVersions(ctx: Context<ChocolateyOptions>, id: string): Promise<number> {
  const url = `${feedUrl(ctx)}FindPackagesById()?id=${encodeURIComponent(literal(id))}`;
  const response = await ctx.http(url, { headers: { accept: "application/atom+xml" } });
  const text = await response.text();
  const feed = response.ok ? (parser.parse(text) as { feed?: { entry?: unknown } }).feed : undefined;
  if (!feed) {
    throw new FerryError(response.status >= 500 ? "RegistryUnreachable" : "RegistryRefused", {
      registry: ctx.registry,
      what: `The feed answered ${response.status} to FindPackagesById() without an Atom feed.`,
      why: text.slice(0, 300) || undefined,
      fix: "Check the feed URL (option `feed` or FERRY_CHOCOLATEY_SOURCE); the community feed answers 5xx at times.",
    });
  }
  return feed.entry === undefined ? 0 : Array.isArray(feed.entry) ? feed.entry.length : 1;
}

/** In moderation: the community repository says Submitted (or not approved) until a moderator acts. */
export const inModeration = (entry: FeedEntry): boolean =>
  (entry.status !== undefined && entry.status !== "Approved") || entry.approved === false;
