#!/usr/bin/env node
import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  quickAnswer
} from "./chunks/chunk-YDNAGXSC.js";
import {
  asFerryError
} from "./chunks/chunk-PBYZL6WR.js";
import "./chunks/chunk-BHGG6FRM.js";

// packages/cli/src/cli.ts
var answered;
try {
  answered = quickAnswer(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text)
  );
} catch (error) {
  const ferry = asFerryError(error);
  process.stderr.write(`${ferry.message}
`);
  answered = ferry.exitCode;
}
if (answered === void 0) {
  const { runCommand, stopOnSignals } = await import("./chunks/main-YZSNXMAG.js");
  stopOnSignals();
  process.exit(await runCommand(process.argv.slice(2)));
} else process.exitCode = answered;
