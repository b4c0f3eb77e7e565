/**
 * The supply-chain rehearsal: one sandbox release of examples/hello from a CI with an OIDC identity,
 * then each signature, SBOM, attestation and provenance read back where a user's tool finds it and
 * checked with the ecosystems' own verifiers: sigstore's verifier (@sigstore/verify) against the
 * sandbox's trusted root for checksums.txt, GitHub's attestations, PyPI's Integrity API, npm's
 * attestations API and the image's OCI referrers; the CycloneDX library's validator for each SBOM;
 * sha256sum for the archives. A tampered checksums.txt or archive is rejected, the report names
 * exactly what was read back, and no OIDC token, minted token or signing key appears in any output.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { bundleFromJSON, type SerializedBundle } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import type { Sandbox } from "@ferry/sandbox";
import { execa } from "execa";
import { uncompress } from "snappyjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ferry, type FerryRun } from "./cli.ts";
import { copyExample, exampleYaml, jsonReport, startExampleSandbox } from "./example-release.ts";

const tag = "v1.0.0";
const repository = "ferry-examples/hello";

interface Item {
  kind: string;
  subject: string;
  location?: string;
  skipped?: string;
}
interface SupplyChainReport {
  exitCode: number;
  release: { status: string; supplyChain?: Item[] };
  targets: Array<{ registry: string; status: string; supplyChain?: Item[] }>;
}
interface Statement {
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate: unknown;
}

let sandbox: Sandbox;
let project: string;
let run: FerryRun;
let report: SupplyChainReport;
/** The run's TMPDIR, searched for secrets with everything else it left. */
let temp: string;
/** The release's files as a user downloads them. */
let downloads: string;
let checksums: string;
const dirs: string[] = [];

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const asset = (name: string) => `${sandbox.env.GITHUB_SERVER_URL}/${repository}/releases/download/${tag}/${name}`;
async function get(url: string, accept?: string): Promise<Response> {
  const response = await fetch(url, accept ? { headers: { accept } } : {});
  expect(response.status, url).toBe(200);
  return response;
}
const getJson = async <T>(url: string, accept?: string) => (await (await get(url, accept)).json()) as T;
const items = (registry: string) => report.targets.find((t) => t.registry === registry)?.supplyChain ?? [];

/** sigstore's own verifier, trusting only the sandbox's root, for examples/hello's release workflow. */
async function verify(bundle: SerializedBundle, data?: Buffer): Promise<Statement | undefined> {
  const root = TrustedRoot.fromJSON(JSON.parse(await readFile(sandbox.env.FERRY_SIGSTORE_TRUSTED_ROOT!, "utf8")));
  const parsed = bundleFromJSON(bundle);
  new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(parsed, data), {
    subjectAlternativeName: `${sandbox.env.GITHUB_SERVER_URL}/${repository}/.github/workflows/release.yml@refs/heads/main`,
    extensions: { issuer: sandbox.env.FERRY_SIGSTORE_FULCIO_URL! },
  });
  return parsed.content.$case === "dsseEnvelope" ? (JSON.parse(parsed.content.dsseEnvelope.payload.toString()) as Statement) : undefined;
}

beforeAll(async () => {
  const yaml = await exampleYaml();
  sandbox = await startExampleSandbox(yaml);
  project = await copyExample("ferry-supply-chain-", tag);
  temp = await mkdtemp(join(tmpdir(), "ferry-supply-chain-tmp-"));
  downloads = await mkdtemp(join(tmpdir(), "ferry-supply-chain-downloads-"));
  dirs.push(project, temp, downloads);
  run = await ferry(["release", "--tag", tag, "--json"], { cwd: project, env: { ...sandbox.env, TMPDIR: temp, FERRY_DEBUG: "1" } });
  report = jsonReport(run);
  checksums = await (await get(asset("checksums.txt"))).text();
}, 300_000);

