#!/usr/bin/env node
// The GitHub Action's step (action.yml at the repository root); runs from TypeScript sources like ferry.js.
import { register } from "tsx/esm/api";

register();
const { runAction } = await import("../src/action.ts");
process.exit(await runAction());
