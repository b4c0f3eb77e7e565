import aur from "@ferry/registry-aur";
import { startAur } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: aur,
  start: startAur,
  // The sandbox's environment points the adapter at its git host, RPC and host key.
  options: () => ({}),
  unreachable: (options) => ({ ...options, rpc: "http://127.0.0.1:9" }),
  http: { option: "rpc", url: (service) => service.env.FERRY_AUR_RPC! },
});