afterAll(async () => {
  await sandbox?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

it("releases everywhere, and the report names every signature, SBOM, attestation and provenance, none skipped", () => {
  expect(report.exitCode, run.stdout + run.stderr).toBe(0);
  const all = [...(report.release.supplyChain ?? []), ...report.targets.flatMap((t) => t.supplyChain ?? [])];
  expect(all.filter((item) => item.skipped !== undefined || !item.location)).toEqual([]);
  const count = (list: Item[]) =>
    list.map((item) => item.kind).reduce<Record<string, number>>((n, k) => ({ ...n, [k]: (n[k] ?? 0) + 1 }), {});
  // Six archives: an SBOM of each, checksums.txt's signature, one attestation of the release's files.
  expect(count(report.release.supplyChain ?? [])).toEqual({ sbom: 6, signature: 1, attestation: 1 });
  expect(count(items("npm"))).toEqual({ provenance: 7 });
  expect(count(items("pypi"))).toEqual({ attestation: 6 });
  // The image index's signature, and the SBOM of each of its two Linux images.
  expect(count(items("docker"))).toEqual({ signature: 1, sbom: 2 });
  expect(report.targets.filter((t) => t.supplyChain?.length).map((t) => t.registry)).toEqual(
    expect.arrayContaining(["npm", "pypi", "docker"]),
  );
});

it("checksums.txt's Sigstore bundle verifies against the sandbox's root; a tampered checksums.txt or archive is rejected", async () => {
  const signature = report.release.supplyChain!.find((item) => item.kind === "signature")!;
  expect(signature).toEqual({ kind: "signature", subject: "checksums.txt", location: asset("checksums.txt.sigstore.json") });
  const bundle = await getJson<SerializedBundle>(signature.location!);
  await verify(bundle, Buffer.from(checksums));
  const tampered = checksums.replace(/^[0-9a-f]/, (c) => (c === "0" ? "1" : "0"));
  await expect(verify(bundle, Buffer.from(tampered))).rejects.toThrow();

  // Every file checksums.txt lists, downloaded from the release, is what it says (sha256sum -c); a changed one is caught.
  const listed = checksums.trim().split("\n");
  for (const line of listed) {
    const name = line.split("  ")[1]!;
    await writeFile(join(downloads, name), Buffer.from(await (await get(asset(name))).arrayBuffer()));
  }
  await writeFile(join(downloads, "checksums.txt"), checksums);
  expect((await execa("sha256sum", ["--strict", "-c", "checksums.txt"], { cwd: downloads, reject: false })).exitCode).toBe(0);
  const archive = listed.map((line) => line.split("  ")[1]!).find((name) => name.endsWith("_linux_amd64.tar.gz"))!;
  const bytes = await readFile(join(downloads, archive));
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
  await writeFile(join(downloads, archive), bytes);
  const check = await execa("sha256sum", ["-c", "checksums.txt"], { cwd: downloads, reject: false });
  expect(check.exitCode).toBe(1);
  expect(check.stdout).toContain(`${archive}: FAILED`);
});

it("each archive's SBOM is a CycloneDX document the CycloneDX library's validator accepts", async () => {
  const sboms = report.release.supplyChain!.filter((item) => item.kind === "sbom");
  const archives = checksums
    .trim()
    .split("\n")
    .map((line) => line.split("  ")[1]!)
    .filter((name) => /\.(tar\.gz|zip)$/.test(name));
  expect(sboms.map((item) => item.subject).sort()).toEqual(archives.sort());
  const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
  for (const sbom of sboms) {
    expect(sbom.location).toBe(asset(`${sbom.subject}.cdx.json`));
    const text = await (await get(sbom.location!)).text();
    expect(await validator.validate(text), sbom.subject).toBeNull();
    const document = JSON.parse(text) as { bomFormat: string; components: Array<{ name: string }> };
    expect(document.bomFormat).toBe("CycloneDX");
  }
});

it("GitHub's attestations API serves a provenance attestation of every release file, which sigstore's verifier accepts", async () => {
  const attestation = report.release.supplyChain!.find((item) => item.kind === "attestation")!;
  const listed = checksums.trim().split("\n");
  expect(attestation).toEqual({
    kind: "attestation",
    subject: `${listed.length} release files`,
    location: `${sandbox.env.GITHUB_SERVER_URL}/${repository}/attestations`,
  });
  for (const line of listed) {
    const [digest, name] = line.split("  ") as [string, string];
    // As `gh attestation verify` asks for them: the repository's attestations of the file's digest.
    const response = await fetch(`${sandbox.env.GITHUB_API_URL}/repos/${repository}/attestations/sha256:${digest}`, {
      headers: { accept: "application/vnd.github+json", authorization: `Bearer ${sandbox.env.GITHUB_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const { attestations } = (await response.json()) as { attestations: Array<{ bundle_url: string }> };
    expect(attestations, name).toHaveLength(1);
    // GitHub names the bundle by a URL that serves it snappy-compressed; gh reads it without a token.
    const served = new Uint8Array(await (await get(attestations[0]!.bundle_url)).arrayBuffer());
    const statement = (await verify(JSON.parse(Buffer.from(uncompress(served)).toString("utf8")) as SerializedBundle))!;
    expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");
    expect(statement.subject).toContainEqual({ name, digest: { sha256: digest } });
    expect(statement.subject).toHaveLength(listed.length);
  }
});

it("PyPI's Integrity API serves each file's PEP 740 provenance from the trusted publisher, which sigstore's verifier accepts", async () => {
  const index = sandbox.env.FERRY_PYPI_URL!;
  const { urls } = await getJson<{ urls: Array<{ filename: string; digests: { sha256: string }; url: string }> }>(
    `${index}/pypi/ferry-hello/1.0.0/json`,
  );
  expect(urls.map((f) => f.filename).sort()).toEqual(
    items("pypi")
      .map((item) => item.subject)
      .sort(),
  );
  for (const file of urls) {
    const location = `${index}/integrity/ferry-hello/1.0.0/${file.filename}/provenance`;
    expect(items("pypi")).toContainEqual({ kind: "attestation", subject: file.filename, location });
    expect(sha256(Buffer.from(await (await get(file.url)).arrayBuffer()))).toBe(file.digests.sha256);
    const provenance = await getJson<{
      version: number;
      attestation_bundles: Array<{
        publisher: Record<string, unknown>;
        attestations: Array<{
          verification_material: { certificate: string; transparency_entries: unknown[] };
          envelope: { statement: string; signature: string };
        }>;
      }>;
    }>(location, "application/vnd.pypi.integrity.v1+json");
    expect(provenance.version).toBe(1);
    const [bundle] = provenance.attestation_bundles;
    expect(bundle!.publisher).toMatchObject({ kind: "GitHub", repository, workflow: "release.yml" });
    expect(bundle!.attestations).toHaveLength(1);
    const [attestation] = bundle!.attestations;
    // The Sigstore bundle a PEP 740 attestation stands for (pypi-attestations' Attestation.to_bundle).
    const statement = await verify({
      mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
      verificationMaterial: {
        certificate: { rawBytes: attestation!.verification_material.certificate },
        tlogEntries: attestation!.verification_material.transparency_entries,
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
      dsseEnvelope: {
        payload: attestation!.envelope.statement,
        payloadType: "application/vnd.in-toto+json",
        signatures: [{ sig: attestation!.envelope.signature, keyid: "" }],
      },
    } as unknown as SerializedBundle);
    expect(statement).toMatchObject({
      subject: [{ name: file.filename, digest: { sha256: file.digests.sha256 } }],
      predicateType: "https://docs.pypi.org/attestations/publish/v1",
    });
  }
});

it("npm serves dist.attestations of each package, whose provenance names the package and its tarball's sha512", async () => {
  const registry = sandbox.env.NPM_CONFIG_REGISTRY!;
  const packages = items("npm").map((item) => item.subject.replace(/@1\.0\.0$/, ""));
  expect(packages).toContain("@ferry-examples/hello");
  for (const name of packages) {
    const packument = await getJson<{
      versions: Record<string, { dist: { tarball: string; attestations?: { url: string; provenance: { predicateType: string } } } }>;
    }>(new URL(name.replace("/", "%2f"), registry).href);
    const { dist } = packument.versions["1.0.0"]!;
    expect(dist.attestations?.provenance).toEqual({ predicateType: "https://slsa.dev/provenance/v1" });
    expect(items("npm")).toContainEqual({ kind: "provenance", subject: `${name}@1.0.0`, location: dist.attestations!.url });
    const { attestations } = await getJson<{ attestations: Array<{ predicateType: string; bundle: SerializedBundle }> }>(
      dist.attestations!.url,
    );
    expect(attestations.map((a) => a.predicateType)).toEqual(["https://slsa.dev/provenance/v1"]);
    const statement = (await verify(attestations[0]!.bundle))!;
    const tarball = Buffer.from(await (await get(dist.tarball)).arrayBuffer());
    // The package URL, as npm's provenance names it: the scope's @ is percent-encoded (purl spec).
    expect(statement.subject).toEqual([
      { name: `pkg:npm/${name.replace(/^@/, "%40")}@1.0.0`, digest: { sha512: createHash("sha512").update(tarball).digest("hex") } },
    ]);
  }
});

it("the image index carries its Sigstore signature and each image its SBOM attestation as OCI referrers in the registry", async () => {
  const host = sandbox.env.FERRY_DOCKER_REGISTRY!;
  const base = `http://${host}/v2/ferry-examples/hello`;
  const ociIndex = "application/vnd.oci.image.index.v1+json";
  const manifest = async <T>(reference: string, accept = ociIndex) => {
    const response = await get(`${base}/manifests/${reference}`, `${accept}, application/vnd.oci.image.manifest.v1+json`);
    const body = Buffer.from(await response.arrayBuffer());
    return { digest: `sha256:${sha256(body)}`, json: JSON.parse(body.toString()) as T };
  };
  type Descriptor = { digest: string; artifactType?: string; platform?: { os: string; architecture: string } };
  type Referrer = { subject: { digest: string }; layers: Array<{ digest: string; mediaType: string }> };
  /** The referrers of a digest: distribution 2.x has no referrers API, so the index under the fallback tag (OCI distribution spec). */
  const referrers = async (digest: string) => (await manifest<{ manifests: Descriptor[] }>(digest.replace(":", "-"))).json.manifests;
  const attached = async (descriptor: Descriptor, subject: string) => {
    const { json } = await manifest<Referrer>(descriptor.digest, "application/vnd.oci.image.manifest.v1+json");
    expect(json.subject.digest).toBe(subject);
    const blob = await getJson<SerializedBundle>(`${base}/blobs/${json.layers[0]!.digest}`);
    return (await verify(blob))!;
  };

  const index = await manifest<{ manifests: Descriptor[] }>("1.0.0");
  const [signature] = await referrers(index.digest);
  expect(items("docker")).toContainEqual({
    kind: "signature",
    subject: `${host}/ferry-examples/hello@${index.digest}`,
    location: `${host}/ferry-examples/hello@${signature!.digest}`,
  });
  expect(await attached(signature!, index.digest)).toMatchObject({
    subject: [{ digest: { sha256: index.digest.slice("sha256:".length) } }],
    predicateType: "https://sigstore.dev/cosign/sign/v1",
  });

  const images = index.json.manifests.filter((m) => m.platform?.os === "linux");
  expect(images).toHaveLength(2);
  for (const image of images) {
    const [sbom] = await referrers(image.digest);
    expect(items("docker")).toContainEqual({
      kind: "sbom",
      subject: `${host}/ferry-examples/hello@${image.digest}`,
      location: `${host}/ferry-examples/hello@${sbom!.digest}`,
    });
    const statement = await attached(sbom!, image.digest);
    expect(statement.predicateType).toBe("https://cyclonedx.org/bom");
    // The predicate is the release's SBOM of that platform's archive.
    const arch = image.platform!.architecture;
    const released = await getJson<unknown>(asset(`hello_1.0.0_linux_${arch}.tar.gz.cdx.json`));
    expect(statement.predicate).toEqual(released);
  }
});

it("no OIDC token, minted token or signing key appears in the output, the rendered files or the run's temporary files", async () => {
  const outputs: Array<[string, string]> = [
    ["stdout", run.stdout],
    ["stderr", run.stderr],
  ];
  for (const dir of [project, temp]) {
    for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())) {
      const path = join(entry.parentPath, entry.name);
      outputs.push([path, await readFile(path, "latin1")]);
    }
  }
  const secrets = Object.entries(sandbox.env)
    .filter(([name]) => /TOKEN|KEY|PASSWORD|CREDENTIALS/.test(name) && !name.endsWith("_URL"))
    // A key's armored lines each, so that a part of it is found too.
    .flatMap(([name, value]) => [
      [name, value],
      ...value
        .split("\n")
        .filter((line) => line.length >= 40)
        .map((line) => [name, line]),
    ]);
  const patterns: Array<[string, RegExp]> = [
    ["a JWT (OIDC ID token)", /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/],
    ["PyPI's minted token", /pypi-sandbox-tp-[0-9a-f]{32}/],
    ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY/],
  ];
  const hits: string[] = [];
  for (const [where, text] of outputs) {
    for (const [name, value] of secrets) if (text.includes(value!)) hits.push(`${name} in ${where}`);
    for (const [what, pattern] of patterns) if (pattern.test(text)) hits.push(`${what} in ${where}`);
  }
  expect(secrets.map(([name]) => name)).toEqual(
    expect.arrayContaining(["ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GITHUB_TOKEN", "FERRY_GPG_KEY"]),
  );
  expect(outputs.length).toBeGreaterThan(2);
  expect(hits).toEqual([]);
});
