import { readFile } from "node:fs/promises";
import { access } from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { FerryError } from "./errors.ts";
import { fileKinds } from "./manifest.ts";
import { installerKinds, type InstallerKind } from "./installers.ts";
import { packagesSchema, type PackagesOptions } from "./linux-packages/index.ts";
import { sbomSchema, type SbomOptions } from "./sbom/index.ts";
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
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, "expected lowercase letters, digits, '.', '_' or '-'")
      .meta({ description: "The project's name; the default name of every package." }),
    description: z.string().min(1).meta({ description: "One line saying what the project does; every registry's summary." }),
    homepage: httpUrl().meta({ description: "The project's web page, an http(s) URL." }),
    license: z.string().min(1).meta({ description: "An SPDX license identifier." }),
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name")
      .meta({ description: "`owner/name` of the GitHub repository that holds the releases." }),
    binary: z
      .string()
      .regex(/^\w[\w.+-]*$/, "expected a file name: letters, digits, '.', '_', '+' or '-', no path")
      .refine((name) => !/\.exe$/i.test(name), "without .exe (ferry adds it for windows targets)")
      .optional()
      .meta({ description: "The binary's name, without `.exe`. Default: project.name." }),
    author: z.string().optional().meta({ description: "The maintainer, `Name <email>`. Default: the repository owner." }),
  })
  .strict();

const buildSchema = z
  .object({
    targets: z
      .array(target)
      .refine((targets) => new Set(targets).size === targets.length, "lists a target twice")
      .meta({
        description: "Platforms to build, `<os>/<arch>`; none for a project that releases no binaries, only release.files.",
        uniqueItems: true,
        examples: [["linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64"]],
      }),
    command: templateString(buildPlaceholders)
      .min(1, "expected a command")
      .optional()
      .meta({ description: "Shell command run once per target, with {{os}}, {{arch}}, {{version}}, {{output}} filled in." }),
    env: z
      .record(z.string(), templateString(buildPlaceholders))
      .default({})
      .meta({ description: "Extra environment for the command; values are templates too." }),
    prebuilt: templateString(buildPlaceholders)
      .optional()
      .meta({ description: "Instead of a command: where each target's binary already is (a template, relative to the project)." }),
    dir: z
      .string()
      .min(1, 'expected a directory ("." for the project\'s own)')
      .default(".")
      .meta({ description: "Directory the command runs in, relative to the project." }),
  })
  .strict()
  .refine(
    (b) =>
      b.targets.length ? (b.command === undefined) !== (b.prebuilt === undefined) : b.command === undefined && b.prebuilt === undefined,
    {
      message: "set exactly one of command or prebuilt, or neither with no targets",
    },
  )
  // The refine above, for editors: JSON Schema cannot run it, but can say it.
  .meta({
    description: "How each target's binary is made: by `command`, or found where `prebuilt` says.",
    anyOf: [
      { properties: { targets: { type: "array", minItems: 1 }, command: true, prebuilt: false }, required: ["command"] },
      { properties: { targets: { type: "array", minItems: 1 }, command: false, prebuilt: true }, required: ["prebuilt"] },
      { properties: { targets: { type: "array", maxItems: 0 }, command: false, prebuilt: false } },
    ],
  });

const archivesSchema = z
  .object({
    name: templateString(archivePlaceholders)
      .regex(/^[^/\\]+$/, "is a file name: no / or \\ (archives are written into the output directory)")
      .default("{{project}}_{{version}}_{{os}}_{{arch}}")
      .meta({ description: "Archive name without extension." }),
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
      })
      .meta({ description: "Extra files to include (README, LICENSE), relative to the project." }),
  })
  .strict();

const changesSchema = z
  .object({
    from: z.enum(["commits", "github", "changelog"]).default("commits").meta({
      description:
        "Where `{{changes}}` comes from: `commits` (the commits since the previous tag, grouped by conventional-commit type when the history uses them), `github` (GitHub's generated release notes) or `changelog` (this version's section of a Keep a Changelog file).",
    }),
    file: z.string().min(1).default("CHANGELOG.md").meta({ description: "The changelog, relative to the project, for `from: changelog`." }),
  })
  .strict();

