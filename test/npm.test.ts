import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createContext, FerryError, type Context } from "@ferry/core";
import { startVerdaccio, type VerdaccioSandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putPackage } from "../registries/npm/src/client.ts";
import npm from "../registries/npm/src/index.ts";
import type { NpmOptions } from "../registries/npm/src/options.ts";
import { makeRelease, type FixtureOptions, type FixtureRelease } from "./fixtures.ts";

const run = promisify(execFile);
const canary = "npm_CANARY_1234567890";

let verdaccio: VerdaccioSandbox;
const dirs: string[] = [];
const logs: string[] = [];

beforeAll(async () => {
  verdaccio = await startVerdaccio();
});
afterAll(async () => {
  await verdaccio?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function context(
  release: FixtureOptions | FixtureRelease,
  options: Partial<NpmOptions> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<Context<NpmOptions>> {
  const fixture = "distDir" in release ? release : await makeRelease(release);
  dirs.push(fixture.project.dir);
  return createContext({
    registry: "npm",
    options: npm.options.parse({ package: "@hello/cli", ...options }),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env: { NPM_CONFIG_REGISTRY: verdaccio.url, NPM_TOKEN: verdaccio.token, ...env },
    // Provenance, signed with the OIDC identity some of these tests have, is tested in npm-provenance.test.ts.
    provenance: false,
    log: (message) => logs.push(message),
  });
}

/** exists → prepare → publish → verify, as a run does. */
async function release(ctx: Context<NpmOptions>) {
  const prepared = await npm.prepare(ctx);
  const published = await npm.publish(ctx, prepared);
  return { prepared, published, verified: await npm.verify(ctx, published) };
}

async function packument(name: string): Promise<{ "dist-tags": Record<string, string>; versions: Record<string, unknown> }> {
  const response = await fetch(new URL(name.replace("/", "%2f"), verdaccio.url));
  return (await response.json()) as never;
}

/** Installs like a user, in an empty project with its own cache. */
async function npmInstall(spec: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-npm-install-"));
  dirs.push(dir);
  await writeFile(join(dir, "package.json"), "{}\n");
  await run("npm", ["install", spec, "--registry", verdaccio.url, "--no-audit", "--no-fund"], {
    cwd: dir,
    env: { ...process.env, npm_config_cache: join(dir, ".cache"), npm_config_userconfig: join(dir, ".npmrc") },
  });
  return dir;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("npm against Verdaccio", { timeout: 60_000 }, () => {
  it("publishes the platform packages and the main package, which installs and runs", async () => {
    const ctx = await context({ version: "1.2.3" });
    expect(await npm.exists(ctx)).toEqual({ state: "absent" });

    const { prepared, published, verified } = await release(ctx);
    expect(published.detail).toMatch(/^1\.2\.3 under dist-tag latest: @hello\/cli-darwin-arm64, .*, @hello\/cli$/);
    expect(verified?.state).toBe("verified");
    expect(await npm.exists(ctx)).toMatchObject({ state: "present", matches: true });
    expect((await packument("@hello/cli"))["dist-tags"]).toEqual({ latest: "1.2.3" });

    const project = await npmInstall("@hello/cli@1.2.3");
    // npm skips the platform packages whose os/cpu do not fit this machine.
    expect((await readdir(join(project, "node_modules", "@hello"))).sort()).toEqual(["cli", "cli-linux-x64"]);
    const { stdout } = await run(join(project, "node_modules", ".bin", "hello"), ["--version"]);
    expect(stdout.trim()).toBe("hello 1.2.3");

    // The publish token appears in no rendered file and no log line.
    for (const file of await filesUnder(ctx.outDir)) expect(await readFile(file, "latin1")).not.toContain(verdaccio.token);
    expect(prepared.files.length).toBeGreaterThan(0);
    expect(logs.join("\n")).not.toContain(verdaccio.token);
  });

  it("packs each package once per release: exists, prepare and verify share it, and so does a re-run", async () => {
    const fixture = await makeRelease({
      version: "1.3.0",
      targets: [
        ["linux", "amd64"],
        ["darwin", "arm64"],
      ],
    });
    const packs = () => logs.filter((line) => line.startsWith("packed ")).length;
    const before = packs();
    const ctx = await context(fixture);
    expect(await npm.exists(ctx)).toEqual({ state: "absent" });
    const { prepared, verified } = await release(ctx);
    expect(verified?.state).toBe("verified");
    expect(packs() - before).toBe(3); // two platform packages and the main one, each once
    // The tarballs prepare leaves in the registry's directory are those the registry serves.
    expect(prepared.packages.map((p) => p.tarball).every((t) => t.startsWith(ctx.outDir))).toBe(true);
    for (const pkg of prepared.packages) {
      const served = (await packument(pkg.name)).versions["1.3.0"] as { dist: { shasum: string } };
      expect(served.dist.shasum).toBe(pkg.shasum);
    }

    // A re-run from the same output directory (`ferry publish --only npm`) packs nothing again.
    const rerun = await context(fixture);
    expect(await npm.exists(rerun)).toMatchObject({ state: "present", matches: true });
    expect(packs() - before).toBe(3);
  });

  it("re-running publishes nothing", async () => {
    const ctx = await context({ version: "1.2.3" });
    expect(await npm.exists(ctx)).toMatchObject({ state: "present", matches: true });
    const { published } = await release(ctx);
    expect(published.detail).toContain("nothing new; already there: @hello/cli-darwin-arm64");
    // Had the check raced with another publish, the registry's refusal is recognised as a conflict.
    const prepared = await npm.prepare(ctx);
    expect(await putPackage(ctx, prepared.packages[0]!, "latest", verdaccio.token)).toMatchObject({ state: "conflict" });
  });

  it("publishes an older release under its own line's dist-tag, leaving latest on the newer version", async () => {
    const { published, verified } = await release(await context({ version: "0.9.0" }));
    expect(published.detail).toMatch(/^0\.9\.0 under dist-tag latest-0: /);
    expect(verified?.state).toBe("verified");
    expect((await packument("@hello/cli"))["dist-tags"]).toEqual({ latest: "1.3.0", "latest-0": "0.9.0" });
    expect((await packument("@hello/cli-linux-x64"))["dist-tags"]).toMatchObject({ latest: "1.3.0", "latest-0": "0.9.0" });
  });

  it("reports different contents for the same version, and refuses to publish over them", async () => {
    const ctx = await context({ version: "1.2.3", marker: " rebuilt" });
    const presence = await npm.exists(ctx);
    expect(presence).toMatchObject({ state: "present", matches: false });
    await expect(release(ctx)).rejects.toMatchObject({ code: "PublishedContentDiffers" });
  });

  it("resumes a release that stopped half-way", async () => {
    const ctx = await context({ version: "1.4.0" });
    const prepared = await npm.prepare(ctx);
    // An earlier run got the first two platform packages out, then failed.
    await npm.publish(ctx, { ...prepared, packages: prepared.packages.slice(0, 2) });
    expect(await npm.exists(ctx)).toEqual({ state: "absent" });
    const published = await npm.publish(ctx, prepared);
    expect(published.detail).toMatch(/already there: @hello\/cli-darwin-arm64, @hello\/cli-darwin-x64$/);
    expect((await npm.verify(ctx, published))?.state).toBe("verified");
  });

  it("publishes a prerelease under the dist-tag next", async () => {
    const ctx = await context({ version: "1.3.0-rc.1", targets: [["linux", "amd64"]] });
    const { verified } = await release(ctx);
    expect(verified?.state).toBe("verified");
    expect((await packument("@hello/cli"))["dist-tags"]).toEqual({ latest: "1.4.0", "latest-0": "0.9.0", next: "1.3.0-rc.1" });
    expect((await packument("@hello/cli-linux-x64"))["dist-tags"]).toMatchObject({ next: "1.3.0-rc.1" });
  });

  it("never shows a refused token", async () => {
    const ctx = await context({ version: "9.9.9", targets: [["linux", "amd64"]] }, {}, { NPM_TOKEN: canary });
    const error = await release(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe("RegistryRefused");
    expect((error as FerryError).message).toMatch(
      /^\[npm\] 127\.0\.0\.1:\d+ answered PUT \/@hello%2fcli-linux-x64 with 401\. The registry says: authorization required/i,
    );
    expect(JSON.stringify({ message: (error as Error).message, details: (error as FerryError).details })).not.toContain(canary);
    for (const file of await filesUnder(ctx.outDir)) expect(await readFile(file, "latin1")).not.toContain(canary);
    expect(logs.join("\n")).not.toContain(canary);
  });

  it("asks for a token when there is none", async () => {
    const ctx = await context({ version: "9.9.8", targets: [["linux", "amd64"]] }, {}, { NPM_TOKEN: "" });
    await expect(release(ctx)).rejects.toMatchObject({ code: "SecretMissing" });
  });

  it("publishes with trusted publishing when there is no token", async () => {
    // Stand-ins for the two OIDC endpoints (GitHub's ID token service, npm's exchange, REGISTRIES.md §2);
    // everything else goes to Verdaccio.
    const seen: string[] = [];
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      seen.push(`${request.method} ${url.pathname}${url.search} ${request.headers.authorization ?? ""}`);
      if (url.pathname === "/id-token") return response.end(JSON.stringify({ value: "id-token-from-ci" }));
      if (url.pathname.startsWith("/-/npm/v1/oidc/token/exchange/package/")) {
        const ok = request.method === "POST" && request.headers.authorization === "Bearer id-token-from-ci";
        response.statusCode = ok ? 201 : 401;
        return response.end(JSON.stringify(ok ? { token: verdaccio.token } : { error: "bad id token" }));
      }
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const headers = Object.fromEntries(
          Object.entries(request.headers).filter(([k]) => k !== "host" && k !== "content-length"),
        ) as Record<string, string>;
        fetch(new URL(url.pathname + url.search, verdaccio.url), {
          method: request.method ?? "GET",
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        })
          .then(async (upstream) => {
            response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
            response.end(Buffer.from(await upstream.arrayBuffer()));
          })
          .catch(() => response.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ctx = await context(
        { version: "1.5.0", targets: [["linux", "amd64"]] },
        { registry: base },
        {
          NPM_TOKEN: "",
          ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/id-token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: "actions-request-token",
        },
      );
      const { verified } = await release(ctx);
      expect(verified?.state).toBe("verified");
      expect(seen).toContain(`GET /id-token?api-version=2.0&audience=npm%3A127.0.0.1%3A${new URL(base).port} Bearer actions-request-token`);
      expect(seen).toContain("POST /-/npm/v1/oidc/token/exchange/package/@hello%2fcli Bearer id-token-from-ci");
      expect(seen.filter((line) => line.startsWith("PUT "))).toEqual([
        `PUT /@hello%2fcli-linux-x64 Bearer ${verdaccio.token}`,
        `PUT /@hello%2fcli Bearer ${verdaccio.token}`,
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("publishes an existing package directory as it is", async () => {
    const ctx = await context({ version: "0.5.0" }, { package: "hello-lib", directory: "lib" });
    const lib = join(ctx.project.dir, "lib");
    await mkdir(lib, { recursive: true });
    await writeFile(join(lib, "index.js"), "module.exports = 'hello';\n");
    await writeFile(join(lib, "package.json"), JSON.stringify({ name: "hello-lib", version: "0.4.0", main: "index.js" }));
    await expect(npm.exists(ctx)).rejects.toMatchObject({ code: "ConfigInvalid" });

    await writeFile(join(lib, "package.json"), JSON.stringify({ name: "hello-lib", version: "0.5.0", main: "index.js" }));
    expect(await npm.exists(ctx)).toEqual({ state: "absent" });
    const { verified } = await release(ctx);
    expect(verified?.state).toBe("verified");
    expect(await npm.exists(ctx)).toMatchObject({ state: "present", matches: true });
    const project = await npmInstall("hello-lib@0.5.0");
    expect(await readFile(join(project, "node_modules", "hello-lib", "index.js"), "utf8")).toBe("module.exports = 'hello';\n");
  });

  it("refuses to pack ferry.yaml and ferry's output directory with the project's own package", async () => {
    const ctx = await context({ version: "0.6.0" }, { package: "hello-own", directory: "." });
    const dir = ctx.project.dir;
    await writeFile(join(dir, "index.js"), "module.exports = 'hello';\n");
    await writeFile(join(dir, "ferry.yaml"), "project: {}\n");
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "hello-own", version: "0.6.0", main: "index.js" }));
    await rm(join(dir, "build"), { recursive: true }); // the fixture's staging
    const refused = await npm.exists(ctx).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "ConfigInvalid", exitCode: 2 });
    expect((refused as FerryError).message).toContain("would carry ferry's own files: .ferry/, ferry.yaml (7 files in .ferry/).");
    expect((refused as FerryError).message).toContain("add .ferry/ and ferry.yaml to .npmignore");

    await writeFile(join(dir, ".npmignore"), ".ferry/\nferry.yaml\n");
    expect(await npm.exists(ctx)).toEqual({ state: "absent" });
    const { verified } = await release(ctx);
    expect(verified?.state).toBe("verified");
    const project = await npmInstall("hello-own@0.6.0");
    expect((await readdir(join(project, "node_modules", "hello-own"))).sort()).toEqual(["index.js", "package.json"]);
  });
});
