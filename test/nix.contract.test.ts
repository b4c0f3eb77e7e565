import nix from "../registries/nix/src/index.ts";
import { startGitRepos } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: nix,
  start: () => startGitRepos(["nix"]),
  // The sandbox's FERRY_NIX_GIT points the adapter at a git daemon repository.
  options: () => ({}),
  unreachable: (options) => ({ ...options, git: "git://127.0.0.1:9/closed.git" }),
});
