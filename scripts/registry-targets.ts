/**
 * Writes each docs/registries/<name>.md's target list from its adapter's own `targets`, between the
 * `<!-- targets -->` and `<!-- /targets -->` markers, so the docs cannot drift from the code.
 * Usage: pnpm docs:targets. test/registry-targets.test.ts checks the committed pages equal its output.
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Need } from "../packages/core/src/registry.ts";
import { targetNames, type TargetName } from "../packages/core/src/targets.ts";
import { loadRegistry, registryNames } from "../packages/cli/src/registries.ts";

const docs = resolve(import.meta.dirname, "../docs/registries");
const start = "<!-- targets: written by `pnpm docs:targets` from the adapter's list; edit the adapter, not this -->";
const end = "<!-- /targets -->";

/** The section between the markers: the targets grouped by OS, in ferry's order. */
function section(targets: readonly TargetName[] | undefined, needs: readonly Need[]): string {
  if (!targets && !needs.includes("binaries"))
    return "This registry takes no binaries, so a release goes to it whatever its build targets.";
  if (!targets)
    return "This registry lists no targets of its own: it takes files the release made from its builds (a package repository, the packages of its linux targets), so a release goes to it whatever its build targets.";
  const byOs = new Map<string, string[]>();
  for (const t of targetNames.filter((t) => targets.includes(t))) {
    const [os, arch] = t.split("/") as [string, string];
    byOs.set(os, [...(byOs.get(os) ?? []), `\`${arch}\``]);
  }
  return [
    "This registry takes the builds of these targets; `ferry plan` and the report name a release's other targets as left out.",
    "",
    ...[...byOs].map(([os, archs]) => `- ${os}: ${archs.join(", ")}`),
  ].join("\n");
}

/** Each registry page as it must be: its text with the section between the markers rewritten. */
export async function registryPages(): Promise<Array<{ path: string; committed: string; expected: string }>> {
  return Promise.all(
    registryNames.map(async (name) => {
      const path = resolve(docs, `${name}.md`);
      const committed = await readFile(path, "utf8");
      const from = committed.indexOf(start);
      const to = committed.indexOf(end);
      if (from < 0 || to < from) throw new Error(`${path} has no ${start} … ${end} markers`);
      const adapter = (await loadRegistry(name))!;
      const expected = `${committed.slice(0, from)}${start}\n\n${section(adapter.targets, adapter.needs)}\n\n${committed.slice(to)}`;
      return { path, committed, expected };
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const page of await registryPages()) if (page.committed !== page.expected) await writeFile(page.path, page.expected);
}
