#!/usr/bin/env node
// ferry from its TypeScript sources (tsx compiles them on the fly); users run the bundle (scripts/build.ts).
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
