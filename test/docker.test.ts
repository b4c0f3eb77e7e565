import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { createContext, FerryError, type Context } from "@ferry/core";
import { startDockerRegistry, startSigstore, type DockerRegistrySandbox } from "@ferry/sandbox";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { Header } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import docker from "../registries/docker/src/index.ts";
import type { DockerOptions } from "../registries/docker/src/image.ts";
import { makeRelease, type FixtureOptions, type FixtureRelease } from "./fixtures.ts";

const run = promisify(execFile);
const canary = "docker_CANARY_0987654321";

let open: DockerRegistrySandbox;
let guarded: DockerRegistrySandbox;
let basic: DockerRegistrySandbox;
const dirs: string[] = [];
const logs: string[] = [];

beforeAll(async () => {
  [open, guarded, basic] = await Promise.all([
    startDockerRegistry(),
    startDockerRegistry({ auth: "token" }),
    startDockerRegistry({ auth: "basic" }),
  ]);
});
afterAll(async () => {
  await Promise.all([open?.stop(), guarded?.stop(), basic?.stop()]);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function context(
  release: FixtureOptions | FixtureRelease,
  options: Partial<DockerOptions>,
  env: NodeJS.ProcessEnv = open.env,
): Promise<Context<DockerOptions>> {
  const fixture = "distDir" in release ? release : await makeRelease(release);
  dirs.push(fixture.project.dir);
  return createContext({
    registry: "docker",
    options: docker.options.parse(options),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env,
    log: (message) => logs.push(message),
  });
}

async function release(ctx: Context<DockerOptions>) {
  const prepared = await docker.prepare(ctx);
  const published = await docker.publish(ctx, prepared);
  return { prepared, published, verified: await docker.verify(ctx, published) };
}

async function skopeoIndex(host: string, repo: string, tag: string, creds?: string) {
  const { stdout } = await run("skopeo", [
    "inspect",
    "--tls-verify=false",
    "--raw",
    ...(creds ? ["--creds", creds] : []),
    `docker://${host}/${repo}:${tag}`,
  ]);
  return {
    text: stdout,
    index: JSON.parse(stdout) as { mediaType: string; manifests: Array<{ digest: string; platform: Record<string, string> }> },
  };
}

/** Pulls linux/amd64 with skopeo and unpacks it with umoci, as a user inspecting the image would. */
async function pullAndUnpack(host: string, repo: string, tag: string): Promise<string> {
  const dir = await temp("ferry-docker-pull-");
  await run("skopeo", [
    "copy",
    "--src-tls-verify=false",
    "--override-arch",
    "amd64",
    "--override-os",
    "linux",
    `docker://${host}/${repo}:${tag}`,
    `oci:${join(dir, "image")}:${tag}`,
  ]);
  await run("umoci", ["raw", "unpack", "--rootless", "--image", `${join(dir, "image")}:${tag}`, join(dir, "rootfs")]);
  return join(dir, "rootfs");
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

describe("docker", () => {
  it("pushes a multi-arch index that skopeo reads and whose amd64 image runs the binary", async () => {
    const ctx = await context({ version: "1.2.3" }, { image: "ferry-test/hello" });
    expect(await docker.exists(ctx)).toEqual({ state: "absent" });
    const { prepared, verified } = await release(ctx);
    expect(verified).toMatchObject({ state: "verified" });

    const { index, text } = await skopeoIndex(open.host, "ferry-test/hello", "1.2.3");
    expect(index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(index.manifests.map((m) => m.platform)).toEqual([
      { architecture: "amd64", os: "linux" },
      { architecture: "arm64", os: "linux", variant: "v8" },
    ]);
    expect(sha256(Buffer.from(text))).toBe(prepared.index.descriptor.digest);
    for (const tag of ["1.2", "1", "latest"]) {
      expect(sha256(Buffer.from((await skopeoIndex(open.host, "ferry-test/hello", tag)).text))).toBe(prepared.index.descriptor.digest);
    }

    const rootfs = await pullAndUnpack(open.host, "ferry-test/hello", "1.2.3");
    const { stdout } = await run(join(rootfs, "usr/local/bin/hello"));
    expect(stdout.trim()).toBe("hello 1.2.3");

    expect(await docker.exists(ctx)).toMatchObject({ state: "present", matches: true });
    logs.length = 0;
    await docker.publish(ctx, await docker.prepare(ctx));
    expect(logs.join("\n")).toContain("uploaded 0 of");
  });

  it("signs the index with Sigstore as a referrer that skopeo reads back and sigstore's verifier accepts", async () => {
    const sigstore = await startSigstore({ repository: "ferry-test/signed" });
    try {
      const ctx = await context(
        { version: "1.2.3", targets: [["linux", "amd64"]] },
        { image: "ferry-test/signed" },
        { ...open.env, ...sigstore.env },
      );
      // The release's SBOM of the amd64 archive, served as a release asset.
      const sbom = Buffer.from(JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1, components: [] }));
      const assets = createServer((_, res) => res.end(sbom));
      await new Promise<void>((resolve) => assets.listen(0, "127.0.0.1", resolve));
      const archive = ctx.manifest.artifacts[0]!;
      ctx.manifest.files = [
        {
          name: `${archive.name}.cdx.json`,
          kind: "sbom",
          os: "linux",
          arch: "amd64",
          size: sbom.length,
          sha256: createHash("sha256").update(sbom).digest("hex"),
          url: `http://127.0.0.1:${(assets.address() as AddressInfo).port}/${archive.name}.cdx.json`,
        },
      ];
      const { prepared, published, verified } = await release(ctx).finally(() => assets.close());
      expect(published.detail).toContain("; signed with Sigstore, 1 SBOM attestation");
      expect(verified).toMatchObject({
        state: "verified",
        detail: expect.stringContaining(`, signed by ${sigstore.identity()} with 1 SBOM attestation`) as string,
      });

      // distribution 2.x has no referrers API: the referrers are the index under the fallback tag.
      const digest = prepared.index.descriptor.digest;
      expect((await fetch(`${open.url}/v2/ferry-test/signed/referrers/${digest}`)).status).toBe(404);
      const { index } = await skopeoIndex(open.host, "ferry-test/signed", digest.replace(":", "-"));
      const bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
      expect(index.manifests).toEqual([
        expect.objectContaining({ mediaType: "application/vnd.oci.image.manifest.v1+json", artifactType: bundleType }),
      ]);
      const { stdout } = await run("skopeo", [
        "inspect",
        "--tls-verify=false",
        "--raw",
        `docker://${open.host}/ferry-test/signed@${index.manifests[0]!.digest}`,
      ]);
      const manifest = JSON.parse(stdout) as { subject: { digest: string }; layers: Array<{ digest: string; mediaType: string }> };
      expect(manifest.subject.digest).toBe(digest);
      expect(manifest.layers[0]!.mediaType).toBe(bundleType);
      const bundle = Buffer.from(await (await fetch(`${open.url}/v2/ferry-test/signed/blobs/${manifest.layers[0]!.digest}`)).arrayBuffer());
      const root = TrustedRoot.fromJSON(JSON.parse(await readFile(sigstore.trustedRoot, "utf8")));
      const parsed = bundleFromJSON(JSON.parse(bundle.toString()));
      new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(parsed), {
        subjectAlternativeName: sigstore.identity(),
        extensions: { issuer: sigstore.issuer },
      });
      const statement = JSON.parse(
        parsed.content.$case === "dsseEnvelope" ? parsed.content.dsseEnvelope.payload.toString() : "{}",
      ) as unknown;
      expect(statement).toMatchObject({
        subject: [{ name: `${open.host}/ferry-test/signed`, digest: { sha256: digest.slice("sha256:".length) } }],
        predicateType: "https://sigstore.dev/cosign/sign/v1",
      });

      // The amd64 image carries the SBOM as a CycloneDX attestation.
      const image = prepared.images[0]!.manifest.descriptor.digest;
      const attestations = (await skopeoIndex(open.host, "ferry-test/signed", image.replace(":", "-"))).index
        .manifests as unknown as Array<{
        digest: string;
        annotations: Record<string, string>;
      }>;
      expect(attestations.map((m) => m.annotations["dev.sigstore.bundle.predicateType"])).toEqual(["https://cyclonedx.org/bom"]);
      const attestationManifest = JSON.parse(
        (
          await run("skopeo", [
            "inspect",
            "--tls-verify=false",
            "--raw",
            `docker://${open.host}/ferry-test/signed@${attestations[0]!.digest}`,
          ])
        ).stdout,
      ) as { layers: Array<{ digest: string }> };
      const attested = bundleFromJSON(
        JSON.parse(
          Buffer.from(
            await (await fetch(`${open.url}/v2/ferry-test/signed/blobs/${attestationManifest.layers[0]!.digest}`)).arrayBuffer(),
          ).toString(),
        ),
      );
      new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(attested), {
        subjectAlternativeName: sigstore.identity(),
      });
      expect(JSON.parse(attested.content.$case === "dsseEnvelope" ? attested.content.dsseEnvelope.payload.toString() : "{}")).toMatchObject(
        {
          subject: [{ digest: { sha256: image.slice("sha256:".length) } }],
          predicate: JSON.parse(sbom.toString()) as unknown,
        },
      );
      // `ferry plan` names them before: the index's signature and the amd64 image's SBOM.
      expect(docker.supplyChain!(ctx, prepared)).toEqual([
        { kind: "signature", subject: `${open.host}/ferry-test/signed:1.2.3`, location: `${open.host}/ferry-test/signed` },
        {
          kind: "sbom",
          subject: `${open.host}/ferry-test/signed:1.2.3 (linux/amd64): ${archive.name}.cdx.json`,
          location: `${open.host}/ferry-test/signed`,
        },
      ]);
      // The report names the signature and the SBOM attestation by the references skopeo read.
      expect(verified?.supplyChain).toEqual([
        {
          kind: "signature",
          subject: `${open.host}/ferry-test/signed@${digest}`,
          location: `${open.host}/ferry-test/signed@${index.manifests[0]!.digest}`,
        },
        {
          kind: "sbom",
          subject: `${open.host}/ferry-test/signed@${image}`,
          location: `${open.host}/ferry-test/signed@${attestations[0]!.digest}`,
        },
      ]);

      // A re-run keeps the signature it finds.
      const again = await docker.publish(ctx, await docker.prepare(ctx));
      expect(again.detail).toContain("; signature kept, 1 SBOM attestation");
      expect((await skopeoIndex(open.host, "ferry-test/signed", image.replace(":", "-"))).index.manifests).toHaveLength(1);
      expect((await skopeoIndex(open.host, "ferry-test/signed", digest.replace(":", "-"))).index.manifests).toHaveLength(1);
    } finally {
      await sigstore.stop();
    }
  });

  it("renders the same bytes on a second prepare", async () => {
    const ctx = await context({ version: "1.2.3" }, { image: "ferry-test/again" });
    const first = await docker.prepare(ctx);
    const second = await docker.prepare(ctx);
    expect(second.index.descriptor).toEqual(first.index.descriptor);
    expect(await readFile(join(ctx.outDir, "index.json"), "utf8")).toContain(first.index.descriptor.digest);
  });

  it("builds each layer once: exists() and a re-run read its digest from the cache, which is keyed by the archive's sha256", async () => {
    const fixture = await makeRelease({
      version: "1.5.0",
      targets: [
        ["linux", "amd64"],
        ["linux", "arm64"],
      ],
    });
    const builds = () => logs.filter((line) => line.startsWith("built the layer of ")).length;
    const before = builds();
    const ctx = await context(fixture, { image: "ferry-test/layers" });
    expect(await docker.exists(ctx)).toEqual({ state: "absent" });
    const { prepared, verified } = await release(ctx);
    expect(verified).toMatchObject({ state: "verified" });
    expect(builds() - before).toBe(2);

    // A re-run (`ferry publish --only docker`) finds the image by the recorded digest; a prepare again reuses the layer.
    const rerun = await context(fixture, { image: "ferry-test/layers" });
    expect(await docker.exists(rerun)).toMatchObject({ state: "present", matches: true });
    expect((await docker.prepare(rerun)).index.descriptor).toEqual(prepared.index.descriptor);
    expect(builds() - before).toBe(2);

    // The cache entry is named by the archive's sha256 (with zlib's version and the binary's names). exists() takes the
    // digests from its record without reading the layer; a damaged layer there is made again by the next prepare.
    const amd64 = fixture.manifest.artifacts.find((a) => a.os === "linux" && a.arch === "amd64")!;
    const key = createHash("sha256")
      .update(JSON.stringify(["oci layer", process.versions.zlib, amd64.sha256, amd64.binary, "hello"]))
      .digest("hex");
    const cached = join(fixture.distDir, "cache", "derived", key, "layer.tar.gz");
    const layer = prepared.images[0]!.blobs.at(-2)!;
    expect(sha256(await readFile(cached))).toBe(layer.digest);
    await writeFile(cached, "damaged");
    const third = await context(fixture, { image: "ferry-test/layers" });
    expect(await docker.exists(third)).toMatchObject({ state: "present", matches: true });
    expect(builds() - before).toBe(2);
    expect((await docker.prepare(third)).index.descriptor).toEqual(prepared.index.descriptor);
    expect(builds() - before).toBe(3);
    expect(sha256(await readFile(cached))).toBe(layer.digest);
  });

  it("reports another image under the version tag as a conflict and refuses to re-tag it", async () => {
    await release(await context({ version: "2.0.0" }, { image: "ferry-test/conflict" }));
    const other = await context({ version: "2.0.0", marker: " changed" }, { image: "ferry-test/conflict" });
    const presence = await docker.exists(other);
    expect(presence).toMatchObject({ state: "present", matches: false });
    const error = await docker.publish(other, await docker.prepare(other)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe("PublishedContentDiffers");
  });

  it("never moves latest for a prerelease", async () => {
    const stable = await context({ version: "3.0.0" }, { image: "ferry-test/pre" });
    const { prepared } = await release(stable);
    const rc = await context({ version: "3.1.0-rc.1" }, { image: "ferry-test/pre" });
    await release(rc);
    const latest = await skopeoIndex(open.host, "ferry-test/pre", "latest");
    expect(sha256(Buffer.from(latest.text))).toBe(prepared.index.descriptor.digest);
    const { stdout } = await run("skopeo", ["list-tags", "--tls-verify=false", `docker://${open.host}/ferry-test/pre`]);
    expect((JSON.parse(stdout) as { Tags: string[] }).Tags.sort()).toEqual(["3", "3.0", "3.0.0", "3.1.0-rc.1", "latest"]);
  });

  it("moves a floating tag that a failed run left on the previous release", async () => {
    await release(await context({ version: "4.0.0" }, { image: "ferry-test/converge" }));
    const next = await context({ version: "4.1.0" }, { image: "ferry-test/converge" });
    const { prepared } = await release(next);
    // As a run stopped after the version tag leaves it: latest still on 4.0.0.
    await run("skopeo", [
      "copy",
      "--all",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      `docker://${open.host}/ferry-test/converge:4.0.0`,
      `docker://${open.host}/ferry-test/converge:latest`,
    ]);
    expect(await docker.exists(next)).toEqual({ state: "absent" });
    expect((await release(next)).verified).toMatchObject({ state: "verified" });
    expect(sha256(Buffer.from((await skopeoIndex(open.host, "ferry-test/converge", "latest")).text))).toBe(
      prepared.index.descriptor.digest,
    );
    expect(await docker.exists(next)).toMatchObject({ state: "present", matches: true });
  });

  it("never moves a floating tag backwards: an older release takes only the tags it is the newest of", async () => {
    const newer = await release(await context({ version: "6.0.0" }, { image: "ferry-test/older" }));
    const older = await context({ version: "5.9.0" }, { image: "ferry-test/older" });
    const { prepared, published, verified } = await release(older);
    expect(verified).toMatchObject({ state: "verified" });
    expect(published.detail).toContain("latest kept on a newer version");
    const digestOf = async (tag: string) => sha256(Buffer.from((await skopeoIndex(open.host, "ferry-test/older", tag)).text));
    expect(await digestOf("latest")).toBe(newer.prepared.index.descriptor.digest);
    expect(await digestOf("6")).toBe(newer.prepared.index.descriptor.digest);
    for (const tag of ["5.9.0", "5.9", "5"]) expect(await digestOf(tag)).toBe(prepared.index.descriptor.digest);
    expect(await docker.exists(older)).toMatchObject({ state: "present", matches: true });
  });

  it("answers the registry's Bearer challenge with a token from its realm", async () => {
    const ctx = await context({ version: "1.0.0" }, { image: "ferry-test/private" }, guarded.env);
    expect(await docker.exists(ctx)).toEqual({ state: "absent" });
    expect((await release(ctx)).verified).toMatchObject({ state: "verified" });
    const { index } = await skopeoIndex(
      guarded.host,
      "ferry-test/private",
      "1.0.0",
      `${guarded.env.DOCKER_USERNAME}:${guarded.env.DOCKER_PASSWORD}`,
    );
    expect(index.manifests).toHaveLength(2);
    const { stdout } = await run("grep", ["-rl", "--", guarded.env.DOCKER_PASSWORD!, ctx.outDir]).catch(() => ({ stdout: "" }));
    expect(stdout).toBe("");
  });

  it("sends a registry token given as DOCKER_TOKEN", async () => {
    const challenge = (await fetch(`${guarded.url}/v2/`)).headers.get("www-authenticate") ?? "";
    const realm = new URL(/realm="([^"]+)"/.exec(challenge)![1]!);
    realm.searchParams.set("service", /service="([^"]+)"/.exec(challenge)![1]!);
    realm.searchParams.set("scope", "repository:ferry-test/by-token:pull,push");
    const auth = Buffer.from(`${guarded.env.DOCKER_USERNAME}:${guarded.env.DOCKER_PASSWORD}`).toString("base64");
    const { token } = (await (await fetch(realm, { headers: { authorization: `Basic ${auth}` } })).json()) as { token: string };
    const ctx = await context(
      { version: "1.0.0" },
      { image: "ferry-test/by-token" },
      { FERRY_DOCKER_REGISTRY: guarded.host, DOCKER_TOKEN: token },
    );
    expect(await docker.exists(ctx)).toEqual({ state: "absent" });
    expect((await release(ctx)).verified).toMatchObject({ state: "verified" });
  });

  it("answers a Basic challenge with DOCKER_USERNAME/DOCKER_PASSWORD", async () => {
    const ctx = await context({ version: "1.0.0" }, { image: "ferry-test/basic" }, basic.env);
    expect(await docker.exists(ctx)).toEqual({ state: "absent" });
    expect((await release(ctx)).verified).toMatchObject({ state: "verified" });
    const { index } = await skopeoIndex(
      basic.host,
      "ferry-test/basic",
      "1.0.0",
      `${basic.env.DOCKER_USERNAME}:${basic.env.DOCKER_PASSWORD}`,
    );
    expect(index.manifests).toHaveLength(2);
    const anonymous = await context({ version: "1.0.0" }, { image: "ferry-test/basic" }, { FERRY_DOCKER_REGISTRY: basic.host });
    expect(await docker.exists(anonymous).catch((e: FerryError) => e.code)).toBe("SecretMissing");
  });

  it("fails loudly, without the password, when the registry refuses the credentials", async () => {
    const ctx = await context({ version: "1.0.0" }, { image: "ferry-test/private" }, { ...guarded.env, DOCKER_PASSWORD: canary });
    const error = await docker.exists(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe("RegistryRefused");
    expect(String((error as FerryError).message)).not.toContain(canary);
    expect(logs.join("\n")).not.toContain(canary);
  });

  it("throws instead of guessing when the registry cannot be reached", async () => {
    const ctx = await context({ version: "1.0.0" }, { image: "ferry-test/hello" }, { FERRY_DOCKER_REGISTRY: "127.0.0.1:9" });
    const error = await docker.exists(ctx).catch((e: unknown) => e);
    expect((error as FerryError).code).toBe("RegistryUnreachable");
  }, 30_000);

  it("opens a new upload session when a streamed blob upload fails", async () => {
    const proxy = await failFirstBlobPut(open.url);
    try {
      const ctx = await context({ version: "1.2.3" }, { image: "ferry-test/retry", registry: proxy.url });
      logs.length = 0;
      expect((await release(ctx)).verified).toMatchObject({ state: "verified" });
      expect(proxy.failed()).toBe(1);
      expect(logs.join("\n")).toMatch(/retrying \(2\/3\)/);
    } finally {
      await proxy.stop();
    }
  });

  it("puts the binary on a base image pulled by digest", async () => {
    const digest = await pushBase(open.url, "ferry-test/base");
    const ctx = await context({ version: "1.2.3" }, { image: "ferry-test/on-base", base: `${open.host}/ferry-test/base@${digest}` });
    expect((await release(ctx)).verified).toMatchObject({ state: "verified" });
    const rootfs = await pullAndUnpack(open.host, "ferry-test/on-base", "1.2.3");
    expect(await readFile(join(rootfs, "etc/base-release"), "utf8")).toBe("base amd64\n");
    expect((await run(join(rootfs, "usr/local/bin/hello"))).stdout.trim()).toBe("hello 1.2.3");
    const config = JSON.parse(
      (
        await run("skopeo", [
          "inspect",
          "--tls-verify=false",
          "--config",
          "--override-arch",
          "arm64",
          "--override-os",
          "linux",
          `docker://${open.host}/ferry-test/on-base:1.2.3`,
        ])
      ).stdout,
    ) as {
      config: { Entrypoint: string[]; Env: string[]; Cmd?: string[] };
      rootfs: { diff_ids: string[] };
    };
    expect(config.config.Entrypoint).toEqual(["/usr/local/bin/hello"]);
    expect(config.config.Env).toEqual(["BASE=1"]);
    expect(config.config.Cmd).toBeUndefined();
    expect(config.rootfs.diff_ids).toHaveLength(2);
  });
});