const releaseSchema = z
  .object({
    name: templateString(releasePlaceholders).default("{{tag}}").meta({ description: "Release title, a template." }),
    notes: templateString(notesPlaceholders)
      .default("{{changes}}")
      .meta({ description: "Release notes (Markdown), a template; `{{changes}}` is the list of changes." }),
    timeout: z
      .number()
      .positive()
      .optional()
      .meta({ description: "Seconds the GitHub release (draft, uploads, publishing) may take before it fails.", default: 900 }),
    changes: changesSchema
      .default({ from: "commits", file: "CHANGELOG.md" })
      .meta({ description: "Where the list of changes in the release notes comes from." }),
    tagPrefix: z
      .string()
      .regex(/^([\w.@/-]*[/@_-])?$/, "expected letters, digits, '.', '_', '@', '/' or '-', ending in '/', '-', '_' or '@'")
      .default("")
      .meta({
        description:
          "What comes before the version in this project's tags, when several projects share a repository: `cli/` releases from tags like `cli/v1.2.3`.",
      }),
    files: z
      .array(
        z.union([
          templateString(filePlaceholders),
          z
            .object({
              path: templateString(filePlaceholders),
              kind: z.enum(fileKinds).optional().meta({ description: "What the file is, for the manifest.", default: "file" }),
              os: z.enum(operatingSystems).optional().meta({ description: "The OS the file is for, if it is for one." }),
              arch: z.enum(architectures).optional().meta({ description: "The architecture the file is for, if it is for one." }),
            })
            .strict(),
        ]),
      )
      .default([])
      .meta({
        description:
          "Extra files attached to the release as they are, relative to the project; templates allowed ({{version}}, {{tag}}, {{project}}, {{binary}}). A path, or `{ path, kind, os, arch }`.",
      }),
  })
  .strict();

const signSchema = z.strictObject({
  checksums: z.enum(["auto", "keyless", "minisign", "off"]).default("auto").meta({
    description:
      "How checksums.txt is signed when the release is published. `auto`: keyless with Sigstore when the CI hands out an OIDC token (GitHub Actions with `id-token: write`), and with minisign when FERRY_MINISIGN_KEY is set; `keyless` or `minisign`: that one always, and a run without its token or key is refused; `off`: never.",
  }),
  attestations: z.enum(["auto", "on", "off"]).default("auto").meta({
    description:
      "Whether the release's files get a GitHub artifact attestation (SLSA provenance, signed keylessly with Sigstore) once it is public, and npm packages their provenance. `auto`: when the CI hands out an OIDC token (GitHub Actions with `id-token: write`; storing it needs `attestations: write`); `on`: always, and a run without a token is refused; `off`: never.",
  }),
});
export type SignOptions = z.infer<typeof signSchema>;

/** Keys every registry section accepts besides the adapter's own. */
const commonKeys = z.strictObject({
  prerelease: z.boolean().optional().meta({ description: "Publish prereleases to registries that skip them by default.", default: false }),
  timeout: z.number().positive().optional().meta({ description: "Seconds before this registry's run is abandoned.", default: 900 }),
});
export type CommonOptions = z.infer<typeof commonKeys>;

export interface Config {
  /** ferry.yaml's own path. */
  path: string;
  project: Project;
  /** ferry's output directory (absolute): archives, manifest.json, checksums.txt and what registries render. */
  output: string;
  build: Omit<z.infer<typeof buildSchema>, "targets"> & { targets: Target[] };
  archives: z.infer<typeof archivesSchema>;
  release: z.infer<typeof releaseSchema>;
  /** .deb and .rpm packages of the linux targets, when ferry.yaml asks for them. */
  packages?: PackagesOptions | undefined;
  /** What ferry signs. */
  sign: SignOptions;
  /** The one-line installers attached to the release. */
  installers?: InstallerKind[] | undefined;
  /** An SBOM of every archive, when ferry.yaml asks for them. */
  sbom?: SbomOptions | undefined;
  /** Registry sections in file order, each with the adapter's validated options. */
  registries: Array<{ name: string; options: unknown; common: CommonOptions }>;
}

export type AdapterLoader = (name: string) => Promise<Registry<unknown, Prepared> | undefined>;

/** ferry's output directory, relative to the project and inside it, e.g. `.ferry` or `build/release`. */
const outputSchema = z
  .string()
  .min(1)
  .refine((dir) => {
    const inside = relative("/project", resolve("/project", dir));
    return !isAbsolute(dir) && inside !== "" && !inside.startsWith("..");
  }, "expected a directory inside the project, relative to it, e.g. .ferry");

