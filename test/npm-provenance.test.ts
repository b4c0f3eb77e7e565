import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createContext, FerryError, trustedRoot, verifyBundle, type Context, type SerializedBundle } from "@ferry/core";
import { startSigstore, startVerdaccio, type SigstoreSandbox, type VerdaccioSandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putPackage, readVersion } from "../registries/npm/src/client.ts";
import npm from "../registries/npm/src/index.ts";
import type { NpmOptions } from "../registries/npm/src/options.ts";
import { makeRelease, type FixtureOptions } from "./fixtures.ts";

let sigstore: SigstoreSandbox;
let verdaccio: VerdaccioSandbox;
const dirs: string[] = [];
const logs: string[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  sigstore = await startSigstore({ repository: "ferry-test/hello-npm" });
  // The registry checks each provenance bundle against the sandbox Sigstore, as npmjs.org against Sigstore's.
  verdaccio = await startVerdaccio({ trustedRoot: sigstore.trustedRoot });
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await verdaccio?.stop();
  await sigstore?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function context(
  release: FixtureOptions,
  {
    env = {},
    provenance,
    registry,
    section = {},
  }: { env?: NodeJS.ProcessEnv; provenance?: boolean; registry?: string; section?: Partial<NpmOptions> } = {},
): Promise<Context<NpmOptions>> {
  const fixture = await makeRelease({ targets: [["linux", "amd64"]], ...release });
  dirs.push(fixture.project.dir);
  return createContext({
    registry: "npm",
    options: npm.options.parse({ package: "@hello/proven", ...(registry ? { registry } : {}), ...section }),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env: { NPM_CONFIG_REGISTRY: verdaccio.url, NPM_TOKEN: verdaccio.token, ...sigstore.env, ...env },
    ...(provenance === undefined ? {} : { provenance }),
    log: (message) => logs.push(message),
  });
}

async function release(ctx: Context<NpmOptions>) {
  const prepared = await npm.prepare(ctx);
  const published = await npm.publish(ctx, prepared);
  return { prepared, published, verified: await npm.verify(ctx, published) };
}

interface Dist {
  integrity: string;
  attestations?: { url: string; provenance: { predicateType: string } };
}

const versionDoc = async (name: string, version: string) =>
  (await (await fetch(new URL(`${name.replace("/", "%2f")}/${version}`, verdaccio.url))).json()) as { dist: Dist };

const attestationsOf = async (dist: Dist) =>
  (await (await fetch(dist.attestations!.url)).json()) as { attestations: Array<{ predicateType: string; bundle: SerializedBundle }> };

/** A registry in front of the sandbox's that answers the attestations API with `replace(bundle)`. */
async function tamperingRegistry(replace: (bundle: SerializedBundle) => SerializedBundle): Promise<string> {
  const server = createServer((request, response) => {
    const upstream = new URL(request.url ?? "/", verdaccio.url);
    fetch(upstream, { headers: { accept: "application/json" } })
      .then(async (answer) => {
        let body = await answer.text();
        if (upstream.pathname.startsWith("/-/npm/v1/attestations/") && answer.ok) {
          const json = JSON.parse(body) as Awaited<ReturnType<typeof attestationsOf>>;
          for (const a of json.attestations) a.bundle = replace(a.bundle);
          body = JSON.stringify(json);
        }
        response.writeHead(answer.status, { "content-type": "application/json" });
        response.end(body);
      })
      .catch(() => response.destroy());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe("npm provenance against Verdaccio and the sandbox Sigstore", { timeout: 60_000 }, () => {
  it("publishes each package with its provenance, which the registry serves and verify() checks", async () => {
    const ctx = await context({ version: "2.0.0" });
    const { prepared, published, verified } = await release(ctx);
    expect(published.detail).toBe("2.0.0 under dist-tag latest: @hello/proven-linux-x64, @hello/proven with provenance");
    const identity = sigstore.identity({ repository: "ferry-test/hello-npm" });
    expect(verified).toEqual({
      state: "verified",
      detail: `@hello/proven-linux-x64@2.0.0, @hello/proven@2.0.0 served with matching shasums, and provenance of each signed by ${identity}`,
      supplyChain: prepared.packages.map((pkg) => ({
        kind: "provenance",
        subject: `${pkg.name}@2.0.0`,
        location: `${verdaccio.url}-/npm/v1/attestations/${pkg.name.replace("/", "%2f")}@2.0.0`,
      })),
    });

    // Read back as npm does (pacote): dist.attestations names the attestations API, whose SLSA
    // provenance verifies and names the package URL and the sha512 of the tarball served.
    const root = (await trustedRoot((name) => sigstore.env[name]))!;
    for (const pkg of prepared.packages) {
      const { dist } = await versionDoc(pkg.name, "2.0.0");
      expect(dist.attestations?.provenance).toEqual({ predicateType: "https://slsa.dev/provenance/v1" });
      const { attestations } = await attestationsOf(dist);
      expect(attestations.map((a) => a.predicateType)).toEqual(["https://slsa.dev/provenance/v1"]);
      const bundle = attestations[0]!.bundle;
      expect(bundle.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
      const { payload, subject } = verifyBundle(root, bundle, { what: pkg.name, registry: "npm" });
      expect(subject).toBe(identity);
      const statement = JSON.parse(payload!.toString("utf8")) as {
        subject: unknown;
        predicate: { buildDefinition: { buildType: string } };
      };
      const sha512 = createHash("sha512")
        .update(await readFile(pkg.tarball))
        .digest("hex");
      expect(Buffer.from(dist.integrity.replace("sha512-", ""), "base64").toString("hex")).toBe(sha512);
      expect(statement.subject).toEqual([{ name: `pkg:npm/%40hello/${pkg.name.slice("@hello/".length)}@2.0.0`, digest: { sha512 } }]);
      expect(statement.predicate.buildDefinition.buildType).toBe("https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1");
    }

    // Neither the Actions request token nor an OIDC ID token (a JWT) shows anywhere.
    const shown = [logs.join("\n"), published.detail, verified?.detail ?? ""].join("\n");
    const files = await readdir(ctx.outDir, { recursive: true, withFileTypes: true });
    for (const text of [
      shown,
      ...(await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), "latin1")))),
    ]) {
      expect(text).not.toContain(sigstore.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
      expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
    }
  });

  it("fails verify() when the registry serves provenance of another package or with a forged sha512", async () => {
    const { dist: other } = await versionDoc("@hello/proven-linux-x64", "2.0.0");
    const [foreign] = (await attestationsOf(other)).attestations;
    const published = { detail: "", provenance: ["@hello/proven-linux-x64", "@hello/proven"] };

    // A genuine bundle, but of the platform package: it does not name the main package's tarball.
    const swapped = await context({ version: "2.0.0" }, { registry: await tamperingRegistry(() => foreign!.bundle) });
    const error = await npm.verify(swapped, published).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe("PublishedContentDiffers");
    expect((error as FerryError).message).toContain(
      "The registry's provenance of @hello/proven@2.0.0 does not attest this release's tarball: it names pkg:npm/%40hello/proven-linux-x64@2.0.0",
    );

    // The statement's sha512 changed after signing: the signature no longer verifies.
    const forged = await context(
      { version: "2.0.0" },
      {
        registry: await tamperingRegistry((bundle) => {
          const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope!.payload, "base64").toString("utf8")) as {
            subject: Array<{ digest: { sha512: string } }>;
          };
          statement.subject[0]!.digest.sha512 = "0".repeat(128);
          bundle.dsseEnvelope!.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
          return bundle;
        }),
      },
    );
    await expect(npm.verify(forged, published)).rejects.toMatchObject({
      code: "PublishedContentDiffers",
      message: expect.stringContaining("The Sigstore signature of @hello/proven-linux-x64@2.0.0's provenance does not verify") as unknown,
    });
  });

  it("is refused by the registry when the provenance names another tarball, and nothing is published", async () => {
    const ctx = await context({ version: "2.1.0" });
    const { packages } = await npm.prepare(ctx);
    const { dist } = await versionDoc("@hello/proven", "2.0.0");
    const [old] = (await attestationsOf(dist)).attestations;
    const error = await putPackage(ctx, packages[1]!, "latest", verdaccio.token, old!.bundle).catch((e: unknown) => e);
    expect((error as FerryError).message).toMatch(
      /answered PUT \/@hello%2fproven with 422\. The registry says: Error verifying sigstore provenance bundle: the statement names pkg:npm\/%40hello\/proven@2\.0\.0, not pkg:npm\/%40hello\/proven@2\.1\.0\./,
    );
    expect(await readVersion(ctx, "@hello/proven", "2.1.0")).toEqual({ state: "absent" });
  });

  it("publishes without provenance when sign.attestations is off, the npm section says provenance: false, or without an OIDC identity", async () => {
    const off = await context({ version: "2.2.0" }, { provenance: false });
    expect((await release(off)).published.detail).not.toContain("provenance");
    const sectionOff = await context({ version: "2.2.1" }, { section: { provenance: false } });
    expect((await release(sectionOff)).verified?.detail).toBe(
      "@hello/proven-linux-x64@2.2.1, @hello/proven@2.2.1 served with matching shasums",
    );
    const token = await context({ version: "2.3.0" }, { env: { ACTIONS_ID_TOKEN_REQUEST_URL: "", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "" } });
    const { verified } = await release(token);
    expect(verified?.detail).toBe("@hello/proven-linux-x64@2.3.0, @hello/proven@2.3.0 served with matching shasums");
    for (const version of ["2.2.0", "2.2.1", "2.3.0"])
      expect((await versionDoc("@hello/proven", version)).dist.attestations).toBeUndefined();
  });
});
