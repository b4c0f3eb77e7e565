import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  defineFileRegistry,
  envName,
  external_exports,
  findArtifact,
  repoFilesOptions
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import "./chunk-BHGG6FRM.js";

// registries/homebrew/src/render.ts
function formulaClass(name) {
  const className = (name.charAt(0).toUpperCase() + name.slice(1).toLowerCase()).replace(/[-_.\s]([a-zA-Z0-9])/g, (_, c) => c.toUpperCase()).replace(/\+/g, "x").replace(/(.)@(\d)/, "$1AT$2");
  if (!/^[A-Z][A-Za-z0-9_]*$/.test(className)) {
    throw new FerryError("ConfigInvalid", {
      registry: "homebrew",
      what: `"${name}" cannot be a formula name: its class name would be "${className}".`,
      fix: "Set `formula` to a lowercase name that starts with a letter, e.g. the project name."
    });
  }
  return className;
}
var ruby = (text) => `"${text.replace(/[\\"]/g, "\\$&").replace(/#(?=[{$@])/g, "\\#").replace(/\n/g, "\\n")}"`;
function renderFormula({ project, version, manifest, formula }) {
  const block = (os) => {
    const cpus = [
      ["on_arm", findArtifact(manifest, os, "arm64")],
      ["on_intel", findArtifact(manifest, os, "amd64")]
    ];
    const lines = cpus.flatMap(
      ([cpu, a]) => a ? [`    ${cpu} do
      url ${ruby(a.url)}
      sha256 ${ruby(a.sha256)}
    end
`] : []
    );
    return lines.length ? `  ${os === "darwin" ? "on_macos" : "on_linux"} do
${lines.join("\n")}  end
` : "";
  };
  const platforms = [block("darwin"), block("linux")].filter(Boolean);
  const unix = manifest.artifacts.find((a) => a.os !== "windows");
  if (!unix || platforms.length === 0) {
    throw new FerryError("InputMissing", {
      registry: "homebrew",
      what: "The release has no macOS or Linux archive for the formula.",
      fix: "Add darwin or linux targets to the build, or skip homebrew."
    });
  }
  const desc = project.description.trim().replace(/\.$/, "");
  return [
    "# Written by ferry on each release; edits here are replaced by the next one.\n",
    `class ${formulaClass(formula)} < Formula
`,
    `  desc ${ruby(desc)}
`,
    `  homepage ${ruby(project.homepage)}
`,
    `  version ${ruby(version.semver)}
`,
    project.license ? `  license ${ruby(project.license)}
` : "",
    "\n",
    platforms.join("\n"),
    "\n",
    "  def install\n",
    `    bin.install ${ruby(unix.binary)}
`,
    "  end\n",
    "\n",
    "  test do\n",
    `    assert_match version.to_s, shell_output("#{bin}/${project.binary.replace(/[\\"#]/g, "\\$&")} --version")
`,
    "  end\n",
    "end\n"
  ].join("");
}
function parseFormula(text) {
  const version = /^\s*version\s+"([^"]*)"/m.exec(text)?.[1];
  if (version === void 0) return void 0;
  return { version, checksums: [...text.matchAll(/^\s*sha256\s+"([0-9a-fA-F]{64})"/gm)].map((m) => m[1].toLowerCase()) };
}
function renderCask({ project, version, manifest, formula }) {
  const cpus = [
    ["on_arm", findArtifact(manifest, "darwin", "arm64")],
    ["on_intel", findArtifact(manifest, "darwin", "amd64")]
  ];
  const blocks = cpus.flatMap(([cpu, a]) => a ? [`  ${cpu} do
    sha256 ${ruby(a.sha256)}
    url ${ruby(a.url)}
  end
`] : []);
  const mac = cpus.find(([, a]) => a)?.[1];
  if (!mac) {
    throw new FerryError("InputMissing", {
      registry: "homebrew",
      what: "The release has no macOS archive for the cask.",
      fix: "Add darwin targets to the build, or publish a formula (cask: false)."
    });
  }
  return [
    "# Written by ferry on each release; edits here are replaced by the next one.\n",
    `cask ${ruby(formula)} do
`,
    `  version ${ruby(version.semver)}

`,
    blocks.join("\n"),
    "\n",
    `  name ${ruby(project.name)}
`,
    `  desc ${ruby(project.description.trim().replace(/\.$/, ""))}
`,
    `  homepage ${ruby(project.homepage)}

`,
    `  binary ${ruby(mac.binary)}
`,
    "end\n"
  ].join("");
}

// registries/homebrew/src/index.ts
var options = external_exports.object({
  tap: external_exports.string().regex(/^[\w.-]+\/homebrew-[\w.-]+$/, "expected owner/homebrew-<name>").optional().meta({ description: "The tap on GitHub, `owner/homebrew-<name>`, written through the contents API. Or set `git`." }),
  ...repoFilesOptions,
  cask: external_exports.boolean().default(false).meta({ description: "Publish a cask (Casks/<formula>.rb, macOS only) instead of a formula." }),
  formula: external_exports.string().regex(/^[a-z0-9][a-z0-9@._+-]*$/, "expected a lowercase formula name").optional().meta({ description: "The formula (or cask) name: Formula/<formula>.rb. Default: the project name." }),
  token: envName().default("HOMEBREW_TAP_TOKEN").meta({ description: "Name of the secret with a token that may write to the tap." })
}).strict();
var formulaName = (ctx) => ctx.options.formula ?? ctx.project.name.toLowerCase();
var src_default = defineFileRegistry({
  name: "homebrew",
  options,
  // One archive per OS and CPU: a musl build stands in for a missing glibc one, the universal binary for missing macOS ones.
  targets: ["darwin/amd64", "darwin/arm64", "darwin/universal", "linux/amd64", "linux/arm64", "linux/amd64-musl", "linux/arm64-musl"],
  repository: (ctx) => ctx.options.tap,
  path: (ctx) => `${ctx.options.cask ? "Casks" : "Formula"}/${formulaName(ctx)}.rb`,
  render: (ctx) => (ctx.options.cask ? renderCask : renderFormula)({
    project: ctx.project,
    version: ctx.version,
    manifest: ctx.manifest,
    formula: formulaName(ctx)
  }),
  message: (ctx) => `${formulaName(ctx)} ${ctx.version.semver}`,
  version: (ctx) => ctx.version.semver,
  parse: parseFormula
});
export {
  src_default as default
};
