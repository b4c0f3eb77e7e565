export * from "./verdaccio.ts";
export * from "./git.ts";
