export * from "./verdaccio.ts";
