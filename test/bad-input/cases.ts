/**
 * The bad-input corpus: configs, tags, flags and output-directory contents that every command must
 * refuse with exit 2, a message naming the file, key or flag, and nothing written anywhere.
 * Each case changes one thing in a valid project (project.ts).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface BadInput {
  /** What is wrong. */
  name: string;
  /** A change to the valid ferry.yaml (parsed), or the file's whole text. */
  config?: ((file: Record<string, unknown>) => void) | string;
  /** The command line. @default ["release", "--tag", "v1.2.3"] */
  args?: string[];
  /** Files added to the project (its directory) before the run. */
  setup?: (dir: string) => Promise<unknown>;
  /** Environment added to the sandbox's. */
  env?: Record<string, string>;
  /** What the message must name: a key, flag, file or value (a string matches literally). */
  names: string | RegExp;
}

/** ferry.yaml's key at a dotted path set to `value` (undefined removes it). */
function setKey(file: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(".");
  let node = file;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  if (value === undefined) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
}

/** A case that sets one key of ferry.yaml; the message must name the key. */
const key = (path: string, value: unknown, names: string | RegExp = path): BadInput => ({
  name: `${path}: ${JSON.stringify(value) ?? "(removed)"}`,
  config: (file) => setKey(file, path, value),
  names,
});

const release = (...args: string[]) => ["release", "--tag", "v1.2.3", ...args];
const tag = (value: string, names: string | RegExp = "--tag"): BadInput => ({
  name: `--tag ${JSON.stringify(value)}`,
  args: ["release", "--tag", value],
  names,
});
const flags = (names: string, ...args: string[]): BadInput => ({ name: args.join(" "), args, names });
const file = (dir: string, path: string, text = "") =>
  mkdir(join(dir, path, ".."), { recursive: true }).then(() => writeFile(join(dir, path), text));

const badUrls = ["javascript:alert(1)", "ftp://example.com/x", "not a url", "file:///etc/passwd"];

const project: BadInput[] = [
  key("project.name", "Hello World"),
  key("project.name", ""),
  key("project.name", "../evil"),
  key("project.name", 42),
  key("project.name", undefined),
  key("project.description", ""),
  key("project.description", undefined),
  ...badUrls.map((url) => key("project.homepage", url)),
  key("project.license", ""),
  key("project.repository", "noslash"),
  key("project.repository", "a/b/c"),
  key("project.repository", "https://github.com/a/b"),
  key("project.binary", "../evil"),
  key("project.binary", "bin/hello"),
  key("project.binary", ""),
  key("project.binary", "hello.exe"),
  key("project.author", ["a", "b"]),
  key("project.homepages", "https://example.com"),
  { name: "no project section", config: (f) => delete f.project, names: "project" },
];

const build: BadInput[] = [
  key("build.targets", [], "build"),
  key("build.targets", ["linux/amd64", "linux/amd64"]),
  key("build.targets", ["plan9/amd64"], "plan9/amd64"),
  key("build.targets", ["linux"], "build.targets"),
  key("build.targets", "linux/amd64"),
  key("build.prebuilt", "bin/{{os}}-{{arch}}/hello", "build"),
  { name: "build: neither command nor prebuilt", config: (f) => setKey(f, "build.command", undefined), names: "build" },
  key("build.command", "make {{nope}}", /build\.command.*\{\{nope\}\}/),
  key("build.command", ""),
  key("build.env", { CGO_ENABLED: 0 }, "build.env.CGO_ENABLED"),
  key("build.env", { GOOS: "{{platform}}" }, "build.env.GOOS"),
  key("build.dir", "missing-dir"),
  key("build.dir", "README.md"),
  key("build.dir", ""),
  {
    name: "build.prebuilt: no binaries there",
    config: (f) => {
      setKey(f, "build.command", undefined);
      setKey(f, "build.prebuilt", "bin/{{os}}-{{arch}}/hello");
    },
    names: "build.prebuilt",
  },
  {
    name: "build.prebuilt: an unknown placeholder",
    config: (f) => {
      setKey(f, "build.command", undefined);
      setKey(f, "build.prebuilt", "bin/{{nope}}/hello");
    },
    names: "build.prebuilt",
  },
  key("build.jobs", 4),
];

