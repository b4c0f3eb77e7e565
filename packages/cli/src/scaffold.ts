import { configSchemaUrl, type TargetName } from "@ferry/core";
import { stringify } from "yaml";
import type { Project } from "./detect.ts";
import { actionReference as ferryAction } from "./distribution.ts";
import { runnerOf } from "./runners.ts";

const sixTargets: TargetName[] = ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"];

interface RegistryTemplate {
  name: string;
  /** One line: what is published, what to create first, and the secret. */
  hint: (p: Project) => string;
  secrets: string[];
  /** npm and PyPI accept an OIDC token instead of a secret (needs `id-token: write`). */
  trustedPublishing?: boolean;
  options: (p: Project) => Record<string, unknown>;
}

const owner = (p: Project) => p.repository.split("/")[0]!;
const words = (value: string) => value.split(/[^A-Za-z0-9]+/).filter(Boolean);
const pascal = (value: string) =>
  words(value)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("") || "App";

/** Every registry, in the order ferry.yaml lists them. */
export const registryTemplates: RegistryTemplate[] = [
  {
    name: "homebrew",
    hint: (p) => `Homebrew: a formula in ${owner(p)}/homebrew-tap (create that repository first). Secret: HOMEBREW_TAP_TOKEN.`,
    secrets: ["HOMEBREW_TAP_TOKEN"],
    options: (p) => ({ tap: `${owner(p)}/homebrew-tap` }),
  },
  {
    name: "scoop",
    hint: (p) => `Scoop: a manifest in ${owner(p)}/scoop-bucket (create that repository first). Secret: SCOOP_BUCKET_TOKEN.`,
    secrets: ["SCOOP_BUCKET_TOKEN"],
    options: (p) => ({ bucket: `${owner(p)}/scoop-bucket` }),
  },
  {
    name: "npm",
    hint: (p) =>
      p.kind === "node"
        ? "npm: this package, packed from its directory as it is. Secret: NPM_TOKEN, or npm trusted publishing."
        : "npm: one package per platform binary and a launcher. Secret: NPM_TOKEN, or npm trusted publishing.",
    secrets: ["NPM_TOKEN"],
    trustedPublishing: true,
    options: (p) => (p.kind === "node" ? { package: p.npmPackage, directory: "." } : { package: p.name }),
  },
  {
    name: "pypi",
    hint: () => "PyPI: one wheel per platform binary. Secret: PYPI_TOKEN, or PyPI trusted publishing.",
    secrets: ["PYPI_TOKEN"],
    trustedPublishing: true,
    options: (p) => ({ name: p.name }),
  },
  {
    name: "crates",
    hint: () => "crates.io: the crate's sources, as cargo publish sends them. Secret: CARGO_REGISTRY_TOKEN.",
    secrets: ["CARGO_REGISTRY_TOKEN"],
    options: () => ({ manifest: "Cargo.toml" }),
  },
  {
    name: "docker",
    hint: () => "Docker/OCI: an image per linux binary, written without a Docker engine. Secrets: DOCKER_USERNAME, DOCKER_PASSWORD.",
    secrets: ["DOCKER_USERNAME", "DOCKER_PASSWORD"],
    options: (p) => ({ image: `ghcr.io/${owner(p).toLowerCase()}/${p.name}` }),
  },
  {
    name: "winget",
    hint: () => "WinGet: a pull request to microsoft/winget-pkgs. Secret: WINGET_TOKEN.",
    secrets: ["WINGET_TOKEN"],
    options: (p) => ({ identifier: `${pascal(owner(p))}.${pascal(p.name)}` }),
  },
  {
    name: "aur",
    hint: (p) => `AUR: the ${p.name}-bin package (an AUR account with an SSH key first). Secret: AUR_SSH_PRIVATE_KEY.`,
    secrets: ["AUR_SSH_PRIVATE_KEY"],
    options: () => ({}),
  },
  {
    name: "nix",
    hint: (p) => `Nix: a package file in ${owner(p)}/nur-packages (create that repository first). Secret: NIX_REPO_TOKEN.`,
    secrets: ["NIX_REPO_TOKEN"],
    options: (p) => ({ repository: `${owner(p)}/nur-packages` }),
  },
  {
    name: "flathub",
    hint: () => "Flathub: a pull request to the app's Flathub repository. Secret: FLATHUB_TOKEN.",
    secrets: ["FLATHUB_TOKEN"],
    options: (p) => ({ appId: `io.github.${owner(p).replace(/-/g, "_").replace(/^(\d)/, "_$1")}.${pascal(p.name)}` }),
  },
  {
    name: "snap",
    hint: (p) => `Snap Store: a snap per linux binary (snapcraft register ${p.name} first). Secret: SNAPCRAFT_STORE_CREDENTIALS.`,
    secrets: ["SNAPCRAFT_STORE_CREDENTIALS"],
    options: () => ({}),
  },
  {
    name: "chocolatey",
    hint: () => "Chocolatey: a package for the windows/amd64 zip. Secret: CHOCOLATEY_API_KEY.",
    secrets: ["CHOCOLATEY_API_KEY"],
    options: () => ({}),
  },
  {
    name: "apt",
    hint: (p) =>
      `APT: a signed repository of the .deb packages (packages.formats: [deb]) on ${p.repository}'s gh-pages branch. Secrets: APT_REPOSITORY_TOKEN, FERRY_GPG_KEY.`,
    secrets: ["APT_REPOSITORY_TOKEN", "FERRY_GPG_KEY"],
    options: (p) => ({ repository: p.repository }),
  },
  {
    name: "rpm",
    hint: (p) =>
      `RPM: a signed repository of the signed .rpm packages (packages.formats: [rpm]) on ${p.repository}'s gh-pages branch, with a .repo file for dnf. Secrets: RPM_REPOSITORY_TOKEN, FERRY_GPG_KEY.`,
    secrets: ["RPM_REPOSITORY_TOKEN", "FERRY_GPG_KEY"],
    options: (p) => ({ repository: p.repository }),
  },
];

