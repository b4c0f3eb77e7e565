import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import nix from "../registries/nix/src/index.ts";
import { testRepoRegistry } from "./repo-registry.ts";

const systems: Record<string, string> = {
  "linux/amd64": "x86_64-linux",
  "linux/arm64": "aarch64-linux",
  "darwin/amd64": "x86_64-darwin",
  "darwin/arm64": "aarch64-darwin",
};

testRepoRegistry({
  adapter: nix,
  path: "pkgs/hello/default.nix",
  token: "NIX_REPO_TOKEN",
  githubRepository: "acme/nur-packages",
  repository: (fullName) => ({ repository: fullName }),
  check(text, manifest, archives) {
    // What Nix reads: an expression that parses, fetching each system's archive by the hash Nix itself computes.
    const file = join(mkdtempSync(join(tmpdir(), "ferry-nix-")), "default.nix");
    writeFileSync(file, text);
    execFileSync("nix-instantiate", ["--parse", file], { encoding: "utf8" });
    type Fetch = { url: string; hash: string };
    const fetched = Object.fromEntries<Fetch>(
      [...text.matchAll(/([\w-]+) = fetchurl \{\n\s+url = "([^"]+)";\n\s+hash = "([^"]+)";/g)].map((m) => [
        m[1]!,
        { url: m[2]!, hash: m[3]! },
      ]),
    );
    const expected = Object.fromEntries<Fetch>(
      manifest.artifacts
        .filter((a) => a.os !== "windows")
        .map((a) => {
          const hash = execFileSync(
            "nix",
            ["--extra-experimental-features", "nix-command", "hash", "file", "--sri", join(archives, a.name)],
            { encoding: "utf8" },
          );
          return [systems[`${a.os}/${a.arch}`]!, { url: a.url, hash: hash.trim() }];
        }),
    );
    expect(fetched).toEqual(expected);
    expect(text).toContain(`version = "${manifest.version}";`);
  },
});
