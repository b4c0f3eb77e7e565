import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  parseCommandLine,
  unknownCommand,
  version
} from "./chunk-YDNAGXSC.js";
import {
  configFiles,
  configJsonSchema,
  configSchemaUrl,
  createContext,
  createGitHub,
  emptyManifest,
  execa,
  existingRelease,
  exitCodeOf,
  failedCheck,
  findConfig,
  formatAnnotations,
  formatJson,
  formatReport,
  formatStepSummary,
  githubApi,
  githubDoctor,
  linuxPackageDetails,
  loadConfig,
  mergeBuilds,
  packagesDoctor,
  parse,
  parseTag,
  parseVersion,
  redact,
  releaseText,
  rememberEnvironmentSecrets,
  removeStaleTempDirs,
  reportJsonSchema,
  require_dist,
  require_semver,
  runHub,
  runSpokes,
  secret,
  supplyChainDoctor,
  targetName,
  validateRun,
  webBase
} from "./chunk-2ACCOJG5.js";
import {
  FerryError,
  asFerryError
} from "./chunk-PBYZL6WR.js";
import {
  __toESM
} from "./chunk-BHGG6FRM.js";

// packages/cli/src/main.ts
import { setMaxListeners } from "node:events";
import { readFile as readFile3, stat } from "node:fs/promises";
import { appendFile } from "node:fs/promises";
import { join as join4, resolve } from "node:path";

// packages/cli/src/registries.ts
var registries = {
  apt: () => import("./src-XXK54ZAJ.js"),
  aur: () => import("./src-CSRNIPPM.js"),
  chocolatey: () => import("./src-IDXHKR3C.js"),
  crates: () => import("./src-NZJ5EO5A.js"),
  docker: () => import("./src-EUDMC3BN.js"),
  flathub: () => import("./src-5FG25LQL.js"),
  homebrew: () => import("./src-SJCZ72LL.js"),
  nix: () => import("./src-ZP62WVIA.js"),
  npm: () => import("./src-P77UICKI.js"),
  pypi: () => import("./src-YPUQG5DG.js"),
  rpm: () => import("./src-PFL4ZU75.js"),
  scoop: () => import("./src-QPG67YDV.js"),
  snap: () => import("./src-HHUZRWB6.js"),
  winget: () => import("./src-OC6AANDS.js")
};
var registryNames = Object.keys(registries);
async function loadRegistry(name) {
  const load = registries[name];
  return load ? (await load()).default : void 0;
}

// packages/cli/src/doctor.ts
var timeoutMs = 12e4;
async function doctor({ config, selected, env, json, write }) {
  rememberEnvironmentSecrets(env);
  const version2 = parseVersion("v0.0.0");
  const groups = await Promise.all([
    guarded("github", () => githubDoctor(env, config.project.repository)),
    guarded("signing", () => supplyChainDoctor(config, env)),
    ...config.packages ? [guarded("packages", () => packagesDoctor(config, env))] : [],
    ...selected.map(
      (entry) => guarded(entry.name, async (signal) => {
        const adapter = await loadRegistry(entry.name);
        if (!adapter.doctor) return [{ name: "prerequisites", ok: true, detail: "this registry has no doctor checks" }];
        const ctx = createContext({
          registry: entry.name,
          options: entry.options,
          project: config.project,
          version: version2,
          manifest: emptyManifest({ project: config.project, version: version2 }),
          distDir: config.output,
          env,
          dryRun: true,
          signal
        });
        return adapter.doctor(ctx);
      })
    )
  ]);
  const lines2 = groups.flat().map((line) => ({ ...line, detail: redact(line.detail), ...line.fix ? { fix: redact(line.fix) } : {} }));
  const failed = lines2.filter((line) => !line.ok).length;
  const exitCode = failed ? 1 : 0;
  write(json ? `${JSON.stringify({ checks: lines2, failed, exitCode }, null, 2)}
` : format(lines2, failed));
  return exitCode;
}
async function guarded(registry, run2) {
  const controller = new AbortController();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`No answer within ${timeoutMs / 1e3}s`));
    }, timeoutMs);
  });
  try {
    const checks = await Promise.race([run2(controller.signal), timeout]);
    return checks.map((check) => ({ registry, ...check }));
  } catch (error) {
    return [{ registry, ...failedCheck("checks ran", error) }];
  } finally {
    clearTimeout(timer);
  }
}
function format(lines2, failed) {
  const width = Math.max(...lines2.map((line) => line.registry.length));
  const text = lines2.map((line) => {
    const head = `${line.ok ? "ok  " : "fail"}  ${line.registry.padEnd(width)}  ${line.name}: ${line.detail}`;
    return line.ok || !line.fix ? head : `${head} \u2014 fix: ${line.fix}`;
  });
  const summary = failed ? `${failed} of ${lines2.length} checks failed` : `all ${lines2.length} checks passed`;
  return `${text.join("\n")}

${summary}
`;
}

// packages/cli/src/init.ts
import { access as access2, mkdir, writeFile as writeFile2 } from "node:fs/promises";
import { dirname, join as join3, relative } from "node:path";
import { createInterface } from "node:readline/promises";

