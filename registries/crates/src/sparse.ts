import { FerryError, type Context } from "@ferry/core";

const registry = "crates";

/** One line of an index file (only the fields ferry reads). */
export interface IndexEntry {
  name: string;
  vers: string;
  cksum: string;
  yanked: boolean;
}

/** The index path of a crate: `1/a`, `2/ab`, `3/a/abc`, else `ab/cd/abcd…` (lowercased). */
export function indexPath(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length <= 2) return `${lower.length}/${lower}`;
  if (lower.length === 3) return `3/${lower[0]}/${lower}`;
  return `${lower.slice(0, 2)}/${lower.slice(2, 4)}/${lower}`;
}

/**
 * Every published version of a crate, from its sparse index file. 404, 410 and 451 mean the
 * crate has never been published (cargo reads them the same way); any other failure throws.
 */
export async function readIndex(ctx: Context<unknown>, index: string, name: string): Promise<IndexEntry[]> {
  const url = new URL(indexPath(name), index.replace(/^sparse\+/, ""));
  const response = await ctx.http(url, { headers: { "cache-control": "no-cache" } });
  if ([404, 410, 451].includes(response.status)) {
    await response.body?.cancel();
    return [];
  }
  const text = await response.text();
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry,
      what: `${url.host} answered ${response.status} to GET ${url.pathname}.`,
      why: text.slice(0, 200),
      fix: "Check the index URL (option `index` or FERRY_CRATES_INDEX), then re-run.",
    });
  }
  try {
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as IndexEntry);
  } catch {
    throw new FerryError("RegistryRefused", {
      registry,
      what: `${url.href} is not a sparse index file (one JSON object per line).`,
      fix: "Point the option `index` (or FERRY_CRATES_INDEX) at a cargo sparse index.",
    });
  }
}
