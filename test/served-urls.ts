import { expect } from "vitest";

/** Every string in a JSON value (or every quoted src/href in a text) that points into a stand-in. */
function urlsIn(value: unknown, base: string): string[] {
  if (typeof value === "string") {
    const quoted = [...value.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    return [value, ...quoted].filter((s) => s.startsWith(base));
  }
  if (Array.isArray(value)) return value.flatMap((v) => urlsIn(v, base));
  if (value && typeof value === "object") return Object.values(value).flatMap((v) => urlsIn(v, base));
  return [];
}

/**
 * Fetches every URL a stand-in put in a response, as a client following it would (with `headers`, e.g. the
 * token an API client sends): each must answer 200. URI templates (`…/following{/other_user}`) are
 * expanded with no values, as a client that fills none in would. Returns each URL's bytes, by the URL as
 * it stands in the response.
 */
export async function expectServed(value: unknown, base: string, headers: Record<string, string> = {}): Promise<Map<string, Buffer>> {
  const urls = [...new Set(urlsIn(value, base).map((u) => u.replace(/#.*$/, "")))];
  expect(urls.length).toBeGreaterThan(0);
  const bodies = new Map<string, Buffer>();
  for (const url of urls) {
    const response = await fetch(url.replace(/\{[^}]*\}/g, ""), { headers });
    expect({ url, status: response.status }).toEqual({ url, status: 200 });
    bodies.set(url, Buffer.from(await response.arrayBuffer()));
  }
  return bodies;
}