/**
 * The registries a new ferry.yaml turns on: only those that need no account beyond GitHub
 * (a tap and a bucket repository) or that are the project's own ecosystem.
 */
export function defaultRegistries(p: Project): string[] {
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

/** A YAML scalar, quoted only when YAML needs it. */
const scalar = (value: string) => stringify(value, { lineWidth: 0 }).trimEnd();

interface Layout {
  /** The release workflow builds each target on a runner of its own (`ferry init --split`). */
  split: boolean;
}

export function renderConfig(p: Project, enabled: string[], { split }: Layout = { split: false }): string {
  const lines = [
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
    ...(p.binary !== p.name ? [`  binary: ${scalar(p.binary)}`] : []),
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
    "# One-line installers attached to every release (`curl -fsSL …/install.sh | sh`): they pick the",
    "# archive for the user's platform and check its sha256 against checksums.txt. Remove to attach none.",
    "installers: [sh, powershell]",
    "",
    "# Where each release goes after the GitHub Release. Each registry reads its secret from the",
    "# environment; .github/workflows/release.yml passes them from the repository's secrets.",
    enabled.length ? "registries:" : "registries: {}",
  ];
  const on = registryTemplates.filter((r) => enabled.includes(r.name));
  const off = registryTemplates.filter((r) => !enabled.includes(r.name));
  for (const r of on) lines.push(`  # ${r.hint(p)}`, ...section(r, p));
  if (off.length) {
    lines.push("", "  # More registries: uncomment a section here and its secret in the release workflow.");
    for (const r of off) lines.push(`  # ${r.hint(p)}`, ...section(r, p).map((l) => `  # ${l.slice(2)}`));
  }
  return `${lines.join("\n")}\n`;
}

function section(r: RegistryTemplate, p: Project): string[] {
  return stringify({ [r.name]: r.options(p) }, { lineWidth: 0 })
    .trimEnd()
    .split("\n")
    .map((l) => `  ${l}`);
}

function buildSection(p: Project, split: boolean): string[] {
  const targets = (list: string[]) => ["  targets:", ...list.map((t) => `    - ${t}`)];
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
        ...targets(targetsOf(p, split)),
      ];
    case "rust":
      if (split) {
        return [
          "  # The release workflow builds each target natively, on a runner of its own OS and CPU",
          "  # (`cargo build --release`); ferry packs the binary that build left. To try it here:",
          "  # `cargo build --release`, then `ferry plan --target <this machine's os/arch>`.",
          "  # Cargo.toml's version must be the tag's (v1.2.3 is 1.2.3) for crates.io.",
          `  prebuilt: ${scalar(`target/release/${p.binary}{{ext}}`)}`,
          ...targets(targetsOf(p, split)),
        ];
      }
      return [
        "  # A native build, for the machine that runs it (a linux/amd64 CI runner). For more targets,",
        "  # build each with its --target (e.g. cross or cargo-zigbuild: `cargo zigbuild --release",
        "  # --target aarch64-unknown-linux-gnu`) and copy target/<triple>/release/<binary> to {{output}},",
        "  # or use `ferry init --split` to build each target on its own runner.",
        "  # Cargo.toml's version must be the tag's (v1.2.3 is 1.2.3) for crates.io.",
        `  command: ${scalar(`cargo build --release && cp target/release/${p.binary}{{ext}} {{output}}`)}`,
        ...targets(targetsOf(p, split)),
      ];
    case "node":
      if (p.nodeBin) {
        return [
          `  # The GitHub Release carries ${p.nodeBin} as it is: a Node script, run by the user's node.`,
          "  # package.json's version must be the tag's (v1.2.3 is 1.2.3) for npm.",
          `  prebuilt: ${scalar(p.nodeBin)}`,
          ...targets(targetsOf(p, split)),
        ];
      }
      return placeholderBuild(targets(targetsOf(p, split)));
    case "plain":
      return placeholderBuild(targets(targetsOf(p, split)));
  }
}

