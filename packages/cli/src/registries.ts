import type { Prepared, Registry } from "@ferry/core";

// Adapters differ in their option types; the loader only promises a default export.
type Loader = () => Promise<{ default: object }>;

/** Every registry adapter, by name, loaded only when a run uses it. */
const registries: Record<string, Loader> = {
  apt: () => import("@ferry/registry-apt"),
  aur: () => import("@ferry/registry-aur"),
  chocolatey: () => import("@ferry/registry-chocolatey"),
  crates: () => import("@ferry/registry-crates"),
  docker: () => import("@ferry/registry-docker"),
  flathub: () => import("@ferry/registry-flathub"),
  homebrew: () => import("@ferry/registry-homebrew"),
  nix: () => import("@ferry/registry-nix"),
  npm: () => import("@ferry/registry-npm"),
  pypi: () => import("@ferry/registry-pypi"),
  rpm: () => import("@ferry/registry-rpm"),
  scoop: () => import("@ferry/registry-scoop"),
  snap: () => import("@ferry/registry-snap"),
  winget: () => import("@ferry/registry-winget"),
};

export const registryNames = Object.keys(registries);

export async function loadRegistry(name: string): Promise<Registry<unknown, Prepared> | undefined> {
  const load = registries[name];
  return load ? ((await load()).default as unknown as Registry<unknown, Prepared>) : undefined;
}