const archives: BadInput[] = [
  key("archives.name", "../{{project}}_{{version}}_{{os}}_{{arch}}"),
  key("archives.name", "sub/{{project}}_{{os}}_{{arch}}"),
  key("archives.name", "sub\\{{project}}_{{os}}_{{arch}}"),
  key("archives.name", "{{project}}_{{version}}"),
  key("archives.name", "{{project}}_{{os}}"),
  key("archives.name", "{{project}}_{{arch}}"),
  key("archives.name", "{{project}}_{{nope}}_{{os}}_{{arch}}"),
  key("archives.name", ".{{project}}_{{os}}_{{arch}}"),
  key("archives.name", ""),
  key("archives.name", "{{project}}_{{os}}_{{arch"),
  key("archives.files", ["/etc/hostname"]),
  key("archives.files", ["README.md", "docs/README.md"]),
  key("archives.files", ["missing.txt"]),
  key("archives.files", [""]),
  key("archives.files", ["crate"]),
  key("archives.files", "README.md"),
  {
    name: "archives.files: a file with the binary's name",
    config: (f) => setKey(f, "archives.files", ["hello"]),
    setup: (d) => file(d, "hello"),
    names: "archives.files",
  },
  key("archives.format", "zip"),
];

const releaseSection: BadInput[] = [
  key("release.name", "{{nope}}"),
  key("release.notes", "{{changes}} {{nope}}"),
  key("release.timeout", 0),
  key("release.timeout", -5),
  key("release.timeout", "fast"),
  key("release.changes.from", "git"),
  key("release.tagPrefix", "cli"),
  key("release.tagPrefix", "a b/"),
  key("release.files", ["missing.txt"]),
  key("release.files", ["{{nope}}.txt"]),
  key("release.files", [{ path: "README.md", kind: "bogus" }]),
  key("release.files", [{ path: "README.md", os: "plan9" }]),
  key("release.files", [{ file: "README.md" }]),
  {
    name: "release.changes: the changelog is missing",
    config: (f) => setKey(f, "release.changes", { from: "changelog" }),
    names: "CHANGELOG.md",
  },
  key("release.draft", true),
];

const registriesGeneral: BadInput[] = [
  key("registries.bogus", {}),
  key("registries.npm", "yes"),
  key("registries.npm.timeout", 0),
  key("registries.npm.timeout", "soon"),
  key("registries.npm.prerelease", "yes"),
  key("registries.npm.tag", "next"),
  key("registries", ["npm"]),
  key("packages.formats", ["msi"]),
  key("packages.name", "Hello World"),
];

const npm: BadInput[] = [
  key("registries.npm.package", "@@bad name"),
  key("registries.npm.package", "../../evil"),
  key("registries.npm.package", "Hello"),
  key("registries.npm.package", ".hidden"),
  key("registries.npm.package", "_private"),
  key("registries.npm.package", "a".repeat(215)),
  key("registries.npm.package", "node_modules"),
  key("registries.npm.package", "@scope/"),
  key("registries.npm.package", "with space"),
  key("registries.npm.package", "http"),
  key("registries.npm.registry", "javascript:alert(1)"),
  key("registries.npm.access", "private"),
  key("registries.npm.directory", ""),
  key("registries.npm.directory", "missing-package"),
];

const pypi: BadInput[] = [
  key("registries.pypi.name", "-bad"),
  key("registries.pypi.name", "bad name"),
  key("registries.pypi.name", "bad_"),
  key("registries.pypi.platforms", { "plan9/amd64": "x" }, "registries.pypi.platforms"),
  key("registries.pypi.repository", "ftp://upload.example.com"),
  key("registries.pypi.index", "nope"),
  key("registries.pypi.dist", ""),
];

