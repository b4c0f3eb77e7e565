import { execa } from "execa";
import { PackageURL } from "packageurl-js";
import { FerryError } from "../errors.ts";
import { base64Hex, type Dependency, type DependencyInput } from "./dependencies.ts";

/**
 * A Go binary's modules, from the build info the Go linker embeds (`go version -m`): each `dep`
 * line with its version and h1: hash (a SHA-256), or what a `=>` replace line puts in its place.
 * A module replaced by a local directory keeps the required path and version, with no hash.
 */
export async function goDependencies({ binary }: DependencyInput): Promise<Dependency[]> {
  const path = await binary();
  const result = await execa("go", ["version", "-m", path], { reject: false, all: true });
  if (result.failed) {
    throw new FerryError("ToolFailed", {
      what: `\`go version -m\` could not read the build info of ${path}.`,
      why: String(result.all ?? result.message).trim(),
      fix: "Build the binary with `go build` (the sbom section reads the modules it records), or remove the sbom section.",
    });
  }
  const modules: Dependency[] = [];
  for (const line of result.stdout.split("\n")) {
    const [kind, module, version, hash] = line.trim().split("\t");
    if (kind === "dep" && module && version) modules.push(goModule(module, version, hash));
    const last = modules.at(-1);
    if (kind === "=>" && module && version && last && version !== "(devel)") modules[modules.length - 1] = goModule(module, version, hash);
  }
  return modules;
}

function goModule(path: string, version: string, hash: string | undefined): Dependency {
  const slash = path.lastIndexOf("/");
  const purl = new PackageURL("golang", slash > 0 ? path.slice(0, slash) : undefined, path.slice(slash + 1), version, undefined, undefined);
  return { name: path, version, purl, hashes: hash?.startsWith("h1:") ? { "SHA-256": base64Hex(hash.slice(3)) } : {} };
}
