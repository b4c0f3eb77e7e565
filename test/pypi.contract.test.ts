import pypi from "@ferry/registry-pypi";
import { startPyPI } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

testRegistry({
  adapter: pypi,
  start: startPyPI,
  options: () => ({}),
  unreachable: (options) => ({ ...options, index: "http://127.0.0.1:9", repository: "http://127.0.0.1:9/legacy/" }),
  http: { option: "index", url: (index) => index.env.FERRY_PYPI_URL! },
});
