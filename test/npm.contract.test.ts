import npm from "@ferry/registry-npm";
import { startVerdaccio } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: npm,
  async start() {
    const verdaccio = await startVerdaccio();
    return { ...verdaccio, env: { NPM_CONFIG_REGISTRY: verdaccio.url, NPM_TOKEN: verdaccio.token } };
  },
  options: (release) => ({ package: release.project.name }),
  unreachable: (options) => ({ ...options, registry: "http://127.0.0.1:9/" }),
  http: { option: "registry", url: (verdaccio) => verdaccio.url },
});