// packages/cli/src/detect.ts
import { access, readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
var placeholderRepository = "OWNER/NAME";
async function detectProject(dir, env) {
  const plain = { kind: "plain", name: basename(dir) };
  const found = await fromGoMod(dir) ?? await fromCargoToml(dir) ?? await fromPackageJson(dir) ?? plain;
  const name = projectName(found.name);
  const repository2 = await gitHubRemote(dir) ?? gitHubRepository(env.GITHUB_REPOSITORY) ?? found.repository;
  const files = await existing(dir, ["README.md", "README", "LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"]);
  return {
    kind: found.kind,
    name,
    description: found.description || await readmeSummary(dir) || `The ${name} command-line tool.`,
    license: found.license || await licenseOf(dir, files) || "NOASSERTION",
    homepage: found.homepage || `https://github.com/${repository2 ?? placeholderRepository}`,
    repository: repository2 ?? placeholderRepository,
    repositoryKnown: repository2 !== void 0,
    binary: projectName(found.binary ?? found.name),
    files,
    goPackage: found.goPackage,
    npmPackage: found.npmPackage,
    nodeBin: found.nodeBin,
    npmLock: found.npmLock,
    npmFiles: found.npmFiles
  };
}
async function fromGoMod(dir) {
  const text = await readText(join(dir, "go.mod"));
  const module = text?.match(/^module\s+"?([^\s"]+)"?/m)?.[1];
  if (!module) return void 0;
  const parts = module.split("/").filter((p) => !/^v\d+$/.test(p));
  const name = parts.at(-1) ?? basename(dir);
  return { kind: "go", name, repository: gitHubRepository(module), goPackage: await goMainPackage(dir, name) };
}
async function goMainPackage(dir, name) {
  if (await exists(join(dir, "main.go"))) return ".";
  const commands = await readdir(join(dir, "cmd"), { withFileTypes: true }).then(
    (entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name),
    () => []
  );
  const command = commands.includes(name) ? name : commands.length === 1 ? commands[0] : void 0;
  return command ? `./cmd/${command}` : ".";
}
async function fromCargoToml(dir) {
  const text = await readText(join(dir, "Cargo.toml"));
  if (text === void 0) return void 0;
  const manifest = parse(text);
  const pkg = manifest.package ?? {};
  const name = typeof pkg.name === "string" ? pkg.name : basename(dir);
  const bin = manifest.bin?.find((b) => typeof b.name === "string")?.name;
  return {
    kind: "rust",
    name,
    binary: bin ?? name,
    description: stringOf(pkg.description),
    license: stringOf(pkg.license),
    homepage: stringOf(pkg.homepage),
    repository: gitHubRepository(stringOf(pkg.repository))
  };
}
async function fromPackageJson(dir) {
  const text = await readText(join(dir, "package.json"));
  if (text === void 0) return void 0;
  const pkg = JSON.parse(text);
  const npmPackage = stringOf(pkg.name) ?? basename(dir);
  const name = npmPackage.replace(/^@[^/]+\//, "");
  const bins = typeof pkg.bin === "string" ? [[name, pkg.bin]] : Object.entries(pkg.bin ?? {});
  const repository2 = typeof pkg.repository === "object" && pkg.repository ? pkg.repository.url : pkg.repository;
  return {
    kind: "node",
    name,
    npmPackage,
    binary: bins[0]?.[0],
    nodeBin: bins[0]?.[1].replace(/^\.\//, ""),
    description: stringOf(pkg.description),
    license: stringOf(pkg.license),
    homepage: stringOf(pkg.homepage),
    repository: gitHubRepository(stringOf(repository2)),
    npmLock: await exists(join(dir, "package-lock.json")),
    npmFiles: Array.isArray(pkg.files)
  };
}
async function gitHubRemote(dir) {
  const result = await execa("git", ["remote", "get-url", "origin"], { cwd: dir, reject: false });
  return result.exitCode === 0 ? gitHubRepository(result.stdout.trim()) : void 0;
}
function gitHubRepository(value) {
  if (!value) return void 0;
  const match = value.match(/^(?:git\+)?(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com\/([\w-]+)\/([\w.-]+?)(?:\.git)?\/?$/) ?? value.match(/^(?:[^@/]+@)?github\.com[:/]([\w-]+)\/([\w.-]+?)(?:\.git)?(?:\/.*)?$/) ?? // GitHub owners have no dots, which keeps a Go module path like example.com/hello out.
  value.match(/^(?:github:)?([\w-]+)\/([\w.-]+)$/);
  return match ? `${match[1]}/${match[2]}` : void 0;
}
function projectName(value) {
  const name = value.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  return name || "app";
}
async function readmeSummary(dir) {
  for (const file of ["README.md", "README"]) {
    const text = await readText(join(dir, file));
    const line = text?.split("\n").map((l) => l.trim()).find((l) => l && !/^([#[!<>`=|-]|\*\s)/.test(l));
    if (line) return line.length > 200 ? `${line.slice(0, 197)}...` : line;
  }
  return void 0;
}
async function licenseOf(dir, files) {
  const file = files.find((f) => /^(LICENSE|COPYING)/.test(f));
  const head = file ? (await readText(join(dir, file)))?.slice(0, 2e3) : void 0;
  if (!head) return void 0;
  const known = [
    [/MIT License|Permission is hereby granted, free of charge/i, "MIT"],
    [/Apache License[\s\S]*Version 2\.0/i, "Apache-2.0"],
    [/Mozilla Public License[\s\S]*2\.0/i, "MPL-2.0"],
    [/GNU AFFERO GENERAL PUBLIC LICENSE[\s\S]*Version 3/i, "AGPL-3.0-only"],
    [/GNU LESSER GENERAL PUBLIC LICENSE[\s\S]*Version 3/i, "LGPL-3.0-only"],
    [/GNU GENERAL PUBLIC LICENSE[\s\S]*Version 3/i, "GPL-3.0-only"],
    [/GNU GENERAL PUBLIC LICENSE[\s\S]*Version 2/i, "GPL-2.0-only"],
    [/ISC License/i, "ISC"],
    [/unlicense|released into the public domain/i, "Unlicense"]
  ];
  return known.find(([pattern]) => pattern.test(head))?.[1] ?? (/BSD/.test(head) ? bsd(head) : void 0);
}
function bsd(head) {
  return /3-Clause|Neither the name/i.test(head) ? "BSD-3-Clause" : "BSD-2-Clause";
}
function stringOf(value) {
  return typeof value === "string" && value.trim() ? value.trim() : void 0;
}
async function readText(path) {
  return readFile(path, "utf8").catch(() => void 0);
}
async function exists(path) {
  return access(path).then(
    () => true,
    () => false
  );
}
async function existing(dir, names) {
  const found = [];
  for (const name of names) if (await exists(join(dir, name))) found.push(name);
  return found;
}

// packages/cli/src/ignores.ts
import { readFile as readFile2, writeFile } from "node:fs/promises";
import { join as join2 } from "node:path";
var output = ".ferry/";
async function writeIgnores(dir, project) {
  const done = [];
  const gitignore = join2(dir, ".gitignore");
  const git = await readFile2(gitignore, "utf8").catch(() => void 0);
  const ignored = withLines(git ?? "", [output]);
  if (ignored.added.length) {
    await writeFile(gitignore, ignored.text);
    done.push(git === void 0 ? "wrote .gitignore: .ferry/" : "added .ferry/ to .gitignore");
  }
  if (project.kind !== "node" || project.npmFiles) return done;
  const npmignore = join2(dir, ".npmignore");
  const npm = await readFile2(npmignore, "utf8").catch(() => void 0);
  if (npm === void 0) {
    const header = "# What npm leaves out of the package. npm reads this file instead of .gitignore, so it repeats it.\n";
    await writeFile(npmignore, withLines(header + ignored.text, [output, "ferry.yaml"]).text);
    done.push("wrote .npmignore: the entries of .gitignore, and ferry.yaml");
  } else {
    const { text, added } = withLines(npm, [output, "ferry.yaml"]);
    if (added.length) await writeFile(npmignore, text);
    if (added.length) done.push(`added ${added.join(" and ")} to .npmignore`);
  }
  return done;
}
function withLines(text, entries) {
  const normal = (line) => line.trim().replace(/^\//, "").replace(/\/$/, "");
  const present = new Set(text.split("\n").map(normal));
  const added = entries.filter((entry) => !present.has(normal(entry)));
  const start = text === "" || text.endsWith("\n") ? text : `${text}
`;
  return { text: `${start}${added.map((entry) => `${entry}
`).join("")}`, added };
}

// packages/cli/src/scaffold.ts
var import_yaml = __toESM(require_dist(), 1);

// packages/cli/src/distribution.ts
var repository = "ferry-dev/ferry";
var actionReference = `${repository}@v1`;
var sandboxPackageName = "@ferry-dev/sandbox";

// packages/cli/src/runners.ts
var native = {
  "linux/amd64": "ubuntu-24.04",
  "linux/amd64-musl": "ubuntu-24.04",
  "linux/arm64": "ubuntu-24.04-arm",
  "linux/arm64-musl": "ubuntu-24.04-arm",
  "darwin/amd64": "macos-15-intel",
  "darwin/arm64": "macos-15",
  "darwin/universal": "macos-15",
  "windows/386": "windows-2022",
  "windows/amd64": "windows-2022",
  "windows/arm64": "windows-11-arm"
};
var crossRunner = "ubuntu-24.04";
function runnerOf(target) {
  const label = native[target];
  return label ? { label, cross: false } : { label: crossRunner, cross: true };
}

// packages/cli/src/scaffold.ts
var sixTargets = ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"];
var owner = (p) => p.repository.split("/")[0];
var words = (value) => value.split(/[^A-Za-z0-9]+/).filter(Boolean);
var pascal = (value) => words(value).map((w) => w[0].toUpperCase() + w.slice(1)).join("") || "App";
var registryTemplates = [
  {
    name: "homebrew",
    hint: (p) => `Homebrew: a formula in ${owner(p)}/homebrew-tap (create that repository first). Secret: HOMEBREW_TAP_TOKEN.`,
    secrets: ["HOMEBREW_TAP_TOKEN"],
    options: (p) => ({ tap: `${owner(p)}/homebrew-tap` })
  },
  {
    name: "scoop",
    hint: (p) => `Scoop: a manifest in ${owner(p)}/scoop-bucket (create that repository first). Secret: SCOOP_BUCKET_TOKEN.`,
    secrets: ["SCOOP_BUCKET_TOKEN"],
    options: (p) => ({ bucket: `${owner(p)}/scoop-bucket` })
  },
  {
    name: "npm",
    hint: (p) => p.kind === "node" ? "npm: this package, packed from its directory as it is. Secret: NPM_TOKEN, or npm trusted publishing." : "npm: one package per platform binary and a launcher. Secret: NPM_TOKEN, or npm trusted publishing.",
    secrets: ["NPM_TOKEN"],
    trustedPublishing: true,
    options: (p) => p.kind === "node" ? { package: p.npmPackage, directory: "." } : { package: p.name }
  },
  {
    name: "pypi",
    hint: () => "PyPI: one wheel per platform binary. Secret: PYPI_TOKEN, or PyPI trusted publishing.",
    secrets: ["PYPI_TOKEN"],
    trustedPublishing: true,
    options: (p) => ({ name: p.name })
  },
  {
    name: "crates",
    hint: () => "crates.io: the crate's sources, as cargo publish sends them. Secret: CARGO_REGISTRY_TOKEN.",
    secrets: ["CARGO_REGISTRY_TOKEN"],
    options: () => ({ manifest: "Cargo.toml" })
  },
  {
    name: "docker",
    hint: () => "Docker/OCI: an image per linux binary, written without a Docker engine. Secrets: DOCKER_USERNAME, DOCKER_PASSWORD.",
    secrets: ["DOCKER_USERNAME", "DOCKER_PASSWORD"],
    options: (p) => ({ image: `ghcr.io/${owner(p).toLowerCase()}/${p.name}` })
  },
  {
    name: "winget",
    hint: () => "WinGet: a pull request to microsoft/winget-pkgs. Secret: WINGET_TOKEN.",
    secrets: ["WINGET_TOKEN"],
    options: (p) => ({ identifier: `${pascal(owner(p))}.${pascal(p.name)}` })
  },
  {
    name: "aur",
    hint: (p) => `AUR: the ${p.name}-bin package (an AUR account with an SSH key first). Secret: AUR_SSH_PRIVATE_KEY.`,
    secrets: ["AUR_SSH_PRIVATE_KEY"],
    options: () => ({})
  },
  {
    name: "nix",
    hint: (p) => `Nix: a package file in ${owner(p)}/nur-packages (create that repository first). Secret: NIX_REPO_TOKEN.`,
    secrets: ["NIX_REPO_TOKEN"],
    options: (p) => ({ repository: `${owner(p)}/nur-packages` })
  },
  {
    name: "flathub",
    hint: () => "Flathub: a pull request to the app's Flathub repository. Secret: FLATHUB_TOKEN.",
    secrets: ["FLATHUB_TOKEN"],
    options: (p) => ({ appId: `io.github.${owner(p).replace(/-/g, "_").replace(/^(\d)/, "_$1")}.${pascal(p.name)}` })
  },
  {
    name: "snap",
    hint: (p) => `Snap Store: a snap per linux binary (snapcraft register ${p.name} first). Secret: SNAPCRAFT_STORE_CREDENTIALS.`,
    secrets: ["SNAPCRAFT_STORE_CREDENTIALS"],
    options: () => ({})
  },
  {
    name: "chocolatey",
    hint: () => "Chocolatey: a package for the windows/amd64 zip. Secret: CHOCOLATEY_API_KEY.",
    secrets: ["CHOCOLATEY_API_KEY"],
    options: () => ({})
  },
  {
    name: "apt",
    hint: (p) => `APT: a signed repository of the .deb packages (packages.formats: [deb]) on ${p.repository}'s gh-pages branch. Secrets: APT_REPOSITORY_TOKEN, FERRY_GPG_KEY.`,
    secrets: ["APT_REPOSITORY_TOKEN", "FERRY_GPG_KEY"],
    options: (p) => ({ repository: p.repository })
  },
  {
    name: "rpm",
    hint: (p) => `RPM: a signed repository of the signed .rpm packages (packages.formats: [rpm]) on ${p.repository}'s gh-pages branch, with a .repo file for dnf. Secrets: RPM_REPOSITORY_TOKEN, FERRY_GPG_KEY.`,
    secrets: ["RPM_REPOSITORY_TOKEN", "FERRY_GPG_KEY"],
    options: (p) => ({ repository: p.repository })
  }
];
function defaultRegistries(p) {
  switch (p.kind) {
    case "go":
      return ["homebrew", "scoop"];
    case "rust":
      return ["crates"];
    case "node":
      return ["npm"];
    case "plain":
      return [];
  }
}
var scalar = (value) => (0, import_yaml.stringify)(value, { lineWidth: 0 }).trimEnd();
function renderConfig(p, enabled, { split } = { split: false }) {
  const lines2 = [
    `# yaml-language-server: $schema=${configSchemaUrl}`,
    `# ferry.yaml: how ${p.name} is built, and where each release goes.`,
    "# `ferry check` validates it, `ferry plan --tag v0.1.0` shows what a release would do,",
    "# `ferry schema` prints every key (the line above lets editors check them as you type).",
    "# Registries are described in ferry's docs/registries/<name>.md.",
    "",
    "# The project, as every registry shows it.",
    "project:",
    `  name: ${scalar(p.name)}`,
    `  description: ${scalar(p.description)}`,
    `  homepage: ${scalar(p.homepage)}`,
    `  license: ${scalar(p.license)} # an SPDX identifier`,
    `  repository: ${scalar(p.repository)}${p.repositoryKnown ? " # the GitHub repository that holds the releases" : " # TODO: the GitHub repository (owner/name) that holds the releases"}`,
    ...p.binary !== p.name ? [`  binary: ${scalar(p.binary)}`] : [],
    "",
    "# One binary per target. The command runs once per target with {{os}}, {{arch}}, {{version}},",
    "# {{ext}} (.exe on Windows) and {{output}} (where the binary must be written) filled in.",
    "build:",
    ...buildSection(p, split),
    "",
    "# Files packed beside the binary in every archive.",
    "archives:",
    `  files: ${p.files.length ? `[${p.files.map(scalar).join(", ")}]` : "[]"}`,
    "",
    "# One-line installers attached to every release (`curl -fsSL \u2026/install.sh | sh`): they pick the",
    "# archive for the user's platform and check its sha256 against checksums.txt. Remove to attach none.",
    "installers: [sh, powershell]",
    "",
    "# Where each release goes after the GitHub Release. Each registry reads its secret from the",
    "# environment; .github/workflows/release.yml passes them from the repository's secrets.",
    enabled.length ? "registries:" : "registries: {}"
  ];
  const on = registryTemplates.filter((r) => enabled.includes(r.name));
  const off = registryTemplates.filter((r) => !enabled.includes(r.name));
  for (const r of on) lines2.push(`  # ${r.hint(p)}`, ...section(r, p));
  if (off.length) {
    lines2.push("", "  # More registries: uncomment a section here and its secret in the release workflow.");
    for (const r of off) lines2.push(`  # ${r.hint(p)}`, ...section(r, p).map((l) => `  # ${l.slice(2)}`));
  }
  return `${lines2.join("\n")}
`;
}
function section(r, p) {
  return (0, import_yaml.stringify)({ [r.name]: r.options(p) }, { lineWidth: 0 }).trimEnd().split("\n").map((l) => `  ${l}`);
}
function buildSection(p, split) {
  const targets = (list) => ["  targets:", ...list.map((t) => `    - ${t}`)];
  switch (p.kind) {
    case "go":
      return [
        "  # Go cross-compiles every target on one machine. -X main.version sets `var version string`",
        "  # in package main, when there is one. -trimpath and -buildvcs=false keep the build's paths and",
        "  # the checkout's state out of the binary, so that a re-run rebuilds the released bytes.",
        `  command: ${scalar(`go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version={{version}}" -o {{output}} ${p.goPackage ?? "."}`)}`,
        "  env:",
        '    CGO_ENABLED: "0"',
        '    GOOS: "{{os}}"',
        '    GOARCH: "{{arch}}"',
        ...targets(targetsOf(p, split))
      ];
    case "rust":
      if (split) {
        return [
          "  # The release workflow builds each target natively, on a runner of its own OS and CPU",
          "  # (`cargo build --release`); ferry packs the binary that build left. To try it here:",
          "  # `cargo build --release`, then `ferry plan --target <this machine's os/arch>`.",
          "  # Cargo.toml's version must be the tag's (v1.2.3 is 1.2.3) for crates.io.",
          `  prebuilt: ${scalar(`target/release/${p.binary}{{ext}}`)}`,
          ...targets(targetsOf(p, split))
        ];
      }
      return [
        "  # A native build, for the machine that runs it (a linux/amd64 CI runner). For more targets,",
        "  # build each with its --target (e.g. cross or cargo-zigbuild: `cargo zigbuild --release",
        "  # --target aarch64-unknown-linux-gnu`) and copy target/<triple>/release/<binary> to {{output}},",
        "  # or use `ferry init --split` to build each target on its own runner.",
        "  # Cargo.toml's version must be the tag's (v1.2.3 is 1.2.3) for crates.io.",
        `  command: ${scalar(`cargo build --release && cp target/release/${p.binary}{{ext}} {{output}}`)}`,
        ...targets(targetsOf(p, split))
      ];
    case "node":
      if (p.nodeBin) {
        return [
          `  # The GitHub Release carries ${p.nodeBin} as it is: a Node script, run by the user's node.`,
          "  # package.json's version must be the tag's (v1.2.3 is 1.2.3) for npm.",
          `  prebuilt: ${scalar(p.nodeBin)}`,
          ...targets(targetsOf(p, split))
        ];
      }
      return placeholderBuild(targets(targetsOf(p, split)));
    case "plain":
      return placeholderBuild(targets(targetsOf(p, split)));
  }
}
function placeholderBuild(targets) {
  return [
    "  # TODO: replace with the command that builds one binary for {{os}}/{{arch}} into {{output}},",
    '  # e.g. `make build GOOS={{os}} GOARCH={{arch}} OUT={{output}}`; or set `prebuilt: "bin/{{os}}-{{arch}}/app{{ext}}"`',
    "  # instead when the binaries are built elsewhere.",
    `  command: ${scalar('echo "ferry.yaml: set build.command to build {{os}}/{{arch}} into {{output}}" >&2; exit 1')}`,
    ...targets
  ];
}
function renderWorkflow(p, enabled, { split }) {
  const on = registryTemplates.filter((r) => enabled.includes(r.name));
  const off = registryTemplates.filter((r) => !enabled.includes(r.name));
  const trusted = on.filter((r) => r.trustedPublishing).map((r) => r.name);
  const checkout = [
    "      - uses: actions/checkout@v4",
    "        with:",
    "          fetch-depth: 0 # every tag, for the version and the notes"
  ];
  const permissions = [
    "    permissions:",
    "      contents: write # create the GitHub Release and upload its assets",
    `      id-token: write # the OIDC identity that signs checksums.txt and the attestation${trusted.length ? `; ${trusted.join(" and ")} trusted publishing` : ""}`,
    "      attestations: write # store the release's provenance attestation"
  ];
  const onSecrets = [...new Set(on.flatMap((r) => r.secrets))];
  const offSecrets = [...new Set(off.flatMap((r) => r.secrets))].filter((s) => !onSecrets.includes(s));
  const secrets = [
    ...on.length ? ["        env:"] : ["        # env:"],
    ...onSecrets.map((s) => `          ${s}: \${{ secrets.${s} }}`),
    "          # The registries that are commented out in ferry.yaml:",
    ...offSecrets.map((s) => `          # ${s}: \${{ secrets.${s} }}`)
  ];
  const header = [
    `# Releases ${p.name} with ferry when a version tag (v1.2.3) is pushed: builds every target,`,
    "# publishes the GitHub Release, then every registry in ferry.yaml. Secrets are repository",
    "# secrets (Settings > Secrets and variables > Actions); GITHUB_TOKEN is passed by the action.",
    "name: release",
    "",
    "on:",
    "  push:",
    '    tags: ["v*"]',
    ""
  ];
  if (!split) {
    return lines([
      ...header,
      "# Nothing by default; the job asks for what it needs.",
      "permissions: {}",
      "",
      "jobs:",
      "  release:",
      "    runs-on: ubuntu-latest",
      ...permissions,
      "    steps:",
      ...checkout,
      ...toolchain(p),
      `      - uses: ${actionReference}`,
      ...secrets
    ]);
  }
  const matrix = targetsOf(p, split).flatMap((t) => {
    const [os, arch] = t.split("/");
    const runner = runnerOf(t);
    const note = runner.cross ? " # no hosted runner of this CPU: the build command cross-compiles" : "";
    return [`          - os: ${os}`, `            arch: ${arch}`, `            runner: ${runner.label}${note}`];
  });
  return lines([
    ...header,
    "permissions:",
    "  contents: read",
    "",
    "jobs:",
    "  # Refuses a broken ferry.yaml before anything is built.",
    "  plan:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - uses: actions/checkout@v4",
    `      - uses: ${actionReference}`,
    "        with:",
    "          command: check",
    "",
    "  # Each target on a runner of its own OS and CPU (GitHub's hosted ubuntu-24.04-arm, macos-15-intel,",
    "  # windows-11-arm, \u2026); each uploads its share of .ferry/, ferry's output directory.",
    "  build:",
    "    needs: plan",
    "    strategy:",
    "      matrix:",
    "        include:",
    ...matrix,
    "    runs-on: ${{ matrix.runner }}",
    "    steps:",
    ...checkout,
    ...toolchain(p),
    ...p.kind === "rust" ? ["      - run: cargo build --release"] : [],
    `      - uses: ${actionReference}`,
    "        with:",
    "          command: build",
    "          args: --target ${{ matrix.os }}/${{ matrix.arch }}",
    "      - uses: actions/upload-artifact@v4",
    "        with:",
    "          name: dist-${{ matrix.os }}-${{ matrix.arch }}",
    "          path: .ferry/",
    "          include-hidden-files: true",
    "          if-no-files-found: error",
    "",
    "  # Joins the shares, publishes the GitHub Release, then every registry.",
    "  release:",
    "    needs: build",
    "    runs-on: ubuntu-latest",
    ...permissions,
    "    steps:",
    ...checkout,
    ...p.kind === "rust" || p.kind === "node" ? toolchain(p) : [],
    "      - uses: actions/download-artifact@v4",
    "        with:",
    "          pattern: dist-*",
    `      - uses: ${actionReference}`,
    "        with:",
    "          command: release",
    "          args: --merge dist-*",
    ...secrets
  ]);
}
function targetsOf(p, split) {
  if (p.kind === "rust") return split ? sixTargets : ["linux/amd64"];
  if (p.kind === "node" && p.nodeBin) return ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"];
  return sixTargets;
}
function toolchain(p) {
  switch (p.kind) {
    case "go":
      return ["      - uses: actions/setup-go@v5", "        with:", "          go-version-file: go.mod"];
    case "rust":
      return ["      - uses: dtolnay/rust-toolchain@stable"];
    case "node":
      return [
        "      - uses: actions/setup-node@v4",
        "        with:",
        "          node-version: lts/*",
        ...p.npmLock ? ["      - run: npm ci --ignore-scripts"] : []
      ];
    case "plain":
      return ["      # TODO: set up the toolchain your build command needs."];
  }
}
var lines = (list) => `${list.join("\n")}
`;

// packages/cli/src/init.ts
var workflowPath = join3(".github", "workflows", "release.yml");
async function init(argv, cwd = process.cwd(), env = process.env) {
  const flags = parseInitFlags(argv);
  const project = await detectProject(cwd, env);
  const written = ["ferry.yaml", workflowPath];
  if (!flags.force) {
    const present = [];
    for (const file of [...configFiles, workflowPath]) if (await exists2(join3(cwd, file))) present.push(file);
    if (present.length) {
      throw new FerryError("UsageInvalid", {
        what: `${present.join(" and ")} already exist${present.length === 1 ? "s" : ""} in ${cwd}; nothing was written.`,
        fix: "Run `ferry init --force` to replace them, or edit them by hand."
      });
    }
  }
  const interactive = !flags.yes && process.stdin.isTTY && process.stdout.isTTY && !env.CI;
  if (interactive && !await confirm(project)) {
    process.stderr.write("nothing was written\n");
    return 2;
  }
  const registries2 = defaultRegistries(project);
  await writeFile2(join3(cwd, "ferry.yaml"), renderConfig(project, registries2, { split: flags.split }));
  await mkdir(dirname(join3(cwd, workflowPath)), { recursive: true });
  await writeFile2(join3(cwd, workflowPath), renderWorkflow(project, registries2, { split: flags.split }));
  const ignores = await writeIgnores(cwd, project);
  const out2 = (text) => process.stdout.write(text);
  out2(`detected a ${describe(project)}: ${project.name}
`);
  for (const file of written) out2(`wrote ${relative(cwd, join3(cwd, file))}
`);
  for (const line of ignores) out2(`${line}
`);
  out2(`registries: ${registries2.join(", ") || "none yet (uncomment them in ferry.yaml)"}
`);
  if (!project.repositoryKnown) out2("set project.repository in ferry.yaml: no GitHub remote was found\n");
  if (project.kind === "plain" || project.kind === "node" && !project.nodeBin) out2("set build.command in ferry.yaml\n");
  out2("next: ferry plan --tag v0.1.0\n");
  return 0;
}
function parseInitFlags(argv) {
  const options2 = {
    yes: { type: "boolean", short: "y", default: false },
    force: { type: "boolean", default: false },
    split: { type: "boolean", default: false }
  };
  return parseCommandLine(argv, options2, "init", false).values;
}
function describe(p) {
  return { go: "Go module", rust: "Cargo crate", node: "Node package", plain: "project" }[p.kind];
}
async function confirm(project) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const ask = async (label, value) => (await rl.question(`${label} (${value}): `)).trim() || value;
    process.stdout.write(`Detected a ${describe(project)}. Press Enter to keep a value.
`);
    project.name = await ask("name", project.name);
    project.description = await ask("description", project.description);
    const repository2 = gitHubRepository(await ask("GitHub repository", project.repository));
    if (repository2 && repository2 !== project.repository) {
      if (project.homepage === `https://github.com/${project.repository}`) project.homepage = `https://github.com/${repository2}`;
      project.repository = repository2;
      project.repositoryKnown = true;
    }
    return !/^n/i.test((await rl.question("Write ferry.yaml and the release workflow? [Y/n] ")).trim());
  } finally {
    rl.close();
  }
}
async function exists2(path) {
  return access2(path).then(
    () => true,
    () => false
  );
}

// packages/cli/src/progress.ts
var time = () => (/* @__PURE__ */ new Date()).toISOString().slice(11, 19);
function plainProgress(write) {
  return {
    log: (scope, message) => write(`${time()} [${scope}] ${redact(message)}
`),
    phase: (registry, phase) => write(`${time()} [${registry}] ${phase}
`),
    result: (r) => write(`${time()} [${r.registry}] ${r.status}: ${redact(r.detail)}
`),
    stop: () => {
    }
  };
}
function liveProgress(stream, registries2) {
  const state = new Map(registries2.map((r) => [r, "queued"]));
  let drawn = 0;
  const draw = () => {
    const width = Math.max(...registries2.map((r) => r.length), 0);
    let out2 = drawn ? `\x1B[${drawn}A` : "";
    for (const [registry, status] of state) out2 += `\x1B[2K  ${registry.padEnd(width)}  ${status}
`;
    drawn = state.size;
    stream.write(out2);
  };
  return {
    log: (scope, message) => {
      if (!state.has(scope)) {
        stream.write(`${drawn ? `\x1B[${drawn}A\x1B[J` : ""}${redact(message)}
`);
        drawn = 0;
        draw();
      }
    },
    phase: (registry, phase) => {
      state.set(registry, `${phase}\u2026`);
      draw();
    },
    result: (r) => {
      state.set(r.registry, r.status);
      draw();
    },
    stop: () => {
    }
  };
}

// packages/cli/src/sandbox.ts
async function startSandbox(setup) {
  let sandbox2;
  try {
    sandbox2 = await import("@ferry-dev/sandbox");
  } catch (error) {
    if (error.code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new FerryError("InputMissing", {
      what: `The sandbox needs the package ${sandboxPackageName}, which is not installed.`,
      why: "The local stand-ins (Verdaccio, a GitHub API, git and the other registries) ship apart from ferry.",
      fix: `Install it beside ferry: \`npm install --global ${sandboxPackageName}@${version}\`.`,
      cause: error
    });
  }
  return sandbox2.startSandbox(setup);
}

// packages/cli/src/version.ts
var import_semver = __toESM(require_semver(), 1);
async function resolveVersion(tag, dir, env, prefix = "") {
  if (tag) return parseTag(tag, prefix);
  if (env.GITHUB_REF?.startsWith("refs/tags/")) return parseTag(env.GITHUB_REF.slice("refs/tags/".length), prefix);
  const listed = await execa("git", ["tag", "--points-at", "HEAD"], { cwd: dir, reject: false });
  const atHead = listed.failed ? [] : listed.stdout.split("\n").flatMap((t) => ownTag(t.trim(), prefix));
  const newest = atHead.sort((a, b) => import_semver.default.rcompare(a.semver, b.semver))[0];
  if (newest) return newest;
  throw new FerryError("VersionInvalid", {
    what: "No release tag was given.",
    why: `There is no --tag, GITHUB_REF is not a tag, and HEAD has no tag${prefix ? ` starting with "${prefix}"` : ""}.`,
    fix: `Pass --tag ${prefix}v1.2.3, or run on a tagged commit.`
  });
}
function ownTag(tag, prefix) {
  if (!tag.startsWith(prefix)) return [];
  try {
    return [parseTag(tag, prefix)];
  } catch {
    return [];
  }
}

// packages/cli/src/main.ts
var options = {
  config: { type: "string", short: "c" },
  tag: { type: "string" },
  only: { type: "string" },
  skip: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  concurrency: { type: "string" },
  sandbox: { type: "boolean" },
  dist: { type: "string" },
  "verify-timeout": { type: "string" },
  target: { type: "string", multiple: true },
  merge: { type: "boolean" },
  "allow-missing": { type: "string", multiple: true }
};
function parseFlags(argv) {
  const command = argv.find((a) => !a.startsWith("-")) ?? "";
  return parseCommandLine(argv, options, command);
}
var out = (text) => process.stdout.write(text);
var err = (text) => process.stderr.write(redact(text));
async function main(argv) {
  rememberEnvironmentSecrets();
  if (argv[0] === "init") return init(argv.slice(1));
  const { values: flags, positionals } = parseFlags(argv);
  const [command, ...rest] = positionals;
  if (!command) throw new FerryError("UsageInvalid", { what: "No command was given.", fix: "Run `ferry --help` for the commands." });
  if (rest.length && !flags.merge && !(command === "schema" && rest.join() === "report"))
    throw new FerryError("UsageInvalid", { what: `Unexpected argument "${rest[0]}".`, fix: "Run `ferry --help`." });
  switch (command) {
    case "schema": {
      if (rest[0] === "report") {
        out(`${JSON.stringify(reportJsonSchema(), null, 2)}
`);
        return 0;
      }
      const adapters = await Promise.all(registryNames.map(async (n) => await loadRegistry(n)));
      out(`${JSON.stringify(configJsonSchema(adapters), null, 2)}
`);
      return 0;
    }
    case "check": {
      const config = await readConfig(flags);
      const version2 = flags.tag === void 0 ? void 0 : await resolveVersion(flags.tag, config.project.dir, process.env);
      await validateRun({ config, spokes: await loadSpokes(selectSpokes(config, flags)), builds: true, version: version2 });
      out(
        `${config.path} is valid: ${config.build.targets.length} targets, registries: ${config.registries.map((r) => r.name).join(", ") || "none"}
`
      );
      return 0;
    }
    case "doctor": {
      const config = await readConfig(flags);
      const selected = selectSpokes(config, flags);
      await validateRun({ config, spokes: await loadSpokes(selected), builds: false });
      const running = flags.sandbox ? await startSandbox(sandboxSetup(config, selected)) : void 0;
      try {
        return await doctor({ config, selected, env: { ...process.env, ...running?.env }, json: Boolean(flags.json), write: out });
      } finally {
        await running?.stop();
      }
    }
    case "sandbox":
      return sandbox(flags);
    case "build":
    case "release":
    case "publish":
    case "plan":
      return run(command, flags, rest);
    default:
      throw unknownCommand(command);
  }
}
async function readConfig(flags) {
  const path = flags.config ? resolve(flags.config) : await findConfig(process.cwd());
  return loadConfig(path, registryNames, loadRegistry);
}
function selectSpokes(config, flags) {
  const list = (flag) => {
    const value = flags[flag];
    if (value === void 0) return void 0;
    const names = value.split(",").map((s) => s.trim()).filter(Boolean);
    if (!names.length) {
      throw new FerryError("UsageInvalid", {
        what: `--${flag} ${JSON.stringify(value)} names no registry.`,
        fix: `Give registry names separated by commas, e.g. --${flag} npm,pypi, or leave --${flag} out.`
      });
    }
    return names;
  };
  const only = list("only");
  const skip = list("skip") ?? [];
  const configured = config.registries.map((r) => r.name);
  for (const name of [...only ?? [], ...skip]) {
    if (!configured.includes(name)) {
      throw new FerryError("UsageInvalid", {
        what: `"${name}" is not a registry in ${config.path}.`,
        fix: `Choose from: ${configured.join(", ") || "(none configured)"}.`
      });
    }
  }
  return config.registries.filter((r) => (!only || only.includes(r.name)) && !skip.includes(r.name));
}
async function loadSpokes(selected) {
  const spokes = [];
  for (const entry of selected) spokes.push({ adapter: await loadRegistry(entry.name), options: entry.options, common: entry.common });
  return spokes;
}
function positiveNumber(value, flag, fallback, integer = false) {
  if (value === void 0) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || integer && !Number.isInteger(n)) {
    throw new FerryError("UsageInvalid", {
      what: `--${flag} must be a positive ${integer ? "whole number (1 or more)" : "number"}, not "${value}".`
    });
  }
  return n;
}
function selectTargets(config, flags, flag = "target") {
  if (!flags[flag]) return void 0;
  return flags[flag].map((wanted) => {
    const found = config.build.targets.find((t) => targetName(t) === wanted);
    if (!found) {
      throw new FerryError("UsageInvalid", {
        what: `--${flag} ${wanted} is not one of the build targets in ${config.path}.`,
        fix: `Choose from: ${config.build.targets.map(targetName).join(", ")}.`
      });
    }
    return found;
  });
}
async function run(command, flags, mergeDirs) {
  const concurrency = positiveNumber(flags.concurrency, "concurrency", Infinity, true);
  const verifyTimeoutMs = positiveNumber(flags["verify-timeout"], "verify-timeout", 300) * 1e3;
  const config = await readConfig(flags);
  const targets = selectTargets(config, flags);
  if (flags["allow-missing"] && !flags.merge) {
    throw new FerryError("UsageInvalid", {
      what: "--allow-missing goes with --merge.",
      fix: "Run `ferry release --merge <dirs\u2026> --allow-missing <os/arch>`."
    });
  }
  if (flags.merge && command !== "release" && command !== "plan") {
    throw new FerryError("UsageInvalid", {
      what: "--merge goes with `ferry release` (or `ferry plan`).",
      fix: "Run `ferry release --merge <dirs\u2026>`."
    });
  }
  const selected = command === "build" ? [] : selectSpokes(config, flags);
  const dryRun = command === "plan" || Boolean(flags["dry-run"]);
  const version2 = await resolveVersion(flags.tag, config.project.dir, process.env, config.release.tagPrefix);
  const distDir = flags.dist ? resolve(config.project.dir, flags.dist) : config.output;
  const spokes = await loadSpokes(selected);
  await validateRun({
    config,
    spokes,
    builds: command !== "publish" && !flags.merge,
    version: version2,
    output: { dir: distDir, use: command === "publish" ? "read" : "build" }
  });
  const manifest = flags.merge ? await mergeBuilds(
    mergeDirs.map((d) => resolve(d)),
    distDir,
    version2.tag,
    { targets: config.build.targets, allowMissing: selectTargets(config, flags, "allow-missing") ?? [] }
  ) : void 0;
  let env = process.env;
  let stopSandbox = async () => {
  };
  if (flags.sandbox) {
    const sandbox2 = await startSandbox(sandboxSetup(config, selected));
    stopSandbox = sandbox2.stop;
    env = { ...process.env, ...sandbox2.env };
    rememberEnvironmentSecrets(env);
    if (sandbox2.unsupported.length)
      err(`sandbox: no stand-in for ${sandbox2.unsupported.join(", ")}; they run against their real endpoints
`);
  }
  try {
    return await release(command, {
      config,
      dryRun,
      concurrency,
      verifyTimeoutMs,
      version: version2,
      distDir,
      env,
      json: Boolean(flags.json),
      targets,
      manifest,
      spokes
    });
  } finally {
    await stopSandbox();
  }
}
function sandboxSetup(config, selected) {
  return {
    repository: config.project.repository,
    project: config.project.name,
    registries: selected.map((r) => r.name),
    options: Object.fromEntries(selected.map((r) => [r.name, r.options]))
  };
}
async function release(command, plan) {
  const { config, dryRun, version: version2, distDir, env } = plan;
  const token = secret("GITHUB_TOKEN", env) ?? secret("GH_TOKEN", env);
  const needsGitHub = command === "publish" || command === "release" && !dryRun;
  if (needsGitHub && !token) {
    throw new FerryError("SecretMissing", {
      what: "GITHUB_TOKEN is not set.",
      why: `ferry ${command} reads or writes the GitHub release.`,
      fix: "Set GITHUB_TOKEN (in Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` with `permissions: contents: write`)."
    });
  }
  const { spokes } = plan;
  await removeStaleTempDirs();
  const interactive = process.stderr.isTTY && !env.CI && !plan.json;
  const progress = interactive ? liveProgress(
    process.stderr,
    spokes.map((s) => s.adapter.name)
  ) : plainProgress(err);
  const log = (message) => progress.log("hub", message);
  const api = githubApi(env);
  const github = createGitHub({ token, api, log });
  const serverUrl = env.GITHUB_SERVER_URL || webBase(api);
  const hubInput = { config, version: version2, distDir, github, log };
  const text = command === "release" || command === "plan" ? await releaseText({ config, version: version2, github: token ? github : void 0, log }) : void 0;
  const hub = command === "publish" ? await existingRelease(hubInput) : runHub({
    ...hubInput,
    serverUrl,
    env,
    dryRun: dryRun || command === "build",
    targets: plan.targets,
    manifest: plan.manifest,
    text,
    signal: interruption.signal
  });
  if (command === "build") {
    await hub.built;
    out(`built ${version2.tag} into ${distDir}
`);
    return 0;
  }
  const targets = await runSpokes({
    spokes,
    project: config.project,
    version: version2,
    built: hub.built,
    released: hub.released,
    distDir,
    env,
    dryRun,
    provenance: config.sign.attestations !== "off",
    concurrency: plan.concurrency,
    verifyTimeoutMs: plan.verifyTimeoutMs,
    signal: interruption.signal,
    onPhase: progress.phase,
    onResult: progress.result,
    log: progress.log
  });
  const stopped = new Promise((_, reject) => {
    const stop = () => reject(new FerryError("Interrupted", { registry: "github", what: "Stopped by a signal before it finished." }));
    if (interruption.signal.aborted) stop();
    interruption.signal.addEventListener("abort", stop, { once: true });
  });
  let badInput = false;
  const releaseState = await Promise.race([hub.released, stopped]).then(
    (outcome) => outcome,
    (error) => {
      const failure = asFerryError(error, "github");
      badInput = failure.exitCode === 2;
      return { status: "failed", error: redact(failure.message) };
    }
  );
  progress.stop();
  const built = dryRun ? await hub.built.catch(() => void 0) : void 0;
  const packages = built ? await linuxPackageDetails({ config, version: version2, distDir, manifest: built }) : [];
  const report = {
    tag: version2.tag,
    version: version2.semver,
    dryRun,
    release: { ...releaseState, ...packages.length ? { packages } : {} },
    targets,
    exitCode: interruption.signal.aborted ? interruption.signal.reason : badInput ? 2 : exitCodeOf(releaseState, targets)
  };
  const preview = async () => await releasePreview(distDir, built, text, packages) + await shownFiles(
    distDir,
    targets.flatMap((t) => t.files)
  );
  out(plan.json ? formatJson(report) : formatReport(report) + (dryRun ? await preview() : ""));
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, formatStepSummary(report));
  if (env.GITHUB_ACTIONS === "true") out(formatAnnotations(report));
  return report.exitCode;
}
async function releasePreview(distDir, manifest, text, packages) {
  if (!manifest) return "";
  let shown = text ? `
--- release ${manifest.tag}: ${text.name}
${text.notes ? `${text.notes}
` : "(no notes)\n"}` : "";
  for (const a of [...manifest.artifacts, ...manifest.files ?? []]) {
    shown += `
--- ${a.name} (${a.size} bytes, sha256 ${a.sha256})
`;
    const pkg = packages.find((p) => p.file === a.name);
    if (pkg) shown += packageText(pkg);
  }
  return redact(shown) + await shownFiles(distDir, ["checksums.txt", "manifest.json"]);
}
function packageText(p) {
  const list = (names) => names.join(", ") || "(none)";
  const width = Math.max(...p.files.map((f) => String(f.size).length));
  return [
    `package: ${p.name}`,
    `version: ${p.version}`,
    `architecture: ${p.arch}`,
    `maintainer: ${p.maintainer}`,
    `summary: ${p.summary}`,
    `depends: ${list(p.depends)}`,
    `conflicts: ${list(p.conflicts)}`,
    "files:",
    ...p.files.map((f) => `  ${f.mode} ${String(f.size).padStart(width)} ${f.path}`),
    ""
  ].join("\n");
}
async function shownFiles(distDir, files) {
  let text = "";
  for (const file of files) {
    const path = join4(distDir, file);
    const { size } = await stat(path);
    const bytes = size <= 8192 ? await readFile3(path) : void 0;
    const printable = bytes && !bytes.includes(0);
    text += `
--- ${file} (${size} bytes)
${printable ? bytes.toString("utf8").replace(/\n?$/, "\n") : ""}`;
  }
  return redact(text);
}
async function sandbox(flags) {
  const config = flags.config ? await readConfig(flags) : await findConfig(process.cwd()).then(
    () => readConfig(flags),
    () => void 0
  );
  const running = await startSandbox(
    config ? sandboxSetup(config, selectSpokes(config, flags)) : { repository: "ferry-sandbox/hello", project: "hello", registries: registryNames }
  );
  for (const [name, value] of Object.entries(running.env)) out(`export ${name}=${JSON.stringify(value)}
`);
  out("# sandbox running; press Ctrl-C to stop\n");
  await new Promise((resolve2) => process.once("SIGINT", resolve2).once("SIGTERM", resolve2));
  await running.stop();
  return 0;
}
var interruption = new AbortController();
setMaxListeners(0, interruption.signal);
function stopOnSignals() {
  for (const [name, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143]
  ]) {
    process.on(name, () => {
      if (process.argv.includes("sandbox")) return;
      if (interruption.signal.aborted) process.exit(code);
      err(`${name}: stopping; what finished is reported below
`);
      interruption.abort(code);
      setTimeout(() => process.exit(code), 2e4).unref();
    });
  }
}
async function runCommand(argv) {
  try {
    return await main(argv);
  } catch (error) {
    const ferry = asFerryError(error);
    err(`${ferry.message}
`);
    if (ferry.code === "ToolFailed" && !(error instanceof FerryError) && process.env.FERRY_DEBUG) err(`${error.stack}
`);
    return interruption.signal.aborted ? interruption.signal.reason : ferry.exitCode;
  }
}
export {
  runCommand,
  stopOnSignals
};