const crates: BadInput[] = [
  key("registries.crates.manifest", "missing/Cargo.toml"),
  key("registries.crates.manifest", "../Cargo.toml"),
  key("registries.crates.manifest", "/etc/Cargo.toml"),
  key("registries.crates.manifest", "crate"),
  key("registries.crates.manifest", ""),
  key("registries.crates.index", "https://index.crates.io/"),
  key("registries.crates.index", "sparse+ftp://x/"),
  {
    name: "crates: Cargo.toml's version is not the tag's",
    setup: (dir) => file(dir, "crate/Cargo.toml", '[package]\nname = "ferry-hello"\nversion = "1.2.2"\nedition = "2021"\n'),
    names: "crate/Cargo.toml says version 1.2.2, but the release is 1.2.3",
  },
  {
    name: "crates: Cargo.toml is not TOML",
    setup: (dir) => file(dir, "crate/Cargo.toml", "[package\n"),
    names: "crate/Cargo.toml cannot be read as TOML",
  },
  {
    name: "crates: a workspace version with no workspace",
    setup: (dir) => file(dir, "crate/Cargo.toml", '[package]\nname = "ferry-hello"\nversion.workspace = true\n'),
    names: "crate/Cargo.toml takes its version from the workspace",
  },
];

const digest = `sha256:${"a".repeat(64)}`;
const docker: BadInput[] = [
  key("registries.docker.image", "ghcr.io/Acme/Hello"),
  key("registries.docker.image", "ghcr.io/acme/hello:latest"),
  key("registries.docker.image", `ghcr.io/acme/hello@${digest}`),
  key("registries.docker.image", ""),
  key("registries.docker.image", "HELLO"),
  key("registries.docker.image", "ghcr.io/acme/hello world"),
  key("registries.docker.image", "ghcr.io//hello"),
  key("registries.docker.base", "debian:12"),
  key("registries.docker.base", `debian@sha256:${"a".repeat(10)}`),
  key("registries.docker.labels", { version: 1 }, "registries.docker.labels.version"),
  key("registries.docker.registry", "ftp://ghcr.io"),
  key("registries.docker.registry", "ghcr io"),
];

const repoRegistries: BadInput[] = [
  key("registries.homebrew.tap", "acme/tap"),
  key("registries.homebrew.tap", "acme"),
  key("registries.homebrew.formula", "Hello"),
  key("registries.homebrew.cask", "yes"),
  key("registries.homebrew.token", "not a variable"),
  key("registries.homebrew.token", ""),
  key("registries.scoop.bucket", "nobucket"),
  key("registries.scoop.app", "a/b"),
  key("registries.scoop.app", "../evil"),
  key("registries.scoop.token", "$TOKEN"),
  key("registries.nix.repository", "noslash"),
  key("registries.nix.pname", "1bad"),
  key("registries.nix.path", "/abs.nix"),
  key("registries.nix.path", "pkgs/hello"),
  key("registries.nix.path", "../../evil.nix"),
  key("registries.nix.path", "pkgs/../../evil.nix"),
  key("registries.winget.identifier", "NoDot"),
  key("registries.winget.identifier", "Acme.Hello World"),
  key("registries.winget.identifier", undefined),
  key("registries.winget.identifier", "Acme..Hello"),
  key("registries.winget.publisher", "A"),
  key("registries.winget.manifestVersion", "1.10"),
  key("registries.winget.license", "MI"),
  key("registries.winget.shortDescription", "ab"),
  key("registries.winget.repository", "noslash"),
  key("registries.aur.package", "-bad"),
  key("registries.aur.package", "Hello"),
  key("registries.aur.rpc", "javascript:alert(1)"),
  key("registries.flathub.appId", "hello"),
  key("registries.flathub.appId", undefined),
  key("registries.flathub.appId", "io.github"),
  key("registries.flathub.appId", "io.github.acme.Hello World"),
  key("registries.flathub.api", "javascript:alert(1)"),
  key("registries.flathub.finishArgs", "--share=network"),
  key("registries.flathub.repository", "noslash"),
  key("registries.snap.name", "Hello"),
  key("registries.snap.name", "a--b"),
  key("registries.snap.name", "123"),
  key("registries.snap.name", "a".repeat(41)),
  key("registries.snap.summary", "x".repeat(79)),
  key("registries.snap.confinement", "loose"),
  key("registries.snap.grade", "beta"),
  key("registries.snap.storage", "nope"),
  key("registries.chocolatey.id", "hello world"),
  key("registries.chocolatey.id", "Hello"),
  key("registries.chocolatey.tags", ["a b"]),
  key("registries.chocolatey.push", "nope"),
  key("registries.chocolatey.packageSourceUrl", "javascript:alert(1)"),
];

