// The action's entry (action/index.js, built by scripts/build.ts): ferry.js is beside it.
import { fileURLToPath } from "node:url";
import { runAction } from "./action.ts";

process.exit(await runAction(fileURLToPath(new URL("./ferry.js", import.meta.url))));
