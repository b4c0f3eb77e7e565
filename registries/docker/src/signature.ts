/**
 * Sigstore signatures and attestations on a pushed image, in cosign's bundle format: each is a
 * Sigstore bundle (a DSSE envelope over an in-toto statement whose subject is the image's digest)
 * pushed as an OCI 1.1 artifact manifest whose `subject` is the image, found through the registry's
 * referrers API. A registry without that API (Debian's docker-registry, distribution 2.x) gets the
 * distribution spec's fallback: an image index under the tag `sha256-<digest>` listing the
 * referrers, which cosign and oras read too.
 */
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FerryError, signStatement, verifyBundle, type SerializedBundle, type Signer, type TrustedRoot } from "@ferry/core";
import type { Descriptor, RegistryClient } from "./client.ts";

const bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
const manifestType = "application/vnd.oci.image.manifest.v1+json";
const indexType = "application/vnd.oci.image.index.v1+json";
/** cosign's predicate type for a signature of an image. */
export const signPredicate = "https://sigstore.dev/cosign/sign/v1";
/** OCI's empty descriptor, the config of an artifact manifest. */
const empty = { mediaType: "application/vnd.oci.empty.v1+json", digest: `sha256:${sha256(Buffer.from("{}"))}`, size: 2 };

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** One referrer of an image, as an image index lists it. */
export interface Referrer extends Descriptor {
  artifactType?: string;
  annotations?: Record<string, string>;
}

/**
 * The referrers of `subject`: the registry's referrers API, else the `sha256-<hex>` tag's index.
 * `api` tells which answered.
 */
export async function referrers(registry: RegistryClient, subject: string): Promise<{ api: boolean; manifests: Referrer[] }> {
  const response = await registry.request(`referrers/${subject}`, { headers: { accept: indexType } });
  if (response.status === 200 && (response.headers.get("content-type") ?? "").startsWith(indexType)) {
    const index = (await response.json()) as { manifests?: Referrer[] };
    return { api: true, manifests: index.manifests ?? [] };
  }
  await response.body?.cancel();
  const tag = fallbackTag(subject);
  if (!(await registry.headManifest(tag))) return { api: false, manifests: [] };
  const { bytes } = await registry.getManifest(tag);
  return { api: false, manifests: (JSON.parse(bytes.toString("utf8")) as { manifests?: Referrer[] }).manifests ?? [] };
}

const fallbackTag = (digest: string) => digest.replace(":", "-");

/**
 * Signs an in-toto statement about `subject` and pushes the bundle as its referrer: the bundle and
 * the empty config as blobs (written into `outDir`'s layout first), the artifact manifest by
 * digest, and, without a referrers API, the fallback tag's index with it added.
 */
export async function attach(
  registry: RegistryClient,
  signer: Signer,
  {
    subject,
    name,
    predicateType,
    predicate,
    outDir,
  }: { subject: Descriptor; name: string; predicateType: string; predicate: unknown; outDir: string },
): Promise<Referrer> {
  const bundle = await signStatement(
    signer,
    {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name, digest: { sha256: subject.digest.replace(/^sha256:/, "") } }],
      predicateType,
      predicate,
    },
    `${name}@${subject.digest} (${predicateType})`,
  );
  const bundleBytes = Buffer.from(JSON.stringify(bundle));
  const layer = { mediaType: bundleType, digest: `sha256:${sha256(bundleBytes)}`, size: bundleBytes.length };
  for (const [blob, bytes] of [
    [empty, Buffer.from("{}")],
    [layer, bundleBytes],
  ] as const) {
    const file = join(outDir, "blobs", "sha256", blob.digest.slice("sha256:".length));
    await writeFile(file, bytes);
    if (!(await registry.hasBlob(blob.digest))) await registry.uploadBlob(blob, file);
  }
  const annotations = { "dev.sigstore.bundle.content": "dsse-envelope", "dev.sigstore.bundle.predicateType": predicateType };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestType,
      artifactType: bundleType,
      config: empty,
      layers: [layer],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations,
    }),
  );
  const referrer: Referrer = {
    mediaType: manifestType,
    digest: `sha256:${sha256(manifest)}`,
    size: manifest.length,
    artifactType: bundleType,
    annotations,
  };
  await registry.putManifest(referrer.digest, manifestType, manifest);
  const listed = await referrers(registry, subject.digest);
  if (!listed.api && !listed.manifests.some((m) => m.digest === referrer.digest)) {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: indexType, manifests: [...listed.manifests, referrer] }));
    await registry.putManifest(fallbackTag(subject.digest), indexType, index);
  }
  return referrer;
}

/** The referrer of `subject` carrying a bundle of `predicateType`, if any. */
export const findReferrer = (manifests: Referrer[], predicateType: string) =>
  manifests.find((m) => m.artifactType === bundleType && m.annotations?.["dev.sigstore.bundle.predicateType"] === predicateType);

/**
 * Reads a referrer back (its manifest with OCI's Accept header, then its bundle) and checks it: it
 * refers to `subject`, its statement names the subject's digest and `predicateType`, and, with a
 * trusted root, sigstore's verifier accepts the bundle. Answers the statement's predicate and the
 * signing identity.
 */
export async function readAttached(
  registry: RegistryClient,
  referrer: Referrer,
  { subject, predicateType, root, what }: { subject: string; predicateType: string; root: TrustedRoot | undefined; what: string },
): Promise<{ predicate: unknown; signer?: string }> {
  const response = await registry.request(`manifests/${referrer.digest}`, { headers: { accept: manifestType } });
  if (response.status !== 200) return registry.refuse(response, `GET manifests/${referrer.digest}`);
  const manifest = (await response.json()) as { subject?: { digest?: string }; layers?: Descriptor[] };
  const layer = manifest.layers?.find((l) => l.mediaType === bundleType);
  const mismatch = (why: string) =>
    new FerryError("PublishedContentDiffers", {
      registry: "docker",
      what: `The ${what} of ${subject} read back from the registry does not match: ${why}.`,
      fix: "Check what else pushes to this repository, then re-run.",
    });
  if (manifest.subject?.digest !== subject || !layer)
    throw mismatch(`its manifest ${referrer.digest} refers to ${manifest.subject?.digest}`);
  const bundle = JSON.parse((await registry.readBlob(layer.digest)).toString("utf8")) as SerializedBundle;
  const verified = root ? verifyBundle(root, bundle, { what: `the ${what} of ${subject}`, registry: "docker" }) : undefined;
  const payload = verified?.payload ?? Buffer.from(bundle.dsseEnvelope?.payload ?? "", "base64");
  const statement = JSON.parse(payload.toString("utf8") || "{}") as {
    subject?: Array<{ digest?: { sha256?: string } }>;
    predicateType?: string;
    predicate?: unknown;
  };
  if (statement.subject?.[0]?.digest?.sha256 !== subject.replace(/^sha256:/, "")) throw mismatch("its statement names another digest");
  if (statement.predicateType !== predicateType) throw mismatch(`its predicate type is ${statement.predicateType}`);
  return { predicate: statement.predicate, signer: verified?.subject };
}
