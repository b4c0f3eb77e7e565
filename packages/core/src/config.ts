import { readFile } from "node:fs/promises";
import { access } from "node:fs/promises";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { FerryError } from "./errors.ts";
import { fileKinds } from "./manifest.ts";
import { packagesSchema, type PackagesOptions } from "./linux-packages/index.ts";
import type { Prepared, Project, Registry } from "./registry.ts";
import {
  archivePlaceholders,
  buildPlaceholders,
  filePlaceholders,
  notesPlaceholders,
  releasePlaceholders,
  templateString,
} from "./template.ts";
import { architectures, operatingSystems, parseTarget, targetNames, type Target, type TargetName } from "./targets.ts";
import { httpUrl } from "./schemas.ts";

const target = z.enum(targetNames as [TargetName, ...TargetName[]], {
  error: (issue) => `unknown target "${String(issue.input)}"; known: ${targetNames.join(", ")}`,
});

const projectSchema = z
  .object({
    /** The project's name; the default name of every package. */
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "expected lowercase letters, digits, '.', '_' or '-'"),
    description: z.string().min(1),
    homepage: httpUrl(),
    /** An SPDX license identifier. */
    license: z.string().min(1),
    /** `owner/name` of the GitHub repository that holds the releases. */
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name"),
    /** The binary's name, without `.exe`. @default project.name */
    binary: z.string().optional(),
    /** The maintainer, `Name <email>`. @default the repository owner */
    author: z.string().optional(),
  })
  .strict();

const buildSchema = z
  .object({
    /** Platforms to build, `<os>/<arch>`; none for a project that releases no binaries, only release.files. */
    targets: z.array(target).refine((targets) => new Set(targets).size === targets.length, "lists a target twice"),
    /** Shell command run once per target, with {{os}}, {{arch}}, {{version}}, {{output}} filled in. */
    command: templateString(buildPlaceholders).optional(),
    /** Extra environment for the command; values are templates too. */
    env: z.record(z.string(), templateString(buildPlaceholders)).default({}),
    /** Instead of a command: where each target's binary already is (a template, relative to the project). */
    prebuilt: templateString(buildPlaceholders).optional(),
    /** Directory the command runs in, relative to the project. @default "." */
    dir: z.string().default("."),
  })
  .strict()
  .refine((b) => (b.targets.length ? (b.command === undefined) !== (b.prebuilt === undefined) : !b.command && !b.prebuilt), {
    message: "set exactly one of command or prebuilt, or neither with no targets",
  });

const archivesSchema = z
  .object({
    /** Archive name without extension. @default "{{project}}_{{version}}_{{os}}_{{arch}}" */
    name: templateString(archivePlaceholders)
      .regex(/^[^/\\]+$/, "is a file name: no / or \\ (archives are written into the output directory)")
      .default("{{project}}_{{version}}_{{os}}_{{arch}}"),
    /** Extra files to include (README, LICENSE), relative to the project. @default [] */
    files: z
      .array(
        z
          .string()
          .min(1)
          .refine((file) => !isAbsolute(file), "expected a path relative to the project, not an absolute one"),
      )
      .default([])
      .superRefine((files, ctx) => {
        const seen = new Map<string, string>();
        for (const file of files) {
          const other = seen.get(basename(file));
          if (other) ctx.addIssue({ code: "custom", message: `${other} and ${file} would both be ${basename(file)} in the archive` });
          seen.set(basename(file), file);
        }
      }),
  })
  .strict();

const changesSchema = z
  .object({
    /**
     * Where `{{changes}}` comes from: `commits` (the commits since the previous tag, grouped by
     * conventional-commit type when the history uses them), `github` (GitHub's generated release
     * notes) or `changelog` (this version's section of a Keep a Changelog file). @default "commits"
     */
    from: z.enum(["commits", "github", "changelog"]).default("commits"),
    /** The changelog, relative to the project, for `from: changelog`. @default "CHANGELOG.md" */
    file: z.string().min(1).default("CHANGELOG.md"),
  })
  .strict();

const releaseSchema = z
  .object({
    /** Release title, a template. @default "{{tag}}" */
    name: templateString(releasePlaceholders).default("{{tag}}"),
    /** Release notes (Markdown), a template; `{{changes}}` is the list of changes. @default "{{changes}}" */
    notes: templateString(notesPlaceholders).default("{{changes}}"),
    /** Seconds the GitHub release (draft, uploads, publishing) may take before it fails. @default 900 */
    timeout: z.number().positive().optional(),
    changes: changesSchema.default({ from: "commits", file: "CHANGELOG.md" }),
    /**
     * What comes before the version in this project's tags, when several projects share a
     * repository: `cli/` releases from tags like `cli/v1.2.3`. @default ""
     */
    tagPrefix: z
      .string()
      .regex(/^([\w.@/-]*[/@_-])?$/, "expected letters, digits, '.', '_', '@', '/' or '-', ending in '/', '-', '_' or '@'")
      .default(""),
    /**
     * Extra files attached to the release as they are, relative to the project; templates allowed
     * ({{version}}, {{tag}}, {{project}}, {{binary}}). A path, or `{ path, kind, os, arch }`. @default []
     */
    files: z
      .array(
        z.union([
          templateString(filePlaceholders),
          z
            .object({
              path: templateString(filePlaceholders),
              /** @default "file" */
              kind: z.enum(fileKinds).optional(),
              os: z.enum(operatingSystems).optional(),
              arch: z.enum(architectures).optional(),
            })
            .strict(),
        ]),
      )
      .default([]),
  })
  .strict();

