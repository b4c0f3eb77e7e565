import { startDockerRegistry } from "@ferry/sandbox";
import docker from "../registries/docker/src/index.ts";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: docker,
  start: () => startDockerRegistry(),
  options: (release) => ({ image: `ferry-test/${release.project.name}`, labels: {} }),
  unreachable: (options) => ({ ...options, registry: "http://127.0.0.1:9" }),
  http: { option: "registry", url: (registry) => registry.url },
});
