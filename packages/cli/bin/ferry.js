#!/usr/bin/env node
// ferry runs from its TypeScript sources; tsx compiles them on the fly.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
