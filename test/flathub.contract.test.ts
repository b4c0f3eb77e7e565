import { startFlathub, startGitHub } from "@ferry/sandbox";
import flathub from "../registries/flathub/src/index.ts";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: flathub,
  async start() {
    const [github, store] = await Promise.all([startGitHub(), startFlathub()]);
    return {
      github,
      env: {
        ...store.env,
        GITHUB_API_URL: github.url,
        GITHUB_SERVER_URL: github.url,
        GITHUB_TOKEN: github.token,
        FLATHUB_TOKEN: github.token,
      },
      stop: () => Promise.all([github.stop(), store.stop()]).then(() => undefined),
    };
  },
  options(release, { github }) {
    const appId = `com.example.${release.project.name.replace(/-/g, "_")}`;
    if (!github.readFile(`flathub/${appId}`, "flathub.json"))
      github.createRepo(`flathub/${appId}`, { defaultBranch: "master", files: { "flathub.json": "{}\n" } });
    return { appId };
  },
  unreachable: (options) => ({ ...options, api: "http://127.0.0.1:9/api/v2" }),
  publishedStatus: "awaiting-review",
});
