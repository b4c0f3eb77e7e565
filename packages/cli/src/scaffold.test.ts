import { configSchemaUrl } from "@ferry/core";
import { parse } from "yaml";
import { expect, it } from "vitest";
import type { Project } from "./detect.ts";
import { gitHubRepository } from "./detect.ts";
import { loadRegistry, registryNames } from "./registries.ts";
import { registryTemplates, renderConfig } from "./scaffold.ts";

const project: Project = {
  kind: "go",
  name: "hello-world",
  description: "Says: hello # not a comment",
  license: "MIT",
  homepage: "https://github.com/acme-co/hello-world",
  repository: "acme-co/hello-world",
  repositoryKnown: true,
  binary: "hello-world",
  files: ["README.md"],
  goPackage: ".",
};

it("has a template for every registry, whose section its adapter accepts", async () => {
  expect(registryTemplates.map((r) => r.name).sort()).toEqual([...registryNames].sort());
  for (const template of registryTemplates) {
    const adapter = (await loadRegistry(template.name))!;
    const parsed = adapter.options.safeParse(template.options(project));
    expect(parsed.success, `${template.name}: ${parsed.error?.message}`).toBe(true);
  }
});

it("writes every registry into ferry.yaml, the disabled ones as comments that parse when uncommented", () => {
  const text = renderConfig(project, ["homebrew"]);
  expect(text.split("\n")[0]).toBe(`# yaml-language-server: $schema=${configSchemaUrl}`);
  const file = parse(text) as { project: Project; registries: Record<string, unknown> };
  expect(file.project.description).toBe("Says: hello # not a comment");
  expect(Object.keys(file.registries)).toEqual(["homebrew"]);
  const uncommented = parse(text.replace(/^ {2}# ([a-z]+:( \{\})?|  \S.*)$/gm, "  $1")) as { registries: Record<string, unknown> };
  expect(Object.keys(uncommented.registries).sort()).toEqual([...registryNames].sort());
  expect(uncommented.registries.flathub).toEqual({ appId: "io.github.acme_co.HelloWorld" });
  expect(uncommented.registries.winget).toEqual({ identifier: "AcmeCo.HelloWorld" });
});

it("reads owner/name from the forms a GitHub repository is written in", () => {
  for (const form of [
    "https://github.com/acme/hello.git",
    "https://github.com/acme/hello",
    "git@github.com:acme/hello.git",
    "ssh://git@github.com/acme/hello.git",
    "git+https://github.com/acme/hello.git",
    "github:acme/hello",
    "github.com/acme/hello/v2",
    "acme/hello",
  ]) {
    expect(gitHubRepository(form), form).toBe("acme/hello");
  }
  expect(gitHubRepository("https://gitlab.com/acme/hello.git")).toBeUndefined();
  expect(gitHubRepository("example.com/hello")).toBeUndefined();
});
