import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import type { Config } from "../config.ts";
import { FerryError } from "../errors.ts";
import type { Version } from "../version.ts";
import { packageFormats, type PackageFormat } from "./archs.ts";

const names = z.array(z.string().min(1));
/** Package relations: one list for every format, or a list per format (their package names differ). */
const relations = z
  .union([
    names,
    z
      .object({
        deb: names.meta({ description: "The relation in the .deb, with Debian's package names." }),
        rpm: names.meta({ description: "The relation in the .rpm, with the RPM distributions' package names." }),
        apk: names.meta({ description: "The relation in the .apk, with Alpine's package names." }),
      })
      .partial()
      .strict(),
  ])
  .default([]);

/** The `packages` section of ferry.yaml: .deb and .rpm packages of every linux target. */
export const packagesSchema = z
  .object({
    formats: z
      .array(z.enum(packageFormats))
      .min(1)
      .default(["deb", "rpm"])
      .meta({ description: "Which packages to make: deb, rpm, apk (Alpine). Default: [deb, rpm]." }),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.+-]*$/, "expected lowercase letters, digits, '.', '+' or '-'")
      .optional()
      .meta({ description: "The package name. Default: project.name." }),
    maintainer: z
      .string()
      .optional()
      .meta({ description: "`Name <email>`. Default: project.author, with a GitHub noreply address when it has none." }),
    depends: relations.meta({
      description: "Packages this one needs, e.g. `[git]` or `{ deb: [libc6], rpm: [glibc] }`.",
      examples: [["git"], { deb: ["libc6"], rpm: ["glibc"] }],
    }),
    conflicts: relations.meta({ description: "Packages that cannot be installed beside this one." }),
    license: z
      .string()
      .optional()
      .meta({ description: "The licence text, relative to the project: Debian's copyright file, /usr/share/licenses elsewhere." }),
    docs: z.array(z.string()).default([]).meta({ description: "Documentation installed to /usr/share/doc/<name>/." }),
    man: z
      .array(z.string().regex(/\.[1-9][a-z]*$/, "expected a man page name ending in its section, e.g. hello.1"))
      .default([])
      .meta({ description: "Man pages (e.g. `man/hello.1`), installed gzipped to /usr/share/man/man<section>/." }),
    completions: z
      .object({
        bash: z.string().meta({ description: "The bash completion script." }),
        zsh: z.string().meta({ description: "The zsh completion script." }),
        fish: z.string().meta({ description: "The fish completion script." }),
      })
      .partial()
      .strict()
      .default({})
      .meta({ description: "Shell completion scripts, relative to the project." }),
  })
  .strict();
export type PackagesOptions = z.infer<typeof packagesSchema>;

export interface PackageFile {
  /** Absolute install path, e.g. /usr/bin/hello. */
  path: string;
  mode: number;
  data: Buffer;
  /** RPM file flags mark documentation and licences. */
  role: "binary" | "doc" | "license" | "other";
}

/** Everything a package format needs, already in that format's names. */
export interface PackageSpec {
  format: PackageFormat;
  name: string;
  /** The version in the format's syntax (see packageVersion). */
  version: string;
  /** The architecture in the format's name. */
  arch: string;
  /** One line, no final period. */
  summary: string;
  /** What follows the first sentence of the project's description, else the summary with the homepage. */
  description: string;
  homepage: string;
  license: string;
  maintainer: string;
  depends: string[];
  conflicts: string[];
  files: PackageFile[];
  /** Every timestamp inside the package. */
  mtime: Date;
}

/** SOURCE_DATE_EPOCH when set (reproducible builds), else the fixed epoch of ferry's archives. */
export function packageTime(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  return env.SOURCE_DATE_EPOCH && Number.isInteger(epoch) && epoch >= 0 ? new Date(epoch * 1000) : new Date("2000-01-01T00:00:00Z");
}

/** A semver as Debian and RPM spell it: a prerelease sorts before its release with `~` (1.2.3~rc.1). */
function packageVersion(version: Version): string {
  const [core, ...build] = version.semver.split("+");
  const [release, ...pre] = core!.split("-");
  const prerelease = pre.join("-");
  const text = prerelease ? `${release}~${prerelease.replace(/-/g, ".")}` : release!;
  return build.length ? `${text}+${build.join("+").replace(/-/g, ".")}` : text;
}

/** The maintainer with an email address, as Debian and RPM want it. */
function maintainerOf(config: Config, options: PackagesOptions): string {
  const author = options.maintainer ?? config.project.author;
  return /<[^>]+@[^>]+>/.test(author) ? author : `${author} <${config.project.repository.split("/")[0]}@users.noreply.github.com>`;
}

const read = (config: Config, path: string, key: string) =>
  readFile(resolve(config.project.dir, path)).catch(() => {
    throw new FerryError("InputMissing", {
      what: `packages.${key} lists ${path}, which does not exist.`,
      fix: "Fix the packages section of ferry.yaml.",
    });
  });

