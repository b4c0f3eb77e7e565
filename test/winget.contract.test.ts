import winget from "@ferry/registry-winget";
import { startGitHub } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: winget,
  async start() {
    const github = await startGitHub();
    github.createRepo("microsoft/winget-pkgs", { defaultBranch: "master", files: { "README.md": "# winget-pkgs\n" } });
    return {
      env: { GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: github.token, WINGET_TOKEN: github.token },
      stop: github.stop,
    };
  },
  options: (release) => ({ identifier: `Ferry.${release.project.name.replace(/-/g, "")}` }),
  unreachable: (options) => options,
  unreachableEnv: { GITHUB_API_URL: "http://127.0.0.1:9" },
  publishedStatus: "awaiting-review",
});