/** A command that says what to do: nothing is guessed, and a release cannot go out half-configured. */
function placeholderBuild(targets: string[]): string[] {
  return [
    "  # TODO: replace with the command that builds one binary for {{os}}/{{arch}} into {{output}},",
    '  # e.g. `make build GOOS={{os}} GOARCH={{arch}} OUT={{output}}`; or set `prebuilt: "bin/{{os}}-{{arch}}/app{{ext}}"`',
    "  # instead when the binaries are built elsewhere.",
    `  command: ${scalar('echo "ferry.yaml: set build.command to build {{os}}/{{arch}} into {{output}}" >&2; exit 1')}`,
    ...targets,
  ];
}

export function renderWorkflow(p: Project, enabled: string[], { split }: Layout): string {
  const on = registryTemplates.filter((r) => enabled.includes(r.name));
  const off = registryTemplates.filter((r) => !enabled.includes(r.name));
  const trusted = on.filter((r) => r.trustedPublishing).map((r) => r.name);
  const checkout = [
    "      - uses: actions/checkout@v4",
    "        with:",
    "          fetch-depth: 0 # every tag, for the version and the notes",
  ];
  const permissions = [
    "    permissions:",
    "      contents: write # create the GitHub Release and upload its assets",
    `      id-token: write # the OIDC identity that signs checksums.txt and the attestation${trusted.length ? `; ${trusted.join(" and ")} trusted publishing` : ""}`,
    "      attestations: write # store the release's provenance attestation",
  ];
  // One secret serves several registries (FERRY_GPG_KEY signs the APT and the RPM repository): each is listed once.
  const onSecrets = [...new Set(on.flatMap((r) => r.secrets))];
  const offSecrets = [...new Set(off.flatMap((r) => r.secrets))].filter((s) => !onSecrets.includes(s));
  const secrets = [
    ...(on.length ? ["        env:"] : ["        # env:"]),
    ...onSecrets.map((s) => `          ${s}: \${{ secrets.${s} }}`),
    "          # The registries that are commented out in ferry.yaml:",
    ...offSecrets.map((s) => `          # ${s}: \${{ secrets.${s} }}`),
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
    "",
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
      `      - uses: ${ferryAction}`,
      ...secrets,
    ]);
  }
  const matrix = targetsOf(p, split).flatMap((t) => {
    const [os, arch] = t.split("/") as [string, string];
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
    `      - uses: ${ferryAction}`,
    "        with:",
    "          command: check",
    "",
    "  # Each target on a runner of its own OS and CPU (GitHub's hosted ubuntu-24.04-arm, macos-15-intel,",
    "  # windows-11-arm, …); each uploads its share of .ferry/, ferry's output directory.",
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
    ...(p.kind === "rust" ? ["      - run: cargo build --release"] : []),
    `      - uses: ${ferryAction}`,
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
    ...(p.kind === "rust" || p.kind === "node" ? toolchain(p) : []),
    "      - uses: actions/download-artifact@v4",
    "        with:",
    "          pattern: dist-*",
    `      - uses: ${ferryAction}`,
    "        with:",
    "          command: release",
    "          args: --merge dist-*",
    ...secrets,
  ]);
}

/**
 * The targets each kind of project builds; ferry.yaml and the split matrix list the same. cargo
 * builds only its own machine's target, so a single-job Rust release has one.
 */
function targetsOf(p: Project, split: boolean): TargetName[] {
  if (p.kind === "rust") return split ? sixTargets : ["linux/amd64"];
  if (p.kind === "node" && p.nodeBin) return ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"];
  return sixTargets;
}

function toolchain(p: Project): string[] {
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
        ...(p.npmLock ? ["      - run: npm ci --ignore-scripts"] : []),
      ];
    case "plain":
      return ["      # TODO: set up the toolchain your build command needs."];
  }
}

const lines = (list: string[]) => `${list.join("\n")}\n`;
