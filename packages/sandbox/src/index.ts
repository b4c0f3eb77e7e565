export * from "./verdaccio.ts";
export * from "./github.ts";
export * from "./git.ts";
export * from "./pypi.ts";
export * from "./docker.ts";
export * from "./snap.ts";
export * from "./flathub.ts";
export * from "./crates.ts";