const files: BadInput[] = [
  { name: "ferry.yaml: not YAML", config: "project: [unclosed\n", names: "ferry.yaml" },
  { name: "ferry.yaml: empty", config: "", names: "ferry.yaml" },
  { name: "ferry.yaml: a list", config: "- project\n- build\n", names: "ferry.yaml" },
  { name: "ferry.yaml: a duplicate key", config: "project: {}\nproject: {}\nbuild: {}\n", names: "ferry.yaml" },
  { name: "ferry.yaml: a misspelt section", config: (f) => ((f.projcet = f.project), delete f.project), names: "projcet" },
  { name: "ferry.yaml: tabs for indentation", config: "project:\n\tname: hello\n", names: "ferry.yaml" },
  { name: "--config: missing", args: release("--config", "missing/ferry.yaml"), names: "missing/ferry.yaml" },
  { name: "--config: a directory", args: release("--config", "crate"), names: "crate" },
  {
    name: "--config: not JSON",
    args: release("--config", "ferry.json"),
    setup: (d) => file(d, "ferry.json", "{ project: "),
    names: "ferry.json",
  },
  { name: "--config: a .yml that does not exist", args: release("--config", "nested/ferry.yml"), names: "nested/ferry.yml" },
];

const tags: BadInput[] = [
  tag("v1.2.3+build.5", "pypi"),
  tag("v1.2.3-nightly.1", "pypi"),
  tag("v1.2.3 "),
  tag(" v1.2.3"),
  tag("v1.2.3\n"),
  tag("v1.2.3\nv1.2.4"),
  tag("vv1.2.3"),
  tag("v1.2.3-rc.01"),
  tag("v1.2"),
  tag("v1"),
  tag("v01.2.3"),
  tag(""),
  tag("v1.2.3/../x"),
  tag("latest"),
  tag("v1.2.3-"),
  tag("v1.2.3-beta..1"),
  tag("V1.2.3"),
  tag("v1.2.3.4"),
  tag("v-1.2.3"),
  tag("v1.2.3-ß"),
  { name: "GITHUB_REF: a branch, and no --tag", args: ["release"], env: { GITHUB_REF: "refs/heads/main" }, names: "--tag" },
  { name: "GITHUB_REF: a bad tag", args: ["release"], env: { GITHUB_REF: "refs/tags/vv1" }, names: "vv1" },
  {
    name: "--tag: with the project's tag prefix missing",
    config: (f) => setKey(f, "release.tagPrefix", "cli/"),
    args: release(),
    names: "cli/",
  },
];

const flagCases: BadInput[] = [
  flags("--only", ...release("--only", "")),
  flags("--only", ...release("--only", ",")),
  flags("--only", ...release("--only", " , ")),
  flags("bogus", ...release("--only", "bogus")),
  flags("bogus", ...release("--only", "npm,bogus")),
  flags("bogus", ...release("--skip", "bogus")),
  flags("--skip", ...release("--skip", "")),
  flags("--concurrency", ...release("--concurrency", "0.5")),
  flags("--concurrency", ...release("--concurrency", "0")),
  flags("--concurrency", ...release("--concurrency", "-1")),
  flags("--concurrency", ...release("--concurrency", "abc")),
  flags("--concurrency", ...release("--concurrency", "")),
  flags("--concurrency", ...release("--concurrency", "1e999")),
  flags("--verify-timeout", ...release("--verify-timeout", "0")),
  flags("--verify-timeout", ...release("--verify-timeout", "abc")),
  flags("--verify-timeout", ...release("--verify-timeout", "-3")),
  flags("--tag", ...release("--tag", "v1.2.4")),
  flags("--tag", ...release("--tag", "v1.2.3")),
  flags("--config", ...release("--config", "ferry.yaml", "--config", "ferry.yaml")),
  flags("--only", ...release("--only", "npm", "--only", "pypi")),
  flags("--dist", ...release("--dist", "a", "--dist", "b")),
  flags("--concurrency", ...release("--concurrency", "1", "--concurrency", "2")),
  flags("plan9/amd64", ...release("--target", "plan9/amd64")),
  flags("linux/386", ...release("--target", "linux/386")),
  flags("--allow-missing", ...release("--allow-missing", "linux/amd64")),
  flags("--merge", "publish", "--tag", "v1.2.3", "--merge", "dist"),
  flags("--merge", "build", "--tag", "v1.2.3", "--merge", "dist"),
  flags("--frobnicate", ...release("--frobnicate")),
  flags("--dry-run", ...release("--dry-run=yes")),
  flags("--json", ...release("--json=1")),
  flags("-x", ...release("-x")),
  flags("extra", ...release("extra")),
  flags("relase", "relase", "--tag", "v1.2.3"),
  flags("--tag", "release", "--tag"),
  flags("--target", ...release("--target")),
  flags("--target", ...release("--target", "")),
  flags("--sandbox", ...release("--sandbox=no")),
];

