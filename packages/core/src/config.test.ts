import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "./config.ts";
import { FerryError } from "./errors.ts";
import type { Prepared, Registry } from "./registry.ts";

const fake = {
  name: "npm",
  needs: ["binaries"],
  options: z.object({ package: z.string().optional() }).strict(),
} as unknown as Registry<unknown, Prepared>;

const write = async (text: string) => {
  const dir = await mkdtemp(join(tmpdir(), "ferry-config-"));
  await writeFile(join(dir, "ferry.yaml"), text);
  return join(dir, "ferry.yaml");
};

const valid = `
project:
  name: hello
  description: Says hello.
  homepage: https://example.com
  license: MIT
  repository: acme/hello
build:
  command: go build -o {{output}} .
  targets: [linux/amd64, windows/arm64]
registries:
  npm:
    package: "@acme/hello"
    prerelease: true
`;

const load = (path: string) => loadConfig(path, ["npm", "pypi"], (name) => Promise.resolve(name === "npm" ? fake : undefined));

it("reads a valid file, with defaults filled in", async () => {
  const config = await load(await write(valid));
  expect(config.project).toMatchObject({ name: "hello", binary: "hello", author: "acme" });
  expect(config.build.targets).toEqual([
    { os: "linux", arch: "amd64" },
    { os: "windows", arch: "arm64" },
  ]);
  expect(config.registries).toEqual([{ name: "npm", options: { package: "@acme/hello" }, common: { prerelease: true } }]);
});

it("puts ferry's output in .ferry/ unless output: names another directory inside the project", async () => {
  const path = await write(valid);
  expect((await load(path)).output).toBe(join(path, "..", ".ferry"));
  await writeFile(path, `output: build/release\n${valid}`);
  expect((await load(path)).output).toBe(join(path, "..", "build", "release"));
  for (const outside of ["..", "../out", "/tmp/out", ".", "a/../.."]) {
    await writeFile(path, `output: ${outside}\n${valid}`);
    const error = await load(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ConfigInvalid", exitCode: 2 });
    expect((error as FerryError).message).toContain("output: expected a directory inside the project, relative to it, e.g. .ferry");
  }
});

it("names every wrong key and type with its path", async () => {
  const path = await write(
    valid
      .replace("targets: [linux/amd64, windows/arm64]", "targets: [linux/x86]\n  colour: red")
      .replace('package: "@acme/hello"', "package: 42")
      .replace("registries:", "registries:\n  cargo: {}"),
  );
  const error = await load(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FerryError);
  expect((error as FerryError).code).toBe("ConfigInvalid");
  expect((error as FerryError).exitCode).toBe(2);
  const message = (error as FerryError).message;
  expect(message).toContain('build.targets.0: unknown target "linux/x86"; known: linux/386, linux/amd64');
  expect(message).toContain("build.colour: unknown key");
  expect(message).toContain('registries.cargo: unknown registry "cargo"');
});

it("takes no targets and no command for a project that releases only its files; refuses a command with none", async () => {
  const noBinaries = valid.replace("  command: go build -o {{output}} .\n  targets: [linux/amd64, windows/arm64]", "  targets: []");
  expect((await load(await write(noBinaries))).build.targets).toEqual([]);
  const error = (await load(await write(valid.replace("targets: [linux/amd64, windows/arm64]", "targets: []"))).catch(
    (e: unknown) => e,
  )) as FerryError;
  expect(error.message).toContain("set exactly one of command or prebuilt, or neither with no targets");
});

it("checks a registry's section against its adapter", async () => {
  const path = await write(valid.replace('package: "@acme/hello"', "package: 42"));
  const error = (await load(path).catch((e: unknown) => e)) as FerryError;
  expect(error.message).toContain("registries.npm.package: Invalid input: expected string, received number");
});

it("explains unparsable YAML", async () => {
  const path = await write("project: [");
  const error = (await load(path).catch((e: unknown) => e)) as FerryError;
  expect(error.code).toBe("ConfigInvalid");
});

it("refuses an unknown placeholder in any template, naming its key", async () => {
  const path = await write(
    valid
      .replace("command: go build -o {{output}} .", 'command: go build -o {{output}} .\n  env: { GOOS: "{{goos}}" }')
      .replace(
        "registries:",
        'archives:\n  name: "{{project}}_{{output}}"\nrelease:\n  name: "{{.Version}}"\n  notes: "{{changes}} {{changelog}}"\n  files: ["a-{{os}}.tgz"]\nregistries:',
      ),
  );
  const message = ((await load(path).catch((e: unknown) => e)) as FerryError).message;
  expect(message).toContain(
    "build.env.GOOS: unknown placeholder {{goos}}; known here: {{project}}, {{binary}}, {{version}}, {{tag}}, {{os}}, {{arch}}, {{goarch}}, {{goarm}}, {{triple}}, {{ext}}, {{output}}",
  );
  expect(message).toContain("archives.name: unknown placeholder {{output}}");
  expect(message).toContain("release.name: unknown placeholder {{.Version}}");
  expect(message).toContain("release.notes: unknown placeholder {{changelog}}");
  expect(message).toContain("release.files.0: unknown placeholder {{os}}");
});

it("reads release templates, where changes come from, and a tag prefix", async () => {
  const config = await load(
    await write(`${valid}release:\n  name: "hello {{version}}"\n  changes: { from: changelog }\n  tagPrefix: cli/\n`),
  );
  expect(config.release).toEqual({
    name: "hello {{version}}",
    notes: "{{changes}}",
    changes: { from: "changelog", file: "CHANGELOG.md" },
    tagPrefix: "cli/",
    files: [],
  });
  expect((await load(await write(valid))).release).toMatchObject({ name: "{{tag}}", notes: "{{changes}}", changes: { from: "commits" } });
});
