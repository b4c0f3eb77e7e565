import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ferry } from "./cli.ts";
import { schemaValidator } from "./schemas.ts";

// Real projects built by their own toolchains (Go with a module from a file:// proxy, Rust with a
// path dependency, Node with its lockfiles); each archive's SBOM is checked with the CycloneDX
// library's own validator or SPDX's JSON schema, and against what the toolchain recorded.
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ferry-sbom-"));
});
afterAll(async () => {
  if (!root) return;
  await execa("go", ["clean", "-modcache"], { env: { GOMODCACHE: join(root, "modcache") }, reject: false });
  await rm(root, { recursive: true, force: true });
});

const project = (name: string, build: string, extra = "") => `project:
  name: ${name}
  description: Says hello.
  homepage: https://example.com/${name}
  license: MIT
  repository: ferry-test/${name}
build:
${build}
${extra}`;

interface CycloneDx {
  bomFormat: string;
  specVersion: string;
  metadata: { timestamp: string; component: { name: string; version: string; hashes: Array<{ alg: string; content: string }> } };
  components?: Array<{ name: string; version: string; purl: string; hashes?: Array<{ alg: string; content: string }> }>;
  dependencies?: Array<{ ref: string; dependsOn?: string[] }>;
}

async function release(dir: string, env: Record<string, string> = {}) {
  const run = await ferry(["build", "--tag", "v1.2.3"], { cwd: dir, env: { SOURCE_DATE_EPOCH: "1700000000", ...env } });
  expect(run.code, run.stderr).toBe(0);
  const manifest = JSON.parse(await readFile(join(dir, ".ferry", "manifest.json"), "utf8")) as {
    artifacts: Array<{ name: string; sha256: string; url: string }>;
    files?: Array<{ name: string; kind: string; os?: string; arch?: string; sha256: string }>;
  };
  return {
    manifest,
    checksums: await readFile(join(dir, ".ferry", "checksums.txt"), "utf8"),
    text: (name: string) => readFile(join(dir, ".ferry", name), "utf8"),
  };
}

/** The CycloneDX library's strict JSON validator for spec 1.6: null when the SBOM is valid. */
const cycloneDxErrors = (text: string) => new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text);

describe("Go", () => {
  it("lists the modules `go version -m` reads from each binary, with go.sum's hash, one valid CycloneDX SBOM per archive", async () => {
    // A module served by a file:// GOPROXY, as a real proxy would, so the build records its h1: hash.
    const proxy = join(root, "goproxy", "example.org", "greet", "@v");
    const source = join(root, "zip", "example.org", "greet@v1.0.0");
    await mkdir(proxy, { recursive: true });
    await mkdir(source, { recursive: true });
    await writeFile(join(source, "go.mod"), "module example.org/greet\n\ngo 1.19\n");
    await writeFile(join(source, "greet.go"), 'package greet\n\nfunc Hello() string { return "hello" }\n');
    await execa("zip", ["-q", "-r", "-D", "-X", join(proxy, "v1.0.0.zip"), "example.org"], { cwd: join(root, "zip") });
    await writeFile(join(proxy, "v1.0.0.mod"), "module example.org/greet\n\ngo 1.19\n");
    await writeFile(join(proxy, "v1.0.0.info"), '{"Version":"v1.0.0","Time":"2026-01-01T00:00:00Z"}\n');
    await writeFile(join(proxy, "list"), "v1.0.0\n");

    const dir = join(root, "go");
    await mkdir(dir);
    const goEnv = {
      GOPROXY: `file://${join(root, "goproxy")}`,
      GOSUMDB: "off",
      GOMODCACHE: join(root, "modcache"),
      GOFLAGS: "-buildvcs=false",
    };
    await writeFile(join(dir, "go.mod"), "module example.com/hello\n\ngo 1.19\n\nrequire example.org/greet v1.0.0\n");
    await writeFile(join(dir, "main.go"), 'package main\n\nimport "example.org/greet"\n\nfunc main() { println(greet.Hello()) }\n');
    const tidy = await execa("go", ["mod", "tidy"], { cwd: dir, env: goEnv, reject: false, all: true });
    expect(tidy.exitCode, tidy.all).toBe(0);
    const env = Object.entries({ ...goEnv, CGO_ENABLED: "0", GOOS: "{{os}}", GOARCH: "{{goarch}}" })
      .map(([k, v]) => `    ${k}: "${v}"`)
      .join("\n");
    await writeFile(
      join(dir, "ferry.yaml"),
      project(
        "hello",
        `  command: go build -trimpath -ldflags "-s -w" -o {{output}} .\n  env:\n${env}\n  targets: [linux/amd64, windows/arm64]`,
        "sbom: {}\n",
      ),
    );
    const { manifest, checksums, text } = await release(dir);

    const h1 = /^example\.org\/greet v1\.0\.0 h1:(\S+)$/m.exec(await readFile(join(dir, "go.sum"), "utf8"))![1]!;
    expect(manifest.files?.map((f) => `${f.kind} ${f.os}/${f.arch} ${f.name}`)).toEqual([
      "sbom linux/amd64 hello_1.2.3_linux_amd64.tar.gz.cdx.json",
      "sbom windows/arm64 hello_1.2.3_windows_arm64.zip.cdx.json",
    ]);
    for (const archive of manifest.artifacts) {
      const file = manifest.files!.find((f) => f.name === `${archive.name}.cdx.json`)!;
      expect(checksums).toContain(`${file.sha256}  ${file.name}\n`);
      const sbom = await text(file.name);
      expect(await cycloneDxErrors(sbom)).toBeNull();
      const bom = JSON.parse(sbom) as CycloneDx;
      expect(bom).toMatchObject({ bomFormat: "CycloneDX", specVersion: "1.6" });
      expect(bom.metadata.timestamp).toBe("2023-11-14T22:13:20.000Z");
      expect(bom.metadata.component).toMatchObject({
        name: "hello",
        version: "1.2.3",
        hashes: [{ alg: "SHA-256", content: archive.sha256 }],
      });
      expect(bom.components).toEqual([
        expect.objectContaining({
          name: "example.org/greet",
          version: "v1.0.0",
          purl: "pkg:golang/example.org/greet@v1.0.0",
          hashes: [{ alg: "SHA-256", content: Buffer.from(h1, "base64").toString("hex") }],
        }),
      ]);
      expect(bom.dependencies).toContainEqual({ ref: archive.name, dependsOn: ["pkg:golang/example.org/greet@v1.0.0"] });
    }
  }, 240_000);
});

