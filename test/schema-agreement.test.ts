// `ferry schema` (what editors validate with) and `ferry check` must accept and refuse the same ferry.yaml
// files, but for the few checks JSON Schema cannot make, listed here with the reason.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { configJsonSchema, configSchemaUrl, FerryError, loadConfig } from "@ferry/core";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { Project } from "../packages/cli/src/detect.ts";
import { loadRegistry, registryNames } from "../packages/cli/src/registries.ts";
import { defaultRegistries, renderConfig } from "../packages/cli/src/scaffold.ts";
import { ferry } from "./cli.ts";

// ajv-formats is CommonJS with a default export; under NodeNext its callable is on .default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const root = resolve(import.meta.dirname, "..");
const schemaFile = join(root, "docs/ferry.schema.json");

const base = `project:
  name: hello
  description: Says hello.
  homepage: https://example.com/hello
  license: MIT
  repository: acme/hello
build:
  command: go build -o {{output}} .
  targets: [linux/amd64, darwin/arm64, windows/amd64]
`;

/** Valid files: the examples, ferry's own release, and every section with its options. */
const valid: Record<string, string> = {
  "the smallest file": base,
  "prebuilt binaries": base.replace("command: go build -o {{output}} .", "prebuilt: bin/{{os}}-{{arch}}/hello{{ext}}"),
  "no targets, nothing to build": base.replace(/ {2}command: .*\n {2}targets: .*\n/, "  targets: []\n"),
  "build env and dir": `${base}  env:\n    GOOS: "{{os}}"\n  dir: cmd\n`,
  "archives and release": `${base}archives:
  name: "{{project}}-{{version}}-{{os}}-{{arch}}"
  files: [README.md, LICENSE]
release:
  name: "{{project}} {{version}}"
  notes: "## Changes\\n{{changes}}"
  timeout: 600
  tagPrefix: cli/
  changes: { from: changelog, file: docs/CHANGELOG.md }
  files:
    - install.sh
    - { path: "dist/{{project}}.msi", kind: installer, os: windows, arch: amd64 }
`,
  "linux packages": `${base}packages:
  formats: [deb]
  depends: { deb: [libc6], rpm: [glibc] }
  man: [man/hello.1]
  completions: { bash: completions/hello.bash }
`,
  "every registry, some with options": `${base}registries:
  npm: { package: "@acme/hello", access: public, prerelease: true, timeout: 300 }
  pypi: { name: acme-hello, platforms: { linux_amd64: musllinux_1_2_x86_64 } }
  docker: { image: ghcr.io/acme/hello }
  homebrew: { tap: acme/homebrew-tap, cask: false }
  scoop: { bucket: acme/scoop-bucket }
  winget: { identifier: Acme.Hello }
  aur:
  nix: { repository: acme/nur-packages }
  flathub: { appId: io.github.acme.Hello, finishArgs: [--share=network] }
  snap: { confinement: classic }
  chocolatey: {}
`,
};

/** What `ferry init` writes for each kind of project: an editor must show it without a mark. */
const initProject = (kind: Project["kind"]): Project => ({
  kind,
  name: "hello",
  description: "Says hello.",
  license: "MIT",
  homepage: "https://github.com/acme/hello",
  repository: "acme/hello",
  repositoryKnown: true,
  binary: "hello",
  files: ["README.md", "LICENSE"],
  goPackage: ".",
  npmPackage: "@acme/hello",
  nodeBin: "bin/hello.js",
});
for (const kind of ["go", "rust", "node", "plain"] as const) {
  const project = initProject(kind);
  valid[`ferry init's file for a ${kind} project`] = renderConfig(project, defaultRegistries(project));
}

/** Files both refuse. */
const invalid: Record<string, string> = {
  "a misspelt registry option (tapp)": `${base}registries:\n  homebrew:\n    tapp: acme/homebrew-tap\n`,
  "an unknown top-level section (changelog)": `${base}changelog:\n  use: github\n`,
  "an unknown build key": `${base}  colour: red\n`,
  "a build with neither command nor prebuilt": base.replace(/ {2}command: .*\n/, ""),
  "a build with both command and prebuilt": `${base}  prebuilt: bin/hello\n`,
  "a command with no targets": base.replace(/targets: .*/, "targets: []"),
  "a target listed twice": base.replace(/targets: .*/, "targets: [linux/amd64, linux/amd64]"),
  "an unknown target": base.replace(/targets: .*/, "targets: [linux/x86]"),
  "an unknown registry": `${base}registries:\n  cargo: {}\n`,
  "a missing project key": base.replace(/ {2}license: .*\n/, ""),
  "an upper-case project name": base.replace("name: hello", "name: Hello"),
  "a repository that is not owner/name": base.replace("repository: acme/hello", "repository: hello"),
  "an unknown changes source": `${base}release:\n  changes: { from: git }\n`,
  "a tag prefix with spaces": `${base}release:\n  tagPrefix: "my cli/"\n`,
  "a release file with an unknown key": `${base}release:\n  files: [{ path: a.txt, size: 3 }]\n`,
  "a zero timeout": `${base}release:\n  timeout: 0\n`,
  "an archive name with a slash": `${base}archives:\n  name: out/{{project}}\n`,
  "no package formats": `${base}packages:\n  formats: []\n`,
  "an unknown npm access": `${base}registries:\n  npm: { access: private }\n`,
  "a registry's prerelease that is not a boolean": `${base}registries:\n  homebrew: { tap: acme/homebrew-tap, prerelease: "yes" }\n`,
  "a tap not named homebrew-*": `${base}registries:\n  homebrew: { tap: acme/tap }\n`,
  "a winget identifier with one part": `${base}registries:\n  winget: { identifier: Hello }\n`,
  "a homepage that is not http(s)": base.replace("https://example.com/hello", "ftp://example.com/hello"),
  "a snap summary over 78 characters": `${base}registries:\n  snap: { summary: "${"x".repeat(79)}" }\n`,
};

