import snap from "@ferry/registry-snap";
import { startSnapStore } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: snap,
  start: () => startSnapStore({ names: [] }),
  options(release, store) {
    store.register(release.project.name);
    return {};
  },
  unreachable: (options) => ({ ...options, dashboard: "http://127.0.0.1:9", storage: "http://127.0.0.1:9", api: "http://127.0.0.1:9" }),
  http: { option: "dashboard", url: (store) => store.env.FERRY_SNAP_DASHBOARD_URL! },
});