describe("Rust", () => {
  it("lists the crates `cargo metadata` says the binary links, not dev-dependencies, as SPDX 2.3 when asked", async () => {
    const dir = join(root, "rust");
    const crate = (name: string, deps = "", devDeps = "") =>
      `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}\n[dev-dependencies]\n${devDeps}`;
    for (const lib of ["greet", "testkit"]) {
      await mkdir(join(dir, lib, "src"), { recursive: true });
      await writeFile(join(dir, lib, "Cargo.toml"), crate(lib));
      await writeFile(join(dir, lib, "src", "lib.rs"), 'pub fn hello() -> &\'static str { "hello" }\n');
    }
    await mkdir(join(dir, "src"));
    await writeFile(join(dir, "Cargo.toml"), crate("hello", 'greet = { path = "greet" }\n', 'testkit = { path = "testkit" }\n'));
    await writeFile(join(dir, "src", "main.rs"), 'fn main() { println!("{}", greet::hello()); }\n');
    await execa("cargo", ["generate-lockfile", "--offline"], { cwd: dir });
    await writeFile(
      join(dir, "ferry.yaml"),
      project(
        "hello",
        "  command: cargo build --release --offline --target {{triple}} && cp target/{{triple}}/release/hello {{output}}\n  targets: [linux/amd64]",
        "sbom:\n  format: spdx\n",
      ),
    );
    const { manifest, checksums, text } = await release(dir, {
      CARGO_HOME: process.env.CARGO_HOME ?? join(process.env.HOME ?? "", ".cargo"),
    });

    const archive = manifest.artifacts[0]!;
    const name = `${archive.name}.spdx.json`;
    expect(manifest.files).toEqual([expect.objectContaining({ name, kind: "sbom", os: "linux", arch: "amd64" })]);
    expect(checksums).toContain(`  ${name}\n`);
    const document = JSON.parse(await text(name)) as {
      packages: Array<{
        SPDXID: string;
        name: string;
        versionInfo: string;
        checksums?: unknown;
        externalRefs?: Array<{ referenceLocator: string }>;
      }>;
      relationships: Array<{ spdxElementId: string; relationshipType: string; relatedSpdxElement: string }>;
    };
    expect(schemaValidator("spdx/spdx-schema.json")(document)).toEqual([]);
    expect(document.packages).toEqual([
      expect.objectContaining({
        SPDXID: "SPDXRef-Archive",
        name: "hello",
        versionInfo: "1.2.3",
        checksums: [{ algorithm: "SHA256", checksumValue: archive.sha256 }],
      }),
      expect.objectContaining({
        name: "greet",
        versionInfo: "0.1.0",
        externalRefs: [expect.objectContaining({ referenceLocator: "pkg:cargo/greet@0.1.0" })],
      }),
    ]);
    expect(document.relationships).toContainEqual({
      spdxElementId: "SPDXRef-Archive",
      relationshipType: "DEPENDS_ON",
      relatedSpdxElement: document.packages[1]!.SPDXID,
    });
  }, 240_000);
});