/** Files only `ferry check` refuses: what JSON Schema cannot say, and why. */
const checkOnly: Record<string, { file: string; why: string }> = {
  "an unknown placeholder": {
    file: base.replace("{{output}}", "{{outptu}}"),
    why: "each template key knows its own placeholders; a pattern could list them, but not name the unknown one",
  },
  "two archive files with one name": {
    file: `${base}archives:\n  files: [README.md, docs/README.md]\n`,
    why: "comparing the base names of list items is beyond JSON Schema",
  },
  "an absolute archive file": {
    file: `${base}archives:\n  files: [/etc/passwd]\n`,
    why: "what is absolute depends on the OS ferry runs on",
  },
  "PyPI's platforms with dist": {
    file: `${base}registries:\n  pypi: { dist: dist/python, platforms: { linux_amd64: musllinux_1_2_x86_64 } }\n`,
    why: "a rule across one adapter's options, which its zod refine holds",
  },
};

describe("ferry schema and ferry check", () => {
  let dir: string;
  let schema: object;
  let validate: (data: unknown) => string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-schema-"));
    const adapters = await Promise.all(registryNames.map(async (name) => (await loadRegistry(name))!));
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    schema = configJsonSchema(adapters) as object;
    const check = ajv.compile(schema);
    validate = (data) => (check(data) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** `ferry check`'s verdict on the file's contents: the problems it names, none when valid. */
  const checkProblems = async (text: string): Promise<string[]> => {
    const path = join(dir, "ferry.yaml");
    await writeFile(path, text);
    return loadConfig(path, registryNames, loadRegistry).then(
      () => [],
      (error: unknown) => {
        if (!(error instanceof FerryError) || error.code !== "ConfigInvalid") throw error;
        return [error.message];
      },
    );
  };

  it.each(Object.entries(valid))("both accept %s", async (_, text) => {
    expect(validate(parseYaml(text))).toEqual([]);
    expect(await checkProblems(text)).toEqual([]);
  });

  it.each([["examples/hello/ferry.yaml"], [".github/ferry.yaml"]])("both accept %s", async (file) => {
    const text = await readFile(join(root, file), "utf8");
    expect(validate(parseYaml(text))).toEqual([]);
    expect(await checkProblems(text)).toEqual([]);
  });

  it.each(Object.entries(invalid))("both refuse %s", async (_, text) => {
    expect(validate(parseYaml(text))).not.toEqual([]);
    expect(await checkProblems(text)).not.toEqual([]);
  });

  it.each(Object.entries(checkOnly))("only ferry check refuses %s", async (_, { file }) => {
    expect(validate(parseYaml(file))).toEqual([]);
    expect(await checkProblems(file)).not.toEqual([]);
  });

  it("describes every option", () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string, named: boolean) => {
      if (!node || typeof node !== "object") return;
      const { properties, description, anyOf } = node as { properties?: Record<string, unknown>; description?: string; anyOf?: unknown[] };
      if (named && !description) undescribed.push(path);
      for (const [key, child] of Object.entries(properties ?? {})) walk(child, path ? `${path}.${key}` : key, true);
      // A section that may also be null (`npm:`) is an anyOf of its object and null; the build's anyOf only says which keys it needs.
      for (const branch of anyOf ?? []) if ((branch as { type?: string }).type === "object") walk(branch, path, false);
    };
    walk(schema, "", false);
    expect(undescribed).toEqual([]);
  });

  it("is what `ferry schema` prints and docs/ferry.schema.json holds, with its $id", async () => {
    const printed = await ferry(["schema"], { cwd: dir });
    expect(printed.code).toBe(0);
    const schema = JSON.parse(printed.stdout) as { $id: string };
    expect(schema.$id).toBe(configSchemaUrl);
    const documented = JSON.parse(await readFile(schemaFile, "utf8")) as unknown;
    expect(documented, "regenerate it: node packages/cli/bin/ferry.js schema > docs/ferry.schema.json").toEqual(schema);
  });
});
