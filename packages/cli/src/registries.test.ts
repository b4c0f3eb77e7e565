import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { loadRegistry, registryNames } from "./registries.ts";

it("registers exactly the adapters under registries/, each under its own name", async () => {
  const dirs = await readdir(resolve(import.meta.dirname, "../../../registries"));
  expect([...registryNames].sort()).toEqual(dirs.sort());
  for (const name of registryNames) expect((await loadRegistry(name))?.name).toBe(name);
});

it("every adapter refuses unknown option keys", async () => {
  for (const name of registryNames) {
    const adapter = (await loadRegistry(name))!;
    expect(adapter.options.safeParse({ "no-such-key": true }).success, name).toBe(false);
  }
});
