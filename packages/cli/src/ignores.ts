import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Project } from "./detect.ts";

/** ferry's output directory as `ferry init` leaves it (the default of `output:`). */
const output = ".ferry/";

/**
 * Keeps ferry's own files out of what the project ships: `.ferry/` out of git, and for a Node
 * package packed from its directory, `.ferry/` and ferry.yaml out of the npm package. Entries
 * already there are kept; returns what it did, one line each, for `ferry init` to say.
 */
export async function writeIgnores(dir: string, project: Project): Promise<string[]> {
  const done: string[] = [];
  const gitignore = join(dir, ".gitignore");
  const git = await readFile(gitignore, "utf8").catch(() => undefined);
  const ignored = withLines(git ?? "", [output]);
  if (ignored.added.length) {
    await writeFile(gitignore, ignored.text);
    done.push(git === undefined ? "wrote .gitignore: .ferry/" : "added .ferry/ to .gitignore");
  }

  // With `files` in package.json npm packs only what it lists, so ferry's files stay out.
  if (project.kind !== "node" || project.npmFiles) return done;
  const npmignore = join(dir, ".npmignore");
  const npm = await readFile(npmignore, "utf8").catch(() => undefined);
  if (npm === undefined) {
    // npm reads .gitignore only while there is no .npmignore, so the new file starts with its entries.
    const header = "# What npm leaves out of the package. npm reads this file instead of .gitignore, so it repeats it.\n";
    await writeFile(npmignore, withLines(header + ignored.text, [output, "ferry.yaml"]).text);
    done.push("wrote .npmignore: the entries of .gitignore, and ferry.yaml");
  } else {
    const { text, added } = withLines(npm, [output, "ferry.yaml"]);
    if (added.length) await writeFile(npmignore, text);
    if (added.length) done.push(`added ${added.join(" and ")} to .npmignore`);
  }
  return done;
}

/** The text with the entries it lacks appended (`.ferry`, `/.ferry/` and `.ferry/` are one entry). */
function withLines(text: string, entries: string[]): { text: string; added: string[] } {
  const normal = (line: string) => line.trim().replace(/^\//, "").replace(/\/$/, "");
  const present = new Set(text.split("\n").map(normal));
  const added = entries.filter((entry) => !present.has(normal(entry)));
  const start = text === "" || text.endsWith("\n") ? text : `${text}\n`;
  return { text: `${start}${added.map((entry) => `${entry}\n`).join("")}`, added };
}
