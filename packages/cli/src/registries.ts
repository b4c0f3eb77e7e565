import type { Prepared, Registry } from "@ferry/core";

// Adapters differ in their option types; the loader only promises a default export.
type Loader = () => Promise<{ default: object }>;

/** Every registry adapter, by name, loaded only when a run uses it. */
export const registries: Record<string, Loader> = {
  npm: () => import("@ferry/registry-npm"),
};

export const registryNames = Object.keys(registries);

export async function loadRegistry(name: string): Promise<Registry<unknown, Prepared> | undefined> {
  const load = registries[name];
  return load ? ((await load()).default as unknown as Registry<unknown, Prepared>) : undefined;
}
