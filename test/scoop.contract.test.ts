import scoop from "../registries/scoop/src/index.ts";
import { startGitRepos } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: scoop,
  start: () => startGitRepos(["scoop"]),
  // The sandbox's FERRY_SCOOP_GIT points the adapter at a git daemon repository.
  options: () => ({}),
  unreachable: (options) => ({ ...options, git: "git://127.0.0.1:9/closed.git" }),
});
