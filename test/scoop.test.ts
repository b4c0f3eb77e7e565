import { expect } from "vitest";
import scoop from "../registries/scoop/src/index.ts";
import { testRepoRegistry } from "./repo-registry.ts";
import { schemaValidator } from "./schemas.ts";

const validate = schemaValidator("scoop/schema.json");

testRepoRegistry({
  adapter: scoop,
  path: "bucket/hello.json",
  token: "SCOOP_BUCKET_TOKEN",
  githubRepository: "acme/scoop-bucket",
  repository: (fullName) => ({ bucket: fullName }),
  check(text, manifest) {
    // What Scoop reads: its own schema, 4-space JSON, and the Windows zips of manifest.json.
    const app = JSON.parse(text) as { version: string; architecture: Record<string, { url: string; hash: string }> };
    expect(validate(app)).toEqual([]);
    expect(text).toBe(`${JSON.stringify(app, null, 4)}\n`);
    expect(app.version).toBe(manifest.version);
    const windows = manifest.artifacts.filter((a) => a.os === "windows");
    expect(
      Object.values(app.architecture)
        .map((a) => [a.url, a.hash])
        .sort(),
    ).toEqual(windows.map((a) => [a.url, a.sha256]).sort());
  },
});
