import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import crates from "@ferry/registry-crates";
import { startCrates } from "@ferry/sandbox";
import { testRegistry } from "./contract.ts";

const run = promisify(execFile);

testRegistry({
  adapter: crates,
  async start() {
    const registry = await startCrates();
    const cargoHome = await mkdtemp(join(tmpdir(), "ferry-cargo-home-"));
    return { ...registry, env: { ...registry.env, CARGO_HOME: cargoHome } };
  },
  /** Puts a crate in the release's project; its source carries the binaries' digests, so a rebuilt release is a different crate. */
  async options(release, registry) {
    const dir = join(release.project.dir, "crate");
    const name = release.project.name;
    await run("cargo", ["new", "--bin", "--vcs", "none", "--name", name, dir], {
      env: { ...process.env, CARGO_HOME: registry.env.CARGO_HOME },
    });
    const manifest = await readFile(join(dir, "Cargo.toml"), "utf8");
    await writeFile(
      join(dir, "Cargo.toml"),
      manifest.replace(/^version = .*$/m, `version = "${release.version.semver}"\ndescription = "Says hello."\nlicense = "MIT"`),
    );
    const build = release.manifest.artifacts.map((a) => a.sha256.slice(0, 8)).join("");
    await writeFile(join(dir, "src", "main.rs"), `fn main() {\n    println!("${name} ${release.version.semver} ${build}");\n}\n`);
    return { manifest: "crate/Cargo.toml" };
  },
  unreachable: (options) => ({ ...options, index: "sparse+http://127.0.0.1:9/index/" }),
});
