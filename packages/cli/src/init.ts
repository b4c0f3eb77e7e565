import { access, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { createInterface } from "node:readline/promises";
import { configFiles, FerryError } from "@ferry/core";
import { detectProject, gitHubRepository, type Project } from "./detect.ts";
import { writeIgnores } from "./ignores.ts";
import { defaultRegistries, renderConfig, renderWorkflow } from "./scaffold.ts";
import { parseCommandLine } from "./usage.ts";

const workflowPath = join(".github", "workflows", "release.yml");

/**
 * `ferry init [--yes] [--force] [--split]`: writes ferry.yaml and .github/workflows/release.yml
 * for the project in the current directory, and keeps ferry's output out of git (and of an npm
 * package packed from the directory). Asks only in a terminal, and never in CI.
 */
export async function init(argv: string[], cwd = process.cwd(), env = process.env): Promise<number> {
  const flags = parseInitFlags(argv);
  const project = await detectProject(cwd, env);

  const written = ["ferry.yaml", workflowPath];
  if (!flags.force) {
    const present = [];
    for (const file of [...configFiles, workflowPath]) if (await exists(join(cwd, file))) present.push(file);
    if (present.length) {
      throw new FerryError("UsageInvalid", {
        what: `${present.join(" and ")} already exist${present.length === 1 ? "s" : ""} in ${cwd}; nothing was written.`,
        fix: "Run `ferry init --force` to replace them, or edit them by hand.",
      });
    }
  }

  const interactive = !flags.yes && process.stdin.isTTY && process.stdout.isTTY && !env.CI;
  if (interactive && !(await confirm(project))) {
    process.stderr.write("nothing was written\n");
    return 2;
  }

  const registries = defaultRegistries(project);
  await writeFile(join(cwd, "ferry.yaml"), renderConfig(project, registries, { split: flags.split }));
  await mkdir(dirname(join(cwd, workflowPath)), { recursive: true });
  await writeFile(join(cwd, workflowPath), renderWorkflow(project, registries, { split: flags.split }));
  const ignores = await writeIgnores(cwd, project);

  const out = (text: string) => process.stdout.write(text);
  out(`detected a ${describe(project)}: ${project.name}\n`);
  for (const file of written) out(`wrote ${relative(cwd, join(cwd, file))}\n`);
  for (const line of ignores) out(`${line}\n`);
  out(`registries: ${registries.join(", ") || "none yet (uncomment them in ferry.yaml)"}\n`);
  if (!project.repositoryKnown) out("set project.repository in ferry.yaml: no GitHub remote was found\n");
  if (project.kind === "plain" || (project.kind === "node" && !project.nodeBin)) out("set build.command in ferry.yaml\n");
  out("next: ferry plan --tag v0.1.0\n");
  return 0;
}

function parseInitFlags(argv: string[]) {
  const options = {
    yes: { type: "boolean", short: "y", default: false },
    force: { type: "boolean", default: false },
    split: { type: "boolean", default: false },
  } as const;
  return parseCommandLine(argv, options, "init", false).values;
}

function describe(p: Project): string {
  return { go: "Go module", rust: "Cargo crate", node: "Node package", plain: "project" }[p.kind];
}

/** Shows what was detected and lets the user change the name, description and repository. */
async function confirm(project: Project): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const ask = async (label: string, value: string) => (await rl.question(`${label} (${value}): `)).trim() || value;
    process.stdout.write(`Detected a ${describe(project)}. Press Enter to keep a value.\n`);
    project.name = await ask("name", project.name);
    project.description = await ask("description", project.description);
    const repository = gitHubRepository(await ask("GitHub repository", project.repository));
    if (repository && repository !== project.repository) {
      if (project.homepage === `https://github.com/${project.repository}`) project.homepage = `https://github.com/${repository}`;
      project.repository = repository;
      project.repositoryKnown = true;
    }
    return !/^n/i.test((await rl.question("Write ferry.yaml and the release workflow? [Y/n] ")).trim());
  } finally {
    rl.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
