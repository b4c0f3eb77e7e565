export * from "./errors.ts";
export * from "./exec.ts";
export * from "./github.ts";
export * from "./http.ts";
export * from "./manifest.ts";
export * from "./registry.ts";
export * from "./secrets.ts";
export * from "./version.ts";