describe("Node", () => {
  const script = "  command: printf '#!/bin/sh\\necho hi\\n' > {{output}}\n  targets: [linux/amd64]";
  const integrity = (text: string) => `sha512-${Buffer.from(text.padEnd(64, "."), "utf8").toString("base64")}`;

  it("lists package-lock.json's packages, not its dev dependencies, with their sha512", async () => {
    const dir = join(root, "npm");
    await mkdir(dir);
    await writeFile(join(dir, "ferry.yaml"), project("hello", script, "sbom: {}\n"));
    await writeFile(
      join(dir, "package-lock.json"),
      JSON.stringify({
        name: "hello",
        version: "1.2.3",
        lockfileVersion: 3,
        requires: true,
        packages: {
          "": { name: "hello", version: "1.2.3", dependencies: { "@acme/greet": "^2.0.0" }, devDependencies: { vitest: "^4.0.0" } },
          "node_modules/@acme/greet": {
            version: "2.0.1",
            resolved: "https://registry.npmjs.org/@acme/greet/-/greet-2.0.1.tgz",
            integrity: integrity("greet"),
            dependencies: { ms: "^2.1.0" },
          },
          "node_modules/ms": { version: "2.1.3", resolved: "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz", integrity: integrity("ms") },
          "node_modules/vitest": {
            version: "4.0.0",
            resolved: "https://registry.npmjs.org/vitest/-/vitest-4.0.0.tgz",
            integrity: integrity("vitest"),
            dev: true,
          },
        },
      }),
    );
    const { manifest, text } = await release(dir);
    const sbom = await text(manifest.files![0]!.name);
    expect(await cycloneDxErrors(sbom)).toBeNull();
    const bom = JSON.parse(sbom) as CycloneDx;
    expect(bom.components?.map((c) => [c.purl, c.hashes])).toEqual([
      ["pkg:npm/%40acme/greet@2.0.1", [{ alg: "SHA-512", content: Buffer.from(integrity("greet").slice(7), "base64").toString("hex") }]],
      ["pkg:npm/ms@2.1.3", [{ alg: "SHA-512", content: Buffer.from(integrity("ms").slice(7), "base64").toString("hex") }]],
    ]);
  }, 120_000);

  it("follows pnpm-lock.yaml from the project's dependencies through the snapshots", async () => {
    const dir = join(root, "pnpm");
    await mkdir(dir);
    await writeFile(join(dir, "ferry.yaml"), project("hello", script, "sbom: {}\n"));
    await writeFile(
      join(dir, "pnpm-lock.yaml"),
      `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      greet:
        specifier: ^2.0.0
        version: 2.0.1(react@19.0.0)
    devDependencies:
      vitest:
        specifier: ^4.0.0
        version: 4.0.0

packages:

  greet@2.0.1:
    resolution: {integrity: ${integrity("greet")}}

  ms@2.1.3:
    resolution: {integrity: ${integrity("ms")}}

  react@19.0.0:
    resolution: {integrity: ${integrity("react")}}

  vitest@4.0.0:
    resolution: {integrity: ${integrity("vitest")}}

snapshots:

  greet@2.0.1(react@19.0.0):
    dependencies:
      ms: 2.1.3
      react: 19.0.0

  ms@2.1.3: {}

  react@19.0.0: {}

  vitest@4.0.0: {}
`,
    );
    const { manifest, text } = await release(dir);
    const sbom = await text(manifest.files![0]!.name);
    expect(await cycloneDxErrors(sbom)).toBeNull();
    expect((JSON.parse(sbom) as CycloneDx).components?.map((c) => c.purl)).toEqual([
      "pkg:npm/greet@2.0.1",
      "pkg:npm/ms@2.1.3",
      "pkg:npm/react@19.0.0",
    ]);
  }, 120_000);
});
