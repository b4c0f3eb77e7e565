import { relative, resolve } from "node:path";
import { expect, it } from "vitest";
import { registryPages } from "../scripts/registry-targets.ts";

const root = resolve(import.meta.dirname, "..");

it("each docs/registries page lists the targets its adapter declares (pnpm docs:targets rewrites them)", async () => {
  const pages = await registryPages();
  expect(pages).toHaveLength(14);
  for (const page of pages) expect(page.committed, `${relative(root, page.path)}: run pnpm docs:targets`).toBe(page.expected);
  const homebrew = pages.find((p) => p.path.endsWith("homebrew.md"))!.committed;
  expect(homebrew).toContain("- linux: `amd64`, `arm64`, `amd64-musl`, `arm64-musl`\n- darwin: `amd64`, `arm64`, `universal`\n");
});
