import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { contextSigner, createContext, FerryError, resetDir, type Context } from "@ferry/core";
import { startPyPI, startSigstore, type PyPISandbox } from "@ferry/sandbox";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectServed } from "./served-urls.ts";
import pypi from "../registries/pypi/src/index.ts";
import { uploadDistribution, uploadToken } from "../registries/pypi/src/api.ts";
import { attest, checkProvenance, toBundle, type Provenance } from "../registries/pypi/src/attestation.ts";
import { startFaultProxy, transientFaults } from "./fault-proxy.ts";
import { makeRelease, type FixtureOptions } from "./fixtures.ts";

const run = promisify(execFile);
type Options = ReturnType<typeof pypi.options.parse>;

let index: PyPISandbox;
const dirs: string[] = [];
const logs: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  index = await startPyPI();
});
afterAll(async () => {
  await index?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function context(
  release: FixtureOptions,
  env: NodeJS.ProcessEnv = index.env,
  options: Record<string, unknown> = {},
): Promise<Context<Options>> {
  const fixture = await makeRelease(release);
  dirs.push(fixture.project.dir);
  return createContext({
    registry: "pypi",
    options: pypi.options.parse(options),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env,
    log: (message) => logs.push(message),
  });
}

/** prepare → publish → verify, as a run does after exists(). */
async function release(ctx: Context<Options>) {
  await resetDir(ctx.outDir);
  const prepared = await pypi.prepare(ctx);
  const published = await pypi.publish(ctx, prepared);
  return { prepared, published, verified: await pypi.verify(ctx, published) };
}

async function thrown(promise: Promise<unknown>): Promise<FerryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FerryError);
  errors.push((error as FerryError).message);
  return error as FerryError;
}

/** Real twine uploading a file to the sandbox index. */
const twineUpload = (file: string) =>
  run("twine", [
    "upload",
    "--non-interactive",
    "--disable-progress-bar",
    "--repository-url",
    index.uploadUrl,
    "-u",
    "__token__",
    "-p",
    index.token,
    file,
  ]);

/** A fresh venv that installs from the sandbox's simple index only. */
async function pipInstall(requirement: string): Promise<string> {
  const venv = await mkdtemp(join(tmpdir(), "ferry-venv-"));
  dirs.push(venv);
  await run("python3", ["-m", "venv", venv]);
  await run(join(venv, "bin", "pip"), [
    "install",
    "--no-cache-dir",
    "--disable-pip-version-check",
    "--index-url",
    `${index.url}/simple/`,
    requirement,
  ]);
  return venv;
}

