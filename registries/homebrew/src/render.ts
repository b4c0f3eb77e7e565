import { FerryError, findArtifact, type Artifact, type FileRelease, type Project, type ReleaseManifest, type Version } from "@ferry/core";

/** Homebrew's class name for a formula name (Formulary.class_s): hello-world → HelloWorld, foo@2 → FooAT2. */
export function formulaClass(name: string): string {
  const className = (name.charAt(0).toUpperCase() + name.slice(1).toLowerCase())
    .replace(/[-_.\s]([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())
    .replace(/\+/g, "x")
    .replace(/(.)@(\d)/, "$1AT$2");
  if (!/^[A-Z][A-Za-z0-9_]*$/.test(className)) {
    throw new FerryError("ConfigInvalid", {
      registry: "homebrew",
      what: `"${name}" cannot be a formula name: its class name would be "${className}".`,
      fix: "Set `formula` to a lowercase name that starts with a letter, e.g. the project name.",
    });
  }
  return className;
}

/** A Ruby double-quoted string literal; `#{` is escaped so text never interpolates. */
const ruby = (text: string) =>
  `"${text
    .replace(/[\\"]/g, "\\$&")
    .replace(/#(?=[{$@])/g, "\\#")
    .replace(/\n/g, "\\n")}"`;

export interface FormulaInput {
  project: Project;
  version: Version;
  manifest: ReleaseManifest;
  formula: string;
}

/** Formula/<name>.rb for a binary release: per OS and CPU the archive URL and its sha256 from manifest.json. */
export function renderFormula({ project, version, manifest, formula }: FormulaInput): string {
  const block = (os: "darwin" | "linux") => {
    const cpus: Array<[string, Artifact | undefined]> = [
      ["on_arm", findArtifact(manifest, os, "arm64")],
      ["on_intel", findArtifact(manifest, os, "amd64")],
    ];
    const lines = cpus.flatMap(([cpu, a]) =>
      a ? [`    ${cpu} do\n      url ${ruby(a.url)}\n      sha256 ${ruby(a.sha256)}\n    end\n`] : [],
    );
    return lines.length ? `  ${os === "darwin" ? "on_macos" : "on_linux"} do\n${lines.join("\n")}  end\n` : "";
  };
  const platforms = [block("darwin"), block("linux")].filter(Boolean);
  const unix = manifest.artifacts.find((a) => a.os !== "windows");
  if (!unix || platforms.length === 0) {
    throw new FerryError("InputMissing", {
      registry: "homebrew",
      what: "The release has no macOS or Linux archive for the formula.",
      fix: "Add darwin or linux targets to the build, or skip homebrew.",
    });
  }
  // `brew audit` rejects a description ending with a period.
  const desc = project.description.trim().replace(/\.$/, "");
  return [
    "# Written by ferry on each release; edits here are replaced by the next one.\n",
    `class ${formulaClass(formula)} < Formula\n`,
    `  desc ${ruby(desc)}\n`,
    `  homepage ${ruby(project.homepage)}\n`,
    `  version ${ruby(version.semver)}\n`,
    project.license ? `  license ${ruby(project.license)}\n` : "",
    "\n",
    platforms.join("\n"),
    "\n",
    "  def install\n",
    `    bin.install ${ruby(unix.binary)}\n`,
    "  end\n",
    "\n",
    "  test do\n",
    `    assert_match version.to_s, shell_output("#{bin}/${project.binary.replace(/[\\"#]/g, "\\$&")} --version")\n`,
    "  end\n",
    "end\n",
  ].join("");
}

/** The version and sha256s a formula names, as read back from a tap. */
export function parseFormula(text: string): FileRelease | undefined {
  const version = /^\s*version\s+"([^"]*)"/m.exec(text)?.[1];
  if (version === undefined) return undefined;
  return { version, checksums: [...text.matchAll(/^\s*sha256\s+"([0-9a-fA-F]{64})"/gm)].map((m) => m[1]!.toLowerCase()) };
}

/** Casks/<name>.rb: the macOS archives by CPU, installing the binary with the `binary` stanza. */
export function renderCask({ project, version, manifest, formula }: FormulaInput): string {
  const cpus: Array<[string, Artifact | undefined]> = [
    ["on_arm", findArtifact(manifest, "darwin", "arm64")],
    ["on_intel", findArtifact(manifest, "darwin", "amd64")],
  ];
  const blocks = cpus.flatMap(([cpu, a]) => (a ? [`  ${cpu} do\n    sha256 ${ruby(a.sha256)}\n    url ${ruby(a.url)}\n  end\n`] : []));
  const mac = cpus.find(([, a]) => a)?.[1];
  if (!mac) {
    throw new FerryError("InputMissing", {
      registry: "homebrew",
      what: "The release has no macOS archive for the cask.",
      fix: "Add darwin targets to the build, or publish a formula (cask: false).",
    });
  }
  return [
    "# Written by ferry on each release; edits here are replaced by the next one.\n",
    `cask ${ruby(formula)} do\n`,
    `  version ${ruby(version.semver)}\n\n`,
    blocks.join("\n"),
    "\n",
    `  name ${ruby(project.name)}\n`,
    `  desc ${ruby(project.description.trim().replace(/\.$/, ""))}\n`,
    `  homepage ${ruby(project.homepage)}\n\n`,
    `  binary ${ruby(mac.binary)}\n`,
    "end\n",
  ].join("");
}
