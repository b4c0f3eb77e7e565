import homebrew from "../registries/homebrew/src/index.ts";
import { startGitRepos } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: homebrew,
  start: () => startGitRepos(["homebrew"]),
  // The sandbox's FERRY_HOMEBREW_GIT points the adapter at a git daemon repository.
  options: () => ({}),
  unreachable: (options) => ({ ...options, git: "git://127.0.0.1:9/closed.git" }),
});
