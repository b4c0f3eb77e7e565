// The docs against the code: every ferry.yaml snippet passes `ferry check`, and the commands and flags the
// docs show are the ones `ferry --help` lists, and the reverse. Snippet marks (README.md, "Docs"):
// ```yaml is a whole ferry.yaml, ```yaml partial a part of one (the test adds what it leaves out),
// ```yaml workflow a GitHub Actions workflow or step, not ferry.yaml.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { FerryError, loadConfig } from "@ferry/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { loadRegistry, registryNames } from "../packages/cli/src/registries.ts";
import { quickAnswer } from "../packages/cli/src/usage.ts";

const root = resolve(import.meta.dirname, "..");

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".md")).map((e) => join(e.parentPath, e.name));
}

const docs = await Promise.all(
  [join(root, "README.md"), ...(await markdownFiles(join(root, "docs")))].map(async (path) => ({
    name: relative(root, path),
    text: await readFile(path, "utf8"),
  })),
);

interface Fence {
  doc: string;
  line: number;
  lang: string;
  mark: string;
  body: string;
}

const fences: Fence[] = docs.flatMap(({ name, text }) =>
  [...text.matchAll(/^```(\w*)[ \t]*([\w-]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    doc: name,
    line: text.slice(0, m.index).split("\n").length,
    lang: m[1]!,
    mark: m[2]!,
    body: m[3]!,
  })),
);

/** What the test puts around a partial snippet: the sections every ferry.yaml needs. */
const minimal = {
  project: { name: "hello", description: "Says hello.", homepage: "https://example.com/hello", license: "MIT", repository: "acme/hello" },
  build: { command: "go build -o {{output}} .", targets: ["linux/amd64", "darwin/arm64", "windows/amd64"] },
};

describe("ferry.yaml snippets in the docs", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-docs-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const snippets = fences.filter((f) => f.lang === "yaml");

  it("are each marked as a whole file, a part of one, or a workflow", () => {
    expect(snippets.filter((f) => !["", "partial", "workflow"].includes(f.mark)).map((f) => `${f.doc}:${f.line} ${f.mark}`)).toEqual([]);
    expect(snippets.filter((f) => f.mark !== "workflow").length).toBeGreaterThan(10);
  });

  it.each(snippets.filter((f) => f.mark !== "workflow").map((f) => [`${f.doc}:${f.line}`, f] as const))(
    "%s passes ferry check",
    async (_, f) => {
      const snippet = (parseYaml(f.body) ?? {}) as Record<string, unknown>;
      const text = f.mark === "partial" ? stringify({ ...minimal, ...snippet }) : f.body;
      const path = join(dir, "ferry.yaml");
      await writeFile(path, text);
      const problem = await loadConfig(path, registryNames, loadRegistry).then(
        () => "",
        (error: unknown) => (error instanceof FerryError ? error.message : String(error)),
      );
      expect(problem).toBe("");
    },
  );
});

/** What `ferry --help` (or `ferry help <command>`) prints. */
function help(...argv: string[]): string {
  let text = "";
  quickAnswer(
    argv.length ? ["help", ...argv] : ["--help"],
    (t) => (text += t),
    (t) => (text += t),
  );
  return text;
}

const flagsOf = (text: string) => new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]));
const commands = [...help().matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
const everywhere = new Set(["--help", "-h", "--version", "-V"]);

/** Every `ferry <command> …` in the docs' code (fenced blocks and inline spans), with its flags. */
const invocations = docs.flatMap(({ name, text }) => {
  // Fenced code without its comments (`# …`), which are prose.
  const code = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.replace(/(^|\s)#.*$/gm, ""));
  const spans = [...text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...code, ...spans].flatMap((segment) =>
    [...segment.matchAll(/(?:^|[\s;&|(])ferry[ \t]+([a-z][a-z-]*)(?![\w.@/])([^\n#;&|`]*)/gm)].map((m) => ({
      doc: name,
      command: m[1]!,
      flags: [...(m[2] ?? "").matchAll(/(?<![\w-])(--?[a-zA-Z][\w-]*)/g)].map((f) => f[1]!),
      text: m[0].trim(),
    })),
  );
});

describe("commands and flags in the docs", () => {
  it("finds the commands and the docs' invocations", () => {
    expect(commands).toContain("release");
    expect(invocations.length).toBeGreaterThan(30);
  });

  it("documents only commands ferry has, with flags those commands take", () => {
    const wrong: string[] = [];
    for (const { doc, command, flags, text } of invocations) {
      if (!commands.includes(command)) {
        wrong.push(`${doc}: ${text} (no command ${command})`);
        continue;
      }
      const known = new Set([...flagsOf(help(command)), ...[...help(command).matchAll(/(?<![\w-])-[a-zA-Z](?=[,\s])/g)].map((m) => m[0])]);
      for (const flag of flags) if (!known.has(flag) && !everywhere.has(flag)) wrong.push(`${doc}: ${text} (${command} has no ${flag})`);
    }
    expect(wrong).toEqual([]);
  });

  it("documents every command and every flag --help lists", () => {
    const all = docs.map((d) => d.text).join("\n");
    const helpFlags = new Set([...flagsOf(help()), ...commands.flatMap((c) => [...flagsOf(help(c))])]);
    const undocumented = [
      ...commands.filter((c) => !invocations.some((i) => i.command === c)).map((c) => `ferry ${c}`),
      ...[...helpFlags].filter((flag) => !new RegExp(`(?<![\\w-])${flag}(?![\\w-])`).test(all)),
    ];
    expect(undocumented).toEqual([]);
  });
});