/** The package's files besides the binary, read from the project once for every package. */
export async function readPackageInputs(config: Config, options: PackagesOptions) {
  const load = (paths: string[], key: string) =>
    Promise.all(paths.map(async (path) => ({ name: basename(path), data: await read(config, path, key) })));
  const completions = await Promise.all(
    (["bash", "zsh", "fish"] as const).flatMap((shell) => {
      const path = options.completions[shell];
      return path ? [read(config, path, `completions.${shell}`).then((data) => ({ shell, data }))] : [];
    }),
  );
  return {
    license: options.license ? { name: basename(options.license), data: await read(config, options.license, "license") } : undefined,
    docs: await load(options.docs, "docs"),
    man: await load(options.man, "man"),
    completions,
  };
}
export type PackageInputs = Awaited<ReturnType<typeof readPackageInputs>>;

const gzip = (data: Buffer) => gzipSync(data, { level: 9 });

/** The package for one format and architecture: its metadata and every file it installs. */
export function packageSpec(input: {
  config: Config;
  options: PackagesOptions;
  inputs: PackageInputs;
  version: Version;
  format: PackageFormat;
  arch: string;
  binary: Buffer;
  mtime: Date;
}): PackageSpec {
  const { config, options, inputs, format, mtime } = input;
  const { project } = config;
  const name = options.name ?? project.name;
  const version = packageVersion(input.version);
  const maintainer = maintainerOf(config, options);
  const pick = (r: PackagesOptions["depends"]) => (Array.isArray(r) ? r : (r[format] ?? []));
  const file = (path: string, data: Buffer, role: PackageFile["role"] = "other", mode = 0o644): PackageFile => ({ path, mode, data, role });
  const doc = `/usr/share/doc/${name}`;

  const files = [file(`/usr/bin/${project.binary}`, input.binary, "binary", 0o755)];
  files.push(...inputs.docs.map((d) => file(`${doc}/${d.name}`, d.data, "doc")));
  if (format === "deb") {
    files.push(file(`${doc}/copyright`, Buffer.from(debianCopyright(config, name, inputs.license?.data)), "license"));
    const changelog = `${name} (${version}) unstable; urgency=medium\n\n  * Release ${input.version.tag}.\n\n -- ${maintainer}  ${mtime.toUTCString().replace("GMT", "+0000")}\n`;
    files.push(file(`${doc}/changelog.gz`, gzip(Buffer.from(changelog)), "doc"));
  } else if (inputs.license) {
    files.push(file(`/usr/share/licenses/${name}/${inputs.license.name}`, inputs.license.data, "license"));
  }
  for (const page of inputs.man) {
    const section = /\.([1-9])[a-z]*$/.exec(page.name)![1];
    files.push(file(`/usr/share/man/man${section}/${page.name}.gz`, gzip(page.data), "doc"));
  }
  const zsh = format === "deb" ? "/usr/share/zsh/vendor-completions" : "/usr/share/zsh/site-functions";
  const completionPaths = {
    bash: `/usr/share/bash-completion/completions/${project.binary}`,
    zsh: `${zsh}/_${project.binary}`,
    fish: `/usr/share/fish/vendor_completions.d/${project.binary}.fish`,
  };
  files.push(...inputs.completions.map((c) => file(completionPaths[c.shell], c.data)));
  files.sort((a, b) => (a.path < b.path ? -1 : 1));

  return {
    format,
    name,
    version,
    arch: input.arch,
    ...describe(project.description, project.homepage),
    homepage: project.homepage,
    license: project.license,
    maintainer,
    depends: pick(options.depends),
    conflicts: pick(options.conflicts),
    files,
    mtime,
  };
}

/**
 * The first sentence of a description as the summary, the rest as the long description; Debian
 * wants a long description that does not repeat the summary, so a one-sentence one adds the homepage.
 * The long description is wrapped to lines lintian and rpmlint accept (80 and 79 columns).
 */
function describe(text: string, homepage: string): { summary: string; description: string } {
  const [, first = text, rest = ""] = /^(.*?)\.(?:\s+|$)([\s\S]*)$/.exec(text.trim()) ?? [];
  const summary = first.trim();
  const description = rest.trim() || `${summary}, from ${homepage}.`;
  return { summary, description: description.split("\n").map(wrap).join("\n") };
}

/** A line broken between words into lines of at most 78 characters (a longer word keeps its own line). */
function wrap(line: string): string {
  const lines: string[] = [];
  for (const word of line.split(/ +/)) {
    const last = lines.length ? lines[lines.length - 1]! : undefined;
    if (last !== undefined && last.length + 1 + word.length <= 78) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join("\n");
}

/** Debian's machine-readable copyright file, with the licence text when the project gives one. */
function debianCopyright(config: Config, name: string, text: Buffer | undefined): string {
  const { project } = config;
  const body = text
    ? `\n${text
        .toString("utf8")
        .trimEnd()
        .split("\n")
        .map((line) => (line.trim() ? ` ${line}` : " ."))
        .join("\n")}`
    : "";
  return `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: ${name}\nSource: ${project.homepage}\n\nFiles: *\nCopyright: ${project.author}\nLicense: ${project.license}${body}\n`;
}

/** Every directory above the files, shortest first: /usr, /usr/bin, … */
export function parentDirs(files: PackageFile[]): string[] {
  const dirs = new Set<string>();
  for (const { path } of files) {
    const parts = path.split("/").slice(1, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`/${parts.slice(0, i).join("/")}`);
  }
  return [...dirs].sort();
}