describe("pypi against the PyPI stand-in", () => {
  it("publishes one wheel per target that twine checks and pip installs as a working command", async () => {
    const ctx = await context({ name: "hello-py" });
    expect(await pypi.exists(ctx)).toEqual({ state: "absent" });

    const { prepared, published, verified } = await release(ctx);
    expect(prepared.files).toEqual([
      "hello_py-1.2.3-py3-none-macosx_10_12_x86_64.whl",
      "hello_py-1.2.3-py3-none-macosx_11_0_arm64.whl",
      "hello_py-1.2.3-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
      "hello_py-1.2.3-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "hello_py-1.2.3-py3-none-win_amd64.whl",
      "hello_py-1.2.3-py3-none-win_arm64.whl",
      "METADATA",
    ]);
    const wheels = prepared.dists.map((d) => join(ctx.outDir, d.filename));
    const check = await run("twine", ["check", "--strict", ...wheels]);
    expect(check.stdout.match(/PASSED/g)).toHaveLength(6);
    expect(published.detail).toBe("hello-py 1.2.3: uploaded 6 files");
    expect(verified).toEqual({ state: "verified", detail: "hello-py==1.2.3 lists every file with its sha256" });

    const venv = await pipInstall("hello-py==1.2.3");
    const { stdout } = await run(join(venv, "bin", "hello-py"));
    expect(stdout.trim()).toBe("hello-py 1.2.3");

    expect(await pypi.exists(ctx)).toEqual({ state: "present", matches: true, detail: "hello-py 1.2.3: 6 files with equal sha256" });

    // pip read the PEP 691 JSON page; the PEP 503 HTML page lists the same files with their digests.
    const html = await (await fetch(`${index.url}/simple/hello-py/`)).text();
    for (const wheel of prepared.dists) expect(html).toContain(`/packages/${wheel.filename}#sha256=${wheel.sha256}">${wheel.filename}</a>`);

    // Every URL the JSON API and the simple pages name answers, and each file URL serves the bytes it lists.
    const json = (await (await fetch(`${index.url}/pypi/hello-py/json`)).json()) as {
      urls: Array<{ url: string; digests: { sha256: string } }>;
    };
    const served = await expectServed([json, html], index.url);
    for (const file of json.urls) expect(createHash("sha256").update(served.get(file.url)!).digest("hex")).toBe(file.digests.sha256);
  }, 120_000);

  it("re-renders identical bytes and a re-run uploads nothing", async () => {
    const ctx = await context({ name: "rerun-py", targets: [["linux", "amd64"]] });
    const first = await release(ctx);
    const bytes = await readFile(join(ctx.outDir, first.prepared.files[0]!));
    const before = index.uploads.length;
    const second = await release(ctx);
    expect((await readFile(join(ctx.outDir, second.prepared.files[0]!))).equals(bytes)).toBe(true);
    expect(second.published.detail).toBe("rerun-py 1.2.3: uploaded 0 files, 1 already there");
    expect(index.uploads.length).toBe(before);
  });

  it("translates prereleases to PEP 440 and refuses labels PEP 440 lacks", async () => {
    const ctx = await context({
      name: "pre-py",
      version: "2.0.0-rc.1",
      targets: [
        ["linux", "amd64"],
        ["linux", "arm64"],
      ],
    });
    const { prepared } = await release(ctx);
    expect(prepared.files[0]).toBe("pre_py-2.0.0rc1-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl");
    const venv = await pipInstall("pre-py==2.0.0rc1");
    expect((await run(join(venv, "bin", "pre-py"))).stdout.trim()).toBe("pre-py 2.0.0-rc.1");

    const odd = await context({ name: "pre-py", version: "2.0.0-nightly.1" });
    const error = await thrown(pypi.exists(odd));
    expect(error.code).toBe("VersionUnsupported");
    expect(error.exitCode).toBe(2);
  }, 120_000);

  it("accepts a real twine upload, and after a partial upload publishes only the missing wheels", async () => {
    const ctx = await context({
      name: "partial-py",
      targets: [
        ["linux", "amd64"],
        ["darwin", "arm64"],
        ["windows", "amd64"],
      ],
    });
    await resetDir(ctx.outDir);
    const { files } = await pypi.prepare(ctx);
    const first = join(ctx.outDir, files[0]!);
    await twineUpload(first);
    expect(index.uploads.at(-1)).toEqual({ filename: files[0], status: 200 });

    expect(await pypi.exists(ctx)).toEqual({ state: "absent" });
    const { published } = await release(ctx);
    expect(published.detail).toBe("partial-py 1.2.3: uploaded 2 files, 1 already there");
    expect(await pypi.exists(ctx)).toMatchObject({ state: "present", matches: true });
  }, 60_000);

  it("sends an upload again after a 503, a 429 (Retry-After), a reset or a lost answer: every wheel arrives once", async () => {
    const proxy = await startFaultProxy(index.url);
    try {
      for (const fault of transientFaults) {
        proxy.set({ fault });
        const name = `flaky-${fault}-py`;
        const ctx = await context({ name, targets: [["linux", "amd64"]] }, { ...index.env, FERRY_PYPI_UPLOAD_URL: `${proxy.url}/legacy/` });
        const { verified, published } = await release(ctx);
        expect(proxy.injected, fault).toBe(1);
        expect(verified?.state, fault).toBe("verified");
        // A lost answer's file is there when it is sent again; the index takes an identical file as PyPI does.
        expect(published.detail, fault).toBe(`${name} 1.2.3: uploaded 1 file`);
        const listed = (await (await fetch(`${index.url}/pypi/${name}/1.2.3/json`)).json()) as { urls: unknown[] };
        expect(listed.urls, fault).toHaveLength(1);
      }
    } finally {
      await proxy.stop();
    }
  }, 90_000);

  it("refuses to replace a wheel with other contents", async () => {
    const targets: FixtureOptions["targets"] = [["linux", "amd64"]];
    await release(await context({ name: "conflict-py", targets }));
    const other = await context({ name: "conflict-py", targets, marker: " rebuilt" });
    expect(await pypi.exists(other)).toMatchObject({ state: "present", matches: false });
    await resetDir(other.outDir);
    const error = await thrown(pypi.publish(other, await pypi.prepare(other)));
    expect(error.code).toBe("PublishedContentDiffers");

    // Real twine sees the stand-in refuse the file name reuse the way PyPI does.
    const reuse = await twineUpload(join(other.outDir, "conflict_py-1.2.3-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(`${reuse.stdout}${reuse.stderr}`).toMatch(/400 Bad Request[\s\S]*File already exists/);
  }, 60_000);

  it("publishes with trusted publishing when no token is set, each file with a PEP 740 attestation that PyPI's APIs serve back", async () => {
    const sigstore = await startSigstore({ repository: "ferry-test/oidc-py" });
    const attesting = await startPyPI({ sigstore });
    attesting.trustPublisher("oidc-py", { repository: "ferry-test/oidc-py", workflow: "release.yml" });
    try {
      const targets: FixtureOptions["targets"] = [
        ["linux", "amd64"],
        ["darwin", "arm64"],
      ];
      const ctx = await context({ name: "oidc-py", targets }, attesting.oidcEnv);
      const { prepared, published, verified } = await release(ctx);
      expect(published.detail).toBe("oidc-py 1.2.3: uploaded 2 files with PEP 740 attestations");
      // What `ferry plan` says it would make: here each file's attestation; with PYPI_TOKEN none, and why.
      expect(pypi.supplyChain!(ctx, prepared)).toEqual(verified!.supplyChain);
      const withToken = await context({ name: "oidc-py", targets }, { ...attesting.oidcEnv, PYPI_TOKEN: "pypi-unused" });
      expect(pypi.supplyChain!(withToken, prepared)).toEqual(
        prepared.dists.map((dist) => ({
          kind: "attestation",
          subject: dist.filename,
          skipped: "the upload uses PYPI_TOKEN, and PyPI takes attestations only from trusted publishers",
        })),
      );
      expect(verified).toEqual({
        state: "verified",
        detail: `oidc-py==1.2.3 lists every file with its sha256 and a publish attestation signed by ${sigstore.identity()}`,
        supplyChain: prepared.dists.map((dist) => ({
          kind: "attestation",
          subject: dist.filename,
          location: `${attesting.url}/integrity/oidc-py/1.2.3/${dist.filename}/provenance`,
        })),
      });

      // What an installer reads: the simple index names each file's provenance (PEP 740), and the
      // Integrity API serves it; sigstore's own verifier accepts each attestation for the workflow.
      const simple = (await (
        await fetch(`${attesting.url}/simple/oidc-py/`, { headers: { accept: "application/vnd.pypi.simple.v1+json" } })
      ).json()) as { meta: { "api-version": string }; files: Array<{ filename: string; provenance: string | null }> };
      expect(simple.meta["api-version"]).toBe("1.3");
      const html = await (await fetch(`${attesting.url}/simple/oidc-py/`)).text();
      const root = TrustedRoot.fromJSON(JSON.parse(await readFile(sigstore.trustedRoot, "utf8")));
      for (const dist of prepared.dists) {
        const listed = simple.files.find((f) => f.filename === dist.filename)!;
        const provenanceUrl = `${attesting.url}/integrity/oidc-py/1.2.3/${dist.filename}/provenance`;
        expect(listed.provenance).toBe(provenanceUrl);
        expect(html).toContain(`data-provenance="${provenanceUrl}">${dist.filename}</a>`);
        const response = await fetch(provenanceUrl, { headers: { accept: "application/vnd.pypi.integrity.v1+json" } });
        expect(response.headers.get("content-type")).toBe("application/vnd.pypi.integrity.v1+json");
        const provenance = (await response.json()) as Provenance;
        expect(provenance.version).toBe(1);
        const [bundle] = provenance.attestation_bundles;
        expect(bundle!.publisher).toMatchObject({ kind: "GitHub", repository: "ferry-test/oidc-py", workflow: "release.yml" });
        const [attestation] = bundle!.attestations;
        expect(attestation!.version).toBe(1);
        new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(
          toSignedEntity(bundleFromJSON(toBundle(attestation!))),
          { subjectAlternativeName: sigstore.identity(), extensions: { issuer: sigstore.issuer } },
        );
        expect(JSON.parse(Buffer.from(attestation!.envelope.statement, "base64").toString())).toEqual({
          _type: "https://in-toto.io/Statement/v1",
          subject: [{ name: dist.filename, digest: { sha256: dist.sha256 } }],
          predicateType: "https://docs.pypi.org/attestations/publish/v1",
          predicate: null,
        });
        // A provenance that attests another file is refused by ferry's own check.
        expect(() => checkProvenance(root, provenance, { ...dist, sha256: "0".repeat(64) })).toThrow(/does not attest this file/);
      }

      // The index refuses an attestation of another file, and attestations without trusted publishing.
      const [first] = prepared.dists;
      const { token } = await uploadToken(ctx, attesting.url);
      const signer = contextSigner(ctx)!;
      const where = { repository: attesting.uploadUrl, index: attesting.url };
      const other = await context({ name: "oidc-py", version: "1.2.4", targets }, attesting.oidcEnv);
      await resetDir(other.outDir);
      const later = (await pypi.prepare(other)).dists;
      const wrong = await thrown(uploadDistribution(other, where, token, later[0]!, [await attest(signer, first!)]));
      expect(wrong.message).toContain("Subject does not match distribution name or digest");
      const untrusted = await thrown(uploadDistribution(other, where, attesting.token, later[0]!, [await attest(signer, later[0]!)]));
      expect(untrusted.message).toContain("Attestations are only supported when using Trusted Publishing");
      for (const text of [...logs, ...errors]) expect(text).not.toContain(token);

      // The publisher's token uploads only its own project; a workflow that is no project's publisher gets no token.
      const foreign = await context({ name: "other-py", targets }, attesting.oidcEnv);
      await resetDir(foreign.outDir);
      const notTrusted = await thrown(uploadDistribution(foreign, where, token, (await pypi.prepare(foreign)).dists[0]!, []));
      expect(notTrusted.message).toContain("not valid for project 'other-py'");
      sigstore.setWorkflow({ workflow: ".github/workflows/nightly.yml" });
      const unregistered = await thrown(uploadToken(ctx, attesting.url));
      expect(unregistered.message).toContain("no corresponding publisher");
    } finally {
      await attesting.stop();
      await sigstore.stop();
    }
  }, 60_000);

  it("never shows the token, and says what to do when it is refused or missing", async () => {
    const canary = "pypi-CANARY-0123456789abcdef";
    const ctx = await context({ name: "canary-py", targets: [["linux", "amd64"]] }, { ...index.env, PYPI_TOKEN: canary });
    const refused = await thrown(release(ctx));
    expect(refused.code).toBe("RegistryRefused");
    expect(refused.message).toContain("PYPI_TOKEN");

    const { PYPI_TOKEN: _, ...noToken } = index.env;
    const missing = await thrown(release(await context({ name: "canary-py", targets: [["linux", "amd64"]] }, noToken)));
    expect(missing.code).toBe("SecretMissing");

    const good = await context({ name: "canary-py", targets: [["linux", "amd64"]] });
    await release(good);
    const rendered = await Promise.all((await readdir(good.outDir)).map((f) => readFile(join(good.outDir, f), "latin1")));
    for (const text of [...rendered, ...logs, ...errors]) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain(index.token);
    }
  });

  it("uploads a project's prebuilt wheel and sdist as they are, and refuses ones of another version", async () => {
    const ctx = await context({ name: "greet", targets: [["linux", "amd64"]] }, index.env, { dist: "pydist" });
    const dir = ctx.project.dir;
    await mkdir(join(dir, "src", "greet"), { recursive: true });
    await writeFile(
      join(dir, "pyproject.toml"),
      [
        "[build-system]",
        'requires = ["setuptools>=61"]',
        'build-backend = "setuptools.build_meta"',
        "[project]",
        'name = "greet"',
        'version = "1.2.3"',
        'description = "Says hello"',
        'requires-python = ">=3.8"',
        'classifiers = ["Programming Language :: Python :: 3"]',
        "[project.scripts]",
        'greet = "greet:main"',
      ].join("\n"),
    );
    await writeFile(join(dir, "src", "greet", "__init__.py"), 'def main():\n    print("greet 1.2.3")\n');
    // Debian's python3 carries python-build, setuptools and wheel; an isolated build would need the network.
    await run("/usr/bin/python3", ["-m", "build", "--no-isolation", "--outdir", "pydist", "."], {
      cwd: dir,
      env: { ...process.env, SOURCE_DATE_EPOCH: "946684800" },
    });

    expect(await pypi.exists(ctx)).toEqual({ state: "absent" });
    const { prepared, published, verified } = await release(ctx);
    expect(prepared.files).toEqual(["greet-1.2.3-py3-none-any.whl", "greet-1.2.3.tar.gz", "METADATA"]);
    expect(published.detail).toBe("greet 1.2.3: uploaded 2 files");
    expect(verified?.state).toBe("verified");
    for (const filename of ["greet-1.2.3-py3-none-any.whl", "greet-1.2.3.tar.gz"])
      expect(index.file(filename)!.bytes.equals(await readFile(join(dir, "pydist", filename)))).toBe(true);
    expect(index.file("greet-1.2.3.tar.gz")).toMatchObject({ packagetype: "sdist", pythonVersion: "source" });
    const info = (await (await fetch(`${index.url}/pypi/greet/1.2.3/json`)).json()) as { info: Record<string, unknown> };
    expect(info.info).toMatchObject({
      summary: "Says hello",
      requires_python: ">=3.8",
      classifiers: ["Programming Language :: Python :: 3"],
    });

    const venv = await pipInstall("greet==1.2.3");
    expect((await run(join(venv, "bin", "greet"))).stdout.trim()).toBe("greet 1.2.3");
    expect(await pypi.exists(ctx)).toEqual({ state: "present", matches: true, detail: "greet 1.2.3: 2 files with equal sha256" });

    const later = await context({ name: "greet", version: "1.2.4" }, index.env, { dist: join(dir, "pydist") });
    const mismatch = await thrown(pypi.exists(later));
    expect(mismatch.code).toBe("ConfigInvalid");
    expect(mismatch.exitCode).toBe(2);
    expect(mismatch.message).toContain("greet-1.2.3-py3-none-any.whl is version 1.2.3, but the release is 1.2.4");

    const empty = await context({ name: "greet" }, index.env, { dist: "nothing-here" });
    expect((await thrown(pypi.exists(empty))).message).toContain("nothing-here (option `dist`) does not exist");
  }, 120_000);

  it("throws, never answers absent, when the index cannot be reached", async () => {
    const ctx = await context({ name: "down-py", targets: [["linux", "amd64"]] }, { ...index.env, FERRY_PYPI_URL: "http://127.0.0.1:9" });
    expect((await thrown(pypi.exists(ctx))).code).toBe("RegistryUnreachable");
  }, 30_000);
});