const output: BadInput[] = [
  { name: "merge: a missing directory", args: release("--merge", "/missing/build-a"), names: "/missing/build-a" },
  { name: "merge: not a partial build", args: release("--merge", "crate"), names: "crate" },
  { name: "merge: a file", args: release("--merge", "README.md"), names: "README.md" },
  {
    name: "merge: a corrupt partial manifest",
    args: release("--merge", "part"),
    setup: (d) => file(d, "part/manifest.json", "{ not json"),
    names: "part",
  },
  {
    name: "dist: manifest.json is a directory",
    args: release("--dist", "out"),
    setup: (d) => mkdir(join(d, "out/manifest.json"), { recursive: true }),
    names: "manifest.json",
  },
  {
    name: "dist: checksums.txt is a directory",
    args: release("--dist", "out"),
    setup: (d) => mkdir(join(d, "out/checksums.txt"), { recursive: true }),
    names: "checksums.txt",
  },
  { name: "dist: a file", args: release("--dist", "README.md"), names: "README.md" },
  {
    name: "publish: a corrupt manifest.json",
    args: ["publish", "--tag", "v1.2.3", "--dist", "out"],
    setup: (d) => file(d, "out/manifest.json", "{ not json"),
    names: "manifest.json",
  },
  {
    name: "publish: an empty manifest.json",
    args: ["publish", "--tag", "v1.2.3", "--dist", "out"],
    setup: (d) => file(d, "out/manifest.json"),
    names: "manifest.json",
  },
  {
    name: "publish: manifest.json of another shape",
    args: ["publish", "--tag", "v1.2.3", "--dist", "out"],
    setup: (d) => file(d, "out/manifest.json", '{"schema": 1}'),
    names: "manifest.json",
  },
  {
    name: "publish: manifest.json is a directory",
    args: ["publish", "--tag", "v1.2.3", "--dist", "out"],
    setup: (d) => mkdir(join(d, "out/manifest.json"), { recursive: true }),
    names: "manifest.json",
  },
];

/** Each command refuses a bad ferry.yaml, not only release. */
const commands: BadInput[] = [
  ["check", "--tag", "v1.2.3"],
  ["check"],
  ["plan", "--tag", "v1.2.3"],
  ["build", "--tag", "v1.2.3"],
  ["publish", "--tag", "v1.2.3"],
  ["doctor"],
  ["release", "--tag", "v1.2.3", "--dry-run"],
  ["release", "--tag", "v1.2.3", "--only", "npm"],
].map((args) => ({
  ...key("registries.npm.package", "@@bad name"),
  name: `ferry ${args.join(" ")}: registries.npm.package "@@bad name"`,
  args,
}));

export const cases: BadInput[] = [
  ...project,
  ...build,
  ...archives,
  ...releaseSection,
  ...registriesGeneral,
  ...npm,
  ...pypi,
  ...crates,
  ...docker,
  ...repoRegistries,
  ...files,
  ...tags,
  ...flagCases,
  ...output,
  ...commands,
];
