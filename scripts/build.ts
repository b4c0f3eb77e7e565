/**
 * Builds what ships, with esbuild:
 *   <out>/ferry    the npm package with the `ferry` command (CLI, core and the fourteen adapters)
 *   <out>/sandbox  the npm package with the local stand-ins (`ferry sandbox`, `--sandbox`)
 *   action/        the GitHub Action's committed bundle (`--action-out` elsewhere, for its test)
 * Usage: tsx scripts/build.ts [--out build] [--action-out action]
 *
 * ferry bundles all its dependencies, so installing it fetches one tarball; the sandbox bundles
 * all but one native addon. Adapters stay separate chunks, imported only when a run uses them.
 */
import { cp, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build, type BuildOptions, type Plugin } from "esbuild";
import { packageName, repository, sandboxPackageName } from "../packages/cli/src/distribution.ts";

const root = resolve(import.meta.dirname, "..");
const { version } = JSON.parse(await readFile(join(root, "packages/cli/package.json"), "utf8")) as { version: string };

/** What the packages have in common with the project's package.json files. */
const metadata = {
  version,
  license: "MIT",
  homepage: `https://github.com/${repository}`,
  repository: { type: "git", url: `git+https://github.com/${repository}.git` },
  type: "module",
  engines: { node: ">=20.19" },
};

/** The CLI imports the sandbox by its workspace name; installed, it is the sandbox package, loaded when asked for. */
const sandboxAsPackage: Plugin = {
  name: "sandbox-package",
  setup(b) {
    b.onResolve({ filter: /^@ferry\/sandbox$/ }, () => ({ path: sandboxPackageName, external: true }));
  },
};

const common: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  // Bundled CommonJS modules call require(), __dirname and __filename; ESM has them only this way.
  banner: {
    js: 'import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;',
  },
  define: { FERRY_VERSION: JSON.stringify(version) },
  // The CycloneDX library's optional XML plugins: ferry writes JSON, and the library falls back
  // when require() cannot find them.
  external: ["xmlbuilder2", "libxmljs2"],
  logLevel: "warning",
};

/** ferry itself: cli.ts answers --version and help, main.ts the rest, each adapter a chunk of its own. */
const cli = (outdir: string, entryPoints: Record<string, string>): BuildOptions => ({
  ...common,
  entryPoints,
  outdir,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [sandboxAsPackage],
  // ferry validates no SBOM at run time, so the CycloneDX library's validators stay out too. The
  // sandbox bundles ajv: its GitHub stand-in validates requests with it.
  external: ["xmlbuilder2", "libxmljs2", "ajv", "ajv-formats", "ajv-formats-draft2019"],
});

/** Writes into a fresh sibling directory, then swaps it in: a failed build leaves the old output whole. */
async function replaceDirectory(dir: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const temporary = `${dir}.partial-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary, { recursive: true });
  try {
    await fill(temporary);
    await rm(dir, { recursive: true, force: true });
    await rename(temporary, dir);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function ferryPackage(dir: string): Promise<void> {
  await build(cli(dir, { ferry: "packages/cli/src/cli.ts" }));
  await cp(join(root, "README.md"), join(dir, "README.md"));
  await writeFile(
    join(dir, "package.json"),
    json({
      name: packageName,
      description:
        "One release, every registry: builds a CLI's binaries once, publishes a GitHub Release, then npm, PyPI, Homebrew and nine more.",
      ...metadata,
      bin: { ferry: "ferry.js" },
      keywords: ["release", "publish", "npm", "pypi", "homebrew", "scoop", "winget", "github-release"],
    }),
  );
}

async function sandboxPackage(dir: string): Promise<void> {
  await build({ ...common, entryPoints: { index: "packages/sandbox/src/sandbox.ts" }, outdir: dir });
  // nuget-server (Chocolatey's stand-in) runs as a child process; its UI is read from beside its script.
  const nugetServer = dirname(createRequire(join(root, "packages/sandbox/package.json")).resolve("nuget-server/package.json"));
  await build({
    ...common,
    // An ES module that defines __dirname itself.
    banner: { js: 'import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url);' },
    entryPoints: [join(nugetServer, "dist/cli.mjs")],
    outfile: join(dir, "nuget-server/cli.mjs"),
    external: ["sodium-native"],
  });
  await cp(join(nugetServer, "dist/ui"), join(dir, "nuget-server/ui"), { recursive: true });
  // A native addon (with prebuilt binaries for each platform) stays a dependency: it cannot be bundled.
  const secureSession = createRequire(join(nugetServer, "package.json")).resolve("@fastify/secure-session/package.json");
  const sodiumNative = JSON.parse(await readFile(createRequire(secureSession).resolve("sodium-native/package.json"), "utf8")) as {
    version: string;
  };
  await writeFile(
    join(dir, "README.md"),
    `# ${sandboxPackageName}\n\nLocal stand-ins of GitHub and the registries for [ferry](https://github.com/${repository}): \`ferry sandbox\` and \`ferry release --sandbox\` use them.\nInstall it beside ferry: \`npm install --global ${sandboxPackageName}@${version}\`.\n`,
  );
  await writeFile(
    join(dir, "package.json"),
    json({
      name: sandboxPackageName,
      description: "Local stand-ins of GitHub and the registries, for ferry's rehearsals.",
      ...metadata,
      exports: "./index.js",
      dependencies: { "sodium-native": sodiumNative.version },
    }),
  );
}

/** The action: index.js (action.yml's main) runs ferry.js, both from this one directory. */
async function actionBundle(dir: string): Promise<void> {
  await build(cli(dir, { index: "packages/cli/src/action-main.ts", ferry: "packages/cli/src/cli.ts" }));
}

const { values } = parseArgs({ options: { out: { type: "string" }, "action-out": { type: "string" } } });
const out = resolve(values.out ?? join(root, "build"));
await replaceDirectory(join(out, "ferry"), ferryPackage);
await replaceDirectory(join(out, "sandbox"), sandboxPackage);
await replaceDirectory(resolve(values["action-out"] ?? join(root, "action")), actionBundle);
console.log(`built ${packageName}@${version} and ${sandboxPackageName}@${version} into ${out}`);
