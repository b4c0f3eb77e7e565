import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";

const bin = resolve(import.meta.dirname, "../packages/cli/bin/ferry.js");

export interface FerryRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `ferry` command, as a user would, with only the environment given (plus PATH and HOME). */
export async function ferry(args: string[], { cwd, env = {} }: { cwd: string; env?: Record<string, string> }): Promise<FerryRun> {
  const result = await execa("node", [bin, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CI: "true", ...env },
    extendEnv: false,
    reject: false,
  });
  return { code: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** The `project:` section of the hello project whose .deb, .rpm and .apk packages the Linux package tests build. */
export const linuxPackageProject = `project:
  name: hello
  description: Says hello and prints its version.
  homepage: https://example.com/hello
  license: MIT
  repository: ferry-test/hello
  author: Acme <dev@acme.test>
`;

/**
 * A project whose build "compiles" a shell script that prints `<name> <version>`: a real build
 * command, run per target, fast enough for every test.
 */
export async function scriptProject(name: string, registries: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-project-"));
  await writeFile(join(dir, "README.md"), `# ${name}\n`);
  await writeFile(
    join(dir, "ferry.yaml"),
    `project:
  name: ${name}
  description: Says hello and prints its version.
  homepage: https://example.com/${name}
  license: MIT
  repository: ferry-test/${name}
build:
  command: printf '#!/bin/sh\\necho "${name} {{version}} {{os}}/{{arch}}"\\n' > {{output}}
  targets: [linux/amd64, linux/arm64, darwin/arm64, windows/amd64]
archives:
  files: [README.md]
registries:
${registries}
`,
  );
  return dir;
}