/** ferry.yaml's sections other than `registries`, shared by validation and the JSON Schema. */
const sections = {
  project: projectSchema.meta({ description: "What is released: the defaults every registry's package takes." }),
  output: outputSchema.default(".ferry").meta({
    description: "ferry's output directory (archives, manifest.json, what registries render), relative to the project and inside it.",
  }),
  build: buildSchema,
  archives: archivesSchema
    .default({ name: "{{project}}_{{version}}_{{os}}_{{arch}}", files: [] })
    .meta({ description: "The archives (tar.gz, zip on Windows) the binaries are packed into." }),
  release: releaseSchema
    .default({
      name: "{{tag}}",
      notes: "{{changes}}",
      changes: { from: "commits", file: "CHANGELOG.md" },
      tagPrefix: "",
      files: [],
    })
    .meta({ description: "The GitHub Release every registry downloads from." }),
  packages: packagesSchema
    .optional()
    .meta({ description: "Make .deb and .rpm packages of every linux target and attach them to the release." }),
  sign: signSchema
    .default({ checksums: "auto", attestations: "auto" })
    .meta({ description: "What ferry signs when it publishes the release." }),
  installers: z
    .array(z.enum(installerKinds))
    .default([])
    .meta({ description: "One-line installers to attach to the release: sh (install.sh) and powershell (install.ps1)." }),
  sbom: sbomSchema
    .optional()
    .meta({ description: "Make an SBOM of every archive and attach it to the release (`sbom: {}` for CycloneDX)." }),
};

const fileSchema = (registryNames: readonly string[]) =>
  z.strictObject({
    ...sections,
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
  });

/** A registry's section: the adapter's options and the keys every section takes, one closed object. */
const sectionSchema = (adapter: Registry<unknown, Prepared>) => adapter.options.safeExtend(commonKeys.shape);

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
    const parsed = sectionSchema(adapter).safeParse(section ?? {});
    if (!parsed.success) problems.push(...issues(parsed.error, ["registries", name]));
    else {
      const { prerelease, timeout, ...options } = parsed.data as CommonOptions & Record<string, unknown>;
      registries.push({ name, options, common: { prerelease, timeout } });
    }
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
    output: resolve(dir, file.output),
    build: {
      ...file.build,
      targets: file.build.targets.map((t) => parseTarget(t)!),
    },
    archives: file.archives,
    release: file.release,
    packages: file.packages,
    sign: file.sign,
    installers: [...new Set(file.installers)],
    sbom: file.sbom,
    registries,
  };
}

function issues(error: z.ZodError, prefix: PropertyKey[] = []): string[] {
  const at = (path: PropertyKey[]) => [...prefix, ...path].map(String).join(".") || "(top level)";
  return error.issues.flatMap((issue) =>
    // An unknown key is named in full (build.jobs), as the reader would look for it.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => `${at([...issue.path, key])}: unknown key`)
      : [`${at(issue.path)}: ${issue.message}`],
  );
}

/** ferry.yaml's ConfigInvalid error: every problem on its own line, each starting with its key. */
export function configInvalid(path: string, problems: string[]): FerryError {
  return new FerryError("ConfigInvalid", {
    what: `${path} is not valid:\n  - ${problems.join("\n  - ")}\n`,
    fix: "Fix the keys above (`ferry schema` prints the full schema for editors), then run `ferry check`.",
  });
}

/** Where the JSON Schema of ferry.yaml is published (docs/ferry.schema.json on the main branch); its `$id`. */
export const configSchemaUrl = "https://raw.githubusercontent.com/ferry-dev/ferry/main/docs/ferry.schema.json";

/**
 * The JSON Schema of ferry.yaml with every registry's section, for editors: made from the zod
 * schemas `ferry check` validates with, so both accept the same files (docs/configuration.md lists
 * the few checks only `ferry check` makes).
 */
export function configJsonSchema(adapters: ReadonlyArray<Registry<unknown, Prepared>>): unknown {
  const registries = z.strictObject(
    Object.fromEntries(
      adapters.map((adapter) => [
        adapter.name,
        sectionSchema(adapter)
          .nullable()
          .optional()
          .meta({ description: `Publish to ${adapter.name}.` }),
      ]),
    ),
  );
  const schema = z
    .strictObject({
      ...sections,
      registries: registries.optional().meta({ description: "The registries to publish to, each with its options." }),
    })
    .meta({ $id: configSchemaUrl, title: "ferry.yaml", description: "ferry's configuration: what to build, and where to publish it." });
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
}