/** Forwards to the registry, but answers the first blob PUT with 503 after reading its body. */
async function failFirstBlobPut(target: string) {
  const upstream = new URL(target);
  let failed = 0;
  const server = createServer((req, res) => {
    if (req.method === "PUT" && req.url?.includes("/blobs/uploads/") && failed === 0) {
      failed++;
      req.resume();
      req.on("end", () => res.writeHead(503).end());
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failed: () => failed,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A two-platform base image (Docker schema 2 types, one file each), pushed with plain distribution API calls. */
async function pushBase(url: string, repo: string): Promise<string> {
  const api = `${url}/v2/${repo}`;
  const blob = async (bytes: Buffer) => {
    const opened = await fetch(`${api}/blobs/uploads/`, { method: "POST" });
    const location = new URL(opened.headers.get("location")!, url);
    location.searchParams.set("digest", sha256(bytes));
    const put = await fetch(location, { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream" } });
    expect(put.status).toBe(201);
    return { digest: sha256(bytes), size: bytes.length };
  };
  const manifest = async (reference: string, mediaType: string, value: unknown) => {
    const bytes = Buffer.from(JSON.stringify(value));
    const put = await fetch(`${api}/manifests/${reference}`, { method: "PUT", body: bytes, headers: { "content-type": mediaType } });
    expect(put.status).toBe(201);
    return { mediaType, digest: sha256(bytes), size: bytes.length };
  };
  const entries = [];
  for (const arch of ["amd64", "arm64"]) {
    const content = Buffer.from(`base ${arch}\n`);
    const headers = [
      new Header({ path: "etc/", type: "Directory", mode: 0o755, mtime: new Date(0), uid: 0, gid: 0 }),
      new Header({ path: "etc/base-release", type: "File", mode: 0o644, size: content.length, mtime: new Date(0), uid: 0, gid: 0 }),
    ].map((header) => {
      const buffer = Buffer.alloc(512);
      header.encode(buffer, 0);
      return buffer;
    });
    const tar = Buffer.concat([headers[0]!, headers[1]!, content, Buffer.alloc(512 - content.length + 1024)]);
    const layer = await blob(gzipSync(tar));
    const config = await blob(
      Buffer.from(
        JSON.stringify({
          architecture: arch,
          os: "linux",
          config: { Env: ["BASE=1"], Cmd: ["/bin/sh"] },
          rootfs: { type: "layers", diff_ids: [sha256(tar)] },
        }),
      ),
    );
    const image = await manifest(`${arch}-image`, "application/vnd.docker.distribution.manifest.v2+json", {
      schemaVersion: 2,
      mediaType: "application/vnd.docker.distribution.manifest.v2+json",
      config: { mediaType: "application/vnd.docker.container.image.v1+json", ...config },
      layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", ...layer }],
    });
    entries.push({ ...image, platform: { architecture: arch, os: "linux" } });
  }
  const list = await manifest("latest", "application/vnd.docker.distribution.manifest.list.v2+json", {
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
    manifests: entries,
  });
  return list.digest;
}
