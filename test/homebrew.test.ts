import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import homebrew from "../registries/homebrew/src/index.ts";
import { testRepoRegistry } from "./repo-registry.ts";

testRepoRegistry({
  adapter: homebrew,
  path: "Formula/hello.rb",
  token: "HOMEBREW_TAP_TOKEN",
  githubRepository: "acme/homebrew-tap",
  repository: (fullName) => ({ tap: fullName }),
  daemon: true,
  check(text, manifest) {
    // What brew reads: valid Ruby, naming exactly the macOS and Linux archives of manifest.json.
    const file = join(mkdtempSync(join(tmpdir(), "ferry-rb-")), "hello.rb");
    writeFileSync(file, text);
    expect(execFileSync("ruby", ["-c", file], { encoding: "utf8" })).toContain("Syntax OK");
    const pairs = [...text.matchAll(/url "([^"]+)"\n\s+sha256 "([0-9a-f]{64})"/g)].map((m) => [m[1], m[2]]);
    const expected = manifest.artifacts.filter((a) => a.os !== "windows").map((a) => [a.url, a.sha256]);
    expect(pairs.sort()).toEqual(expected.sort());
    expect(text).toContain(`version "${manifest.version}"`);
  },
});
