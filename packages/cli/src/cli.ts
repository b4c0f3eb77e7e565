#!/usr/bin/env node
// ferry's entry point: --version and help are answered before core or any adapter is loaded.
import { asFerryError } from "@ferry/core/errors";
import { quickAnswer } from "./usage.ts";

let answered: number | undefined;
try {
  answered = quickAnswer(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  );
} catch (error) {
  const ferry = asFerryError(error);
  process.stderr.write(`${ferry.message}\n`);
  answered = ferry.exitCode;
}
if (answered === undefined) {
  const { runCommand, stopOnSignals } = await import("./main.ts");
  stopOnSignals();
  process.exit(await runCommand(process.argv.slice(2)));
} else process.exitCode = answered;
