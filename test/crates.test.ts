import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createContext, FerryError, resetDir, type Context } from "@ferry/core";
import { startCrates, startSigstore, type CratesSandbox, type SigstoreSandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import crates from "../registries/crates/src/index.ts";
import { makeRelease } from "./fixtures.ts";

const run = promisify(execFile);
type Options = ReturnType<typeof crates.options.parse>;

let registry: CratesSandbox;
/** cargo's home for every run here, so nothing in ~/.cargo (config, credentials, caches) takes part. */
let cargoHome: string;
const dirs: string[] = [];
const logs: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  registry = await startCrates();
  cargoHome = await mkdtemp(join(tmpdir(), "ferry-cargo-home-"));
  dirs.push(cargoHome);
});
afterAll(async () => {
  await registry?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const cargoEnv = () => ({
  ...process.env,
  CARGO_HOME: cargoHome,
  CARGO_REGISTRIES_SANDBOX_INDEX: registry.index,
  CARGO_TERM_COLOR: "never",
});

/**
 * A release whose project holds a fresh crate (`cargo new --bin`, plus a lib target so that other
 * crates can depend on it) at crate/Cargo.toml, with the given version in its manifest.
 */
async function crateRelease(
  name: string,
  opts: { version?: string; crateVersion?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Context<Options>> {
  const { version = "1.2.3", crateVersion = version, env = {} } = opts;
  const fixture = await makeRelease({ name, version, targets: [] });
  dirs.push(fixture.project.dir);
  const dir = join(fixture.project.dir, "crate");
  await run("cargo", ["new", "--bin", "--vcs", "none", "--name", name, dir], { env: cargoEnv() });
  const manifest = await readFile(join(dir, "Cargo.toml"), "utf8");
  await writeFile(
    join(dir, "Cargo.toml"),
    manifest.replace(/^version = .*$/m, `version = "${crateVersion}"\ndescription = "Says hello."\nlicense = "MIT"`),
  );
  await writeFile(join(dir, "src", "lib.rs"), 'pub const VERSION: &str = env!("CARGO_PKG_VERSION");\n');
  await writeFile(
    join(dir, "src", "main.rs"),
    'fn main() {\n    println!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));\n}\n',
  );
  return createContext({
    registry: "crates",
    options: crates.options.parse({ manifest: "crate/Cargo.toml" }),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env: { CARGO_HOME: cargoHome, ...registry.env, ...env },
    log: (message) => logs.push(message),
  });
}

async function release(ctx: Context<Options>) {
  await resetDir(ctx.outDir);
  const prepared = await crates.prepare(ctx);
  const published = await crates.publish(ctx, prepared);
  return { prepared, published, verified: await crates.verify(ctx, published) };
}

/** A publish request as cargo sends it (registry-web-api.md): a crate whose .crate is the bytes "abc". */
function putCrate(to: CratesSandbox, token: string, name: string, vers: string) {
  const meta = Buffer.from(JSON.stringify({ name, vers, deps: [] }));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(meta.length);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(3);
  return fetch(`${to.url}/api/v1/crates/new`, {
    method: "PUT",
    headers: { authorization: token },
    body: Buffer.concat([head, meta, size, Buffer.from("abc")]),
  });
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

describe("crates against the sparse-registry stand-in", () => {
  it("publishes with real cargo, and a fresh project resolves, fetches and installs it", async () => {
    const ctx = await crateRelease("hello-crab");
    expect(await crates.exists(ctx)).toEqual({ state: "absent" });

    const { prepared, published, verified } = await release(ctx);
    expect(prepared.files).toEqual(["hello-crab-1.2.3.crate", "package-list.txt"]);
    expect(await readFile(join(ctx.outDir, "package-list.txt"), "utf8")).toMatchInlineSnapshot(`
      "Cargo.lock
      Cargo.toml
      Cargo.toml.orig
      src/lib.rs
      src/main.rs
      "
    `);
    const crateBytes = await readFile(join(ctx.outDir, "hello-crab-1.2.3.crate"));
    const cksum = createHash("sha256").update(crateBytes).digest("hex");
    expect(published.detail).toBe(`hello-crab 1.2.3 with cksum ${cksum}`);
    expect(verified).toEqual({ state: "verified", detail: `the index lists hello-crab 1.2.3 with cksum ${cksum}` });
    expect(registry.crate("hello-crab", "1.2.3")?.equals(crateBytes)).toBe(true);

    // A consumer in a fresh project, with the stand-in as its registry.
    const scratch = await mkdtemp(join(tmpdir(), "ferry-consumer-"));
    dirs.push(scratch);
    const consumer = join(scratch, "consumer");
    await run("cargo", ["new", "--bin", "--vcs", "none", "--name", "consumer", consumer], { env: cargoEnv() });
    await writeFile(
      join(consumer, "Cargo.toml"),
      `${await readFile(join(consumer, "Cargo.toml"), "utf8")}hello-crab = { version = "=1.2.3", registry = "sandbox" }\n`,
    );
    await run("cargo", ["generate-lockfile"], { cwd: consumer, env: cargoEnv() });
    await run("cargo", ["fetch"], { cwd: consumer, env: cargoEnv() });
    const lock = await readFile(join(consumer, "Cargo.lock"), "utf8");
    expect(lock).toContain(
      `name = "hello-crab"\nversion = "1.2.3"\nsource = "${registry.index.replace(/\/$/, "/")}"\nchecksum = "${cksum}"`,
    );

    const root = join(scratch, "installed");
    await run("cargo", ["install", "--registry", "sandbox", "hello-crab", "--version", "1.2.3", "--root", root], { env: cargoEnv() });
    expect((await run(join(root, "bin", "hello-crab"))).stdout.trim()).toBe("hello-crab 1.2.3");

    // Re-run: present and equal; publishing again is a no-op that sends nothing.
    expect(await crates.exists(ctx)).toEqual({ state: "present", matches: true, detail: `hello-crab 1.2.3 with cksum ${cksum}` });
    const sent = registry.publishes.length;
    const again = await release(ctx);
    expect(again.published.detail).toBe(`hello-crab 1.2.3 was already in the index with cksum ${cksum}`);
    expect((await readFile(join(ctx.outDir, "hello-crab-1.2.3.crate"))).equals(crateBytes)).toBe(true);
    expect(registry.publishes.length).toBe(sent);
  }, 240_000);

  it("publishes prereleases as SemVer", async () => {
    const ctx = await crateRelease("pre-crab", { version: "2.0.0-rc.1" });
    const { verified } = await release(ctx);
    expect(verified?.detail).toMatch(/^the index lists pre-crab 2\.0\.0-rc\.1 with cksum [0-9a-f]{64}$/);
  }, 120_000);

  it("refuses other contents under a published version", async () => {
    const first = await crateRelease("conflict-crab");
    await release(first);
    const other = await crateRelease("conflict-crab");
    await writeFile(join(other.project.dir, "crate", "src", "main.rs"), 'fn main() {\n    println!("changed");\n}\n');
    expect(await crates.exists(other)).toMatchObject({ state: "present", matches: false });
    await resetDir(other.outDir);
    const error = await thrown(crates.publish(other, await crates.prepare(other)));
    expect(error.code).toBe("PublishedContentDiffers");
  }, 120_000);

  it("validation refuses a Cargo.toml whose version is not the release's, before anything runs", async () => {
    const ctx = await crateRelease("mismatch-crab", { version: "1.2.3", crateVersion: "0.1.0" });
    const error = await thrown(Promise.resolve(crates.validate!({ ...ctx, targets: [] })));
    expect(error.code).toBe("ConfigInvalid");
    expect(error.message).toContain("crate/Cargo.toml says version 0.1.0, but the release is 1.2.3");
    expect(error.message).toContain('Set `version = "1.2.3"` in crate/Cargo.toml');
  });

  it("validation reads a version the crate takes from its workspace, as cargo does", async () => {
    const ctx = await crateRelease("workspace-crab", { version: "1.2.3" });
    const manifest = join(ctx.project.dir, "crate", "Cargo.toml");
    await writeFile(manifest, (await readFile(manifest, "utf8")).replace(/^version = .*$/m, "version.workspace = true"));
    const workspace = (version: string) =>
      writeFile(join(ctx.project.dir, "Cargo.toml"), `[workspace]\nmembers = ["crate"]\n\n[workspace.package]\nversion = "${version}"\n`);
    await workspace("1.2.3");
    await crates.validate!({ ...ctx, targets: [] });
    expect(
      (await run("cargo", ["metadata", "--no-deps", "--format-version", "1", "--manifest-path", manifest], { env: cargoEnv() })).stdout,
    ).toContain('"version":"1.2.3"');
    await workspace("1.2.4");
    const error = await thrown(Promise.resolve(crates.validate!({ ...ctx, targets: [] })));
    expect(error.message).toContain("crate/Cargo.toml says version 1.2.4, but the release is 1.2.3");
  });

  it("the stand-in refuses an existing version, and tokens it did not issue, with crates.io's error shape", async () => {
    const body = (token: string) => putCrate(registry, token, "put-crab", "1.2.3");
    const denied = await body("nope");
    expect(denied.status).toBe(403);
    expect((await body(registry.token)).status).toBe(200);
    expect(registry.crate("put-crab", "1.2.3")?.toString()).toBe("abc");
    const again = await body(registry.token);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ errors: [{ detail: "crate version `1.2.3` is already uploaded" }] });
  });

  it("never shows the token, in errors, logs or rendered files", async () => {
    const canary = "cio-CANARY-0123456789abcdef";
    const ctx = await crateRelease("canary-crab", { env: { CARGO_REGISTRY_TOKEN: canary } });
    const error = await thrown(release(ctx));
    expect(error.code).toBe("ToolFailed");
    expect(error.message).toMatch(/403|authentication failed/);
    const rendered = await Promise.all(["canary-crab-1.2.3.crate", "package-list.txt"].map((f) => readFile(join(ctx.outDir, f), "latin1")));
    for (const text of [...rendered, ...logs, ...errors]) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain(registry.token);
    }

    const { CARGO_REGISTRY_TOKEN: _, ...noToken } = registry.env;
    const missing = await crateRelease("canary-crab", { env: { ...noToken, CARGO_REGISTRY_TOKEN: "" } });
    expect((await thrown(release(missing))).code).toBe("SecretMissing");
  }, 120_000);

  it("throws, never answers absent, when the index cannot be reached", async () => {
    const ctx = await crateRelease("down-crab", { env: { FERRY_CRATES_INDEX: "sparse+http://127.0.0.1:9/index/" } });
    expect((await thrown(crates.exists(ctx))).code).toBe("RegistryUnreachable");
  }, 30_000);
});

describe("crates.io trusted publishing against the stand-in", () => {
  let sigstore: SigstoreSandbox;
  let trusted: CratesSandbox;
  beforeAll(async () => {
    sigstore = await startSigstore({ repository: "acme/tp-crab" });
    trusted = await startCrates({ sigstore });
  });
  afterAll(async () => {
    await trusted?.stop();
    await sigstore?.stop();
  });

  /** A release of tp-crab whose only credential is the CI's OIDC identity. */
  const oidcRelease = (version: string) =>
    crateRelease("tp-crab", { version, env: { ...trusted.oidcEnv, CARGO_REGISTRY_TOKEN: "", PATH: process.env.PATH ?? "" } });
  /** Everything a user could see: logs, errors, rendered files. */
  const shown = async (ctx: Context<Options>) => [
    ...logs,
    ...errors,
    ...(await Promise.all(["package-list.txt"].map((f) => readFile(join(ctx.outDir, f), "utf8").catch(() => "")))),
  ];

  it("publishes with only an OIDC ID token, revokes the minted token after, also when the publish fails", async () => {
    // crates.io: trusted publishing cannot create a crate, so its first version goes out with a token.
    const missing = await oidcRelease("0.1.0");
    expect((await crates.doctor!(missing)).at(-1)).toEqual({
      name: "tp-crab published before",
      ok: false,
      detail: "tp-crab has never been published, and trusted publishing cannot create a crate.",
      fix: "Publish the crate's first version with CARGO_REGISTRY_TOKEN (a token with the publish-new scope), then add this workflow as its trusted publisher.",
    });
    await resetDir(missing.outDir);
    const refused = await thrown(crates.publish(missing, await crates.prepare(missing)));
    expect(refused.code).toBe("SecretMissing");
    expect(refused.message).toContain("tp-crab has never been published, and trusted publishing cannot create a crate");
    expect(trusted.mintedTokens).toEqual([]);
    await release(await crateRelease("tp-crab", { version: "0.1.0", env: trusted.env }));
    trusted.trustPublisher("tp-crab", { repository: "acme/tp-crab", workflow: "release.yml" });

    const ctx = await oidcRelease("1.2.3");
    const doctor = await crates.doctor!(ctx);
    expect(doctor).toContainEqual({
      name: "crates.io credentials",
      ok: true,
      detail: "no token; trusted publishing (an OIDC ID token) is available, exchanged at publish time",
    });
    expect(doctor.at(-1)).toEqual({
      name: "tp-crab published before",
      ok: true,
      detail: "the index lists 1 version; trusted publishing publishes new ones",
    });
    const { published, verified } = await release(ctx);
    expect(published.detail).toMatch(/^tp-crab 1\.2\.3 with cksum [0-9a-f]{64}, through trusted publishing$/);
    expect(verified?.detail).toMatch(/^the index lists tp-crab 1\.2\.3 with cksum/);
    expect(trusted.publishes.at(-1)).toEqual({ name: "tp-crab", vers: "1.2.3", status: 200 });
    expect(trusted.mintedTokens).toHaveLength(1);
    // Revoked: the registry now refuses it.
    const revoked = await putCrate(trusted, trusted.mintedTokens[0]!, "tp-crab", "1.2.4");
    expect(revoked.status).toBe(403);
    expect(await revoked.json()).toEqual({ errors: [{ detail: "Invalid authentication token" }] });

    // A publish that fails (other sources under 1.2.3) still revokes its token.
    const other = await oidcRelease("1.2.3");
    await writeFile(join(other.project.dir, "crate", "src", "main.rs"), 'fn main() {\n    println!("changed");\n}\n');
    await resetDir(other.outDir);
    const sent = trusted.publishes.length;
    expect((await thrown(crates.publish(other, await crates.prepare(other)))).code).toBe("PublishedContentDiffers");
    expect(trusted.publishes.length).toBe(sent);
    expect(trusted.mintedTokens).toHaveLength(2);
    expect((await putCrate(trusted, trusted.mintedTokens[1]!, "tp-crab", "1.2.4")).status).toBe(403);

    for (const text of [...(await shown(ctx)), ...(await shown(other))]) {
      expect(text).not.toMatch(/eyJ[\w-]{8,}\./); // a JWT
      expect(text).not.toContain("cio_tp_");
      for (const token of trusted.mintedTokens) expect(text).not.toContain(token);
    }
  }, 240_000);

  it("a workflow that is not the crate's trusted publisher gets crates.io's reason and what to do; nothing is published", async () => {
    sigstore.setWorkflow({ workflow: ".github/workflows/nightly.yml" });
    try {
      const ctx = await oidcRelease("1.3.0");
      await resetDir(ctx.outDir);
      const prepared = await crates.prepare(ctx);
      const sent = trusted.publishes.length;
      const minted = trusted.mintedTokens.length;
      const error = await thrown(crates.publish(ctx, prepared));
      expect(error.code).toBe("RegistryRefused");
      expect(error.exitCode).toBe(1);
      expect(error.message).toContain("refused to exchange this workflow's OIDC ID token for a publish token (400)");
      expect(error.message).toContain(
        "The Trusted Publishing config for repository `acme/tp-crab` does not match the workflow filename `nightly.yml` in the JWT. Expected workflow filenames: `release.yml`",
      );
      expect(error.message).toContain("open tp-crab's Settings → Trusted Publishing");
      expect(trusted.publishes.length).toBe(sent);
      expect(trusted.mintedTokens.length).toBe(minted);
      for (const text of await shown(ctx)) expect(text).not.toMatch(/eyJ[\w-]{8,}\./);
    } finally {
      sigstore.setWorkflow({ workflow: ".github/workflows/release.yml" });
    }
  }, 120_000);

  it("the stand-in's exchange checks the ID token as crates.io does", async () => {
    const exchange = (body: unknown) =>
      fetch(`${trusted.url}/api/v1/trusted_publishing/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const idToken = async (audience: string) => {
      const url = new URL(sigstore.env.ACTIONS_ID_TOKEN_REQUEST_URL!);
      url.searchParams.set("audience", audience);
      const answer = await fetch(url, { headers: { authorization: `Bearer ${sigstore.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` } });
      return ((await answer.json()) as { value: string }).value;
    };
    const detail = async (response: Response) => ((await response.json()) as { errors: Array<{ detail: string }> }).errors[0]!.detail;

    const wrongAudience = await exchange({ jwt: await idToken("crates.io") });
    expect([wrongAudience.status, await detail(wrongAudience)]).toEqual([400, "Failed to decode JWT"]);
    const jwt = await idToken(new URL(trusted.url).host);
    const ok = await exchange({ jwt });
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as { token: string };
    expect(token).toMatch(/^cio_tp_[A-Za-z0-9]{32}$/);
    const again = await exchange({ jwt });
    expect([again.status, await detail(again)]).toEqual([400, "JWT has already been used"]);

    sigstore.setWorkflow({ repository: "acme/elsewhere" });
    const unknown = await exchange({ jwt: await idToken(new URL(trusted.url).host) });
    sigstore.setWorkflow({ repository: "acme/tp-crab" });
    expect([unknown.status, await detail(unknown)]).toEqual([400, "No Trusted Publishing config found for repository `acme/elsewhere`."]);

    const revoke = (authorization: string) =>
      fetch(`${trusted.url}/api/v1/trusted_publishing/tokens`, { method: "DELETE", headers: { authorization } });
    expect((await revoke("Bearer cio_tp_short")).status).toBe(401);
    expect((await revoke(`Bearer ${token}`)).status).toBe(204);
    const denied = await putCrate(trusted, token, "tp-crab", "9.9.9");
    expect([denied.status, await detail(denied)]).toEqual([403, "Invalid authentication token"]);
    const brandNew = await putCrate(trusted, token, "new-crab", "1.0.0");
    expect([brandNew.status, await detail(brandNew)]).toEqual([
      403,
      "Trusted Publishing tokens do not support creating new crates. Publish the crate manually, first",
    ]);
  });
});