/** Keys every registry section accepts besides the adapter's own. */
const commonKeys = z.object({
  /** Publish prereleases to registries that skip them by default. @default false */
  prerelease: z.boolean().optional(),
  /** Seconds before this registry's run is abandoned. @default 900 */
  timeout: z.number().positive().optional(),
});
export type CommonOptions = z.infer<typeof commonKeys>;

export interface Config {
  /** ferry.yaml's own path. */
  path: string;
  project: Project;
  build: Omit<z.infer<typeof buildSchema>, "targets"> & { targets: Target[] };
  archives: z.infer<typeof archivesSchema>;
  release: z.infer<typeof releaseSchema>;
  /** .deb and .rpm packages of the linux targets, when ferry.yaml asks for them. */
  packages?: PackagesOptions | undefined;
  /** Registry sections in file order, each with the adapter's validated options. */
  registries: Array<{ name: string; options: unknown; common: CommonOptions }>;
}

export type AdapterLoader = (name: string) => Promise<Registry<unknown, Prepared> | undefined>;

const fileSchema = (registryNames: readonly string[]) =>
  z
    .object({
      project: projectSchema,
      build: buildSchema,
      archives: archivesSchema.default({ name: "{{project}}_{{version}}_{{os}}_{{arch}}", files: [] }),
      release: releaseSchema.default({
        name: "{{tag}}",
        notes: "{{changes}}",
        changes: { from: "commits", file: "CHANGELOG.md" },
        tagPrefix: "",
        files: [],
      }),
      packages: packagesSchema.optional(),
      registries: z
        .record(z.string(), z.record(z.string(), z.unknown()).nullable())
        .default({})
        .superRefine((sections, ctx) => {
          for (const name of Object.keys(sections)) {
            if (!registryNames.includes(name)) {
              ctx.addIssue({
                code: "custom",
                path: [name],
                message: `unknown registry "${name}"; known: ${registryNames.join(", ")}`,
              });
            }
          }
        }),
    })
    .strict();

export const configFiles = ["ferry.yaml", "ferry.yml", "ferry.json"];

/** Finds ferry.yaml (or .yml/.json) in a directory. */
export async function findConfig(dir: string): Promise<string> {
  for (const name of configFiles) {
    const path = resolve(dir, name);
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  throw new FerryError("ConfigNotFound", {
    what: `No ferry.yaml in ${dir}.`,
    fix: "Create one with `ferry init`, or pass --config <path>.",
  });
}

/** Reads and validates ferry.yaml, including every registry section against its adapter's schema. */
export async function loadConfig(path: string, registryNames: readonly string[], load: AdapterLoader): Promise<Config> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new FerryError("ConfigNotFound", {
      what: `Cannot read ${path}: ${error.code ?? error.message}.`,
      fix: "Pass the path of your ferry.yaml with --config.",
    });
  });
  let raw: unknown;
  try {
    raw = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw configInvalid(path, [(error as Error).message.split("\n")[0] ?? "unparsable"]);
  }
  const parsed = fileSchema(registryNames).safeParse(raw);
  if (!parsed.success) throw configInvalid(path, issues(parsed.error));
  const file = parsed.data;

  const registries: Config["registries"] = [];
  const problems: string[] = [];
  for (const [name, section] of Object.entries(file.registries)) {
    const adapter = await load(name);
    if (!adapter) continue;
    const { prerelease, timeout, ...own } = section ?? {};
    const common = commonKeys.safeParse({ prerelease, timeout });
    const options = adapter.options.safeParse(own);
    if (!common.success) problems.push(...issues(common.error, ["registries", name]));
    if (!options.success) problems.push(...issues(options.error, ["registries", name]));
    if (common.success && options.success) registries.push({ name, options: options.data, common: common.data });
  }
  if (problems.length) throw configInvalid(path, problems);

  const dir = dirname(resolve(path));
  return {
    path: resolve(path),
    project: {
      ...file.project,
      binary: file.project.binary ?? file.project.name,
      author: file.project.author ?? file.project.repository.split("/")[0]!,
      dir,
    },
    build: {
      ...file.build,
      targets: file.build.targets.map((t) => parseTarget(t)!),
    },
    archives: file.archives,
    release: file.release,
    packages: file.packages,
    registries,
  };
}

function issues(error: z.ZodError, prefix: PropertyKey[] = []): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join(".") || "(top level)";
    return `${path}: ${issue.message}`;
  });
}

/** ferry.yaml's ConfigInvalid error: every problem on its own line, each starting with its key. */
export function configInvalid(path: string, problems: string[]): FerryError {
  return new FerryError("ConfigInvalid", {
    what: `${path} is not valid:\n  - ${problems.join("\n  - ")}\n`,
    fix: "Fix the keys above (`ferry schema` prints the full schema for editors), then run `ferry check`.",
  });
}

/** A JSON Schema of ferry.yaml with every registry's section, for editors. */
export function configJsonSchema(adapters: ReadonlyArray<Registry<unknown, Prepared>>): unknown {
  const registries = z.object(Object.fromEntries(adapters.map((a) => [a.name, z.intersection(commonKeys, a.options).optional()]))).strict();
  const schema = z.object({
    project: projectSchema,
    build: buildSchema,
    archives: archivesSchema.optional(),
    release: releaseSchema.optional(),
    packages: packagesSchema.optional(),
    registries: registries.optional(),
  });
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
}
