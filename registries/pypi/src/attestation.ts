/**
 * PEP 740 attestations (packaging.python.org's "Index hosted attestations"): a PyPI publish
 * attestation per uploaded file, signed keylessly as a DSSE envelope over an in-toto statement, and
 * the provenance object PyPI's Integrity API serves back. An attestation carries the same material
 * as a Sigstore bundle, laid out differently; the two conversions here are pypi-attestations'.
 */
import { FerryError, signStatement, verifyBundle, type Context, type SerializedBundle, type Signer, type TrustedRoot } from "@ferry/core";
import { readIndexJson, withSlash } from "./api.ts";
import type { Distribution } from "./dist.ts";
import { normalizeName } from "./wheel.ts";

const registry = "pypi";
const publishPredicate = "https://docs.pypi.org/attestations/publish/v1";
const inToto = "application/vnd.in-toto+json";

/** PEP 740's attestation object. */
export interface Attestation {
  version: 1;
  verification_material: { certificate: string; transparency_entries: unknown[] };
  envelope: { statement: string; signature: string };
}

/** PEP 740's provenance object, as the Integrity API serves it. */
export interface Provenance {
  version: 1;
  attestation_bundles: Array<{ publisher: { kind: string; repository?: string; workflow?: string }; attestations: Attestation[] }>;
}

/** Signs the publish attestation of one file: its name and sha256, predicate empty. */
export async function attest(signer: Signer, dist: Distribution): Promise<Attestation> {
  const bundle = await signStatement(
    signer,
    {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: dist.filename, digest: { sha256: dist.sha256 } }],
      predicateType: publishPredicate,
      predicate: null,
    },
    `the PyPI publish attestation of ${dist.filename}`,
  );
  const material = bundle.verificationMaterial;
  const certificate = material.certificate?.rawBytes ?? material.x509CertificateChain?.certificates[0]?.rawBytes;
  const envelope = bundle.dsseEnvelope;
  if (!certificate || !envelope?.signatures[0]) {
    throw new FerryError("RegistryRefused", {
      registry: "sigstore",
      what: `Sigstore answered a bundle without a certificate or signature for ${dist.filename}.`,
      fix: "Re-run; if it persists, check the Fulcio and Rekor URLs.",
    });
  }
  return {
    version: 1,
    verification_material: { certificate, transparency_entries: material.tlogEntries },
    envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig },
  };
}

/** The Sigstore bundle an attestation stands for, as sigstore's verifier reads it. */
export function toBundle(attestation: Attestation): SerializedBundle {
  const bundle = {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: {
      certificate: { rawBytes: attestation.verification_material.certificate },
      tlogEntries: attestation.verification_material.transparency_entries as SerializedBundle["verificationMaterial"]["tlogEntries"],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payload: attestation.envelope.statement,
      payloadType: inToto,
      signatures: [{ sig: attestation.envelope.signature, keyid: "" }],
    },
  };
  return bundle as unknown as SerializedBundle;
}

/** `GET /integrity/<project>/<version>/<filename>/provenance`: the file's provenance, or undefined (404). */
/** Where PyPI's Integrity API serves a file's provenance. */
export const provenanceUrl = (index: string, name: string, version: string, filename: string): URL =>
  new URL(`integrity/${normalizeName(name)}/${version}/${encodeURIComponent(filename)}/provenance`, withSlash(index));

export async function readProvenance(
  ctx: Context<unknown>,
  index: string,
  name: string,
  version: string,
  filename: string,
): Promise<Provenance | undefined> {
  return readIndexJson<Provenance>(
    ctx,
    provenanceUrl(index, name, version, filename),
    "application/vnd.pypi.integrity.v1+json",
    "Re-run later; the Integrity API serves PEP 740 provenance.",
  );
}

/**
 * Checks a file's provenance: some attestation verifies against the trusted root, was signed by
 * the workflow the provenance names as publisher, and states this file's name and sha256. Answers
 * the signing workflow.
 */
export function checkProvenance(root: TrustedRoot, provenance: Provenance, dist: Distribution): string {
  const problems: string[] = [];
  for (const { publisher, attestations } of provenance.attestation_bundles ?? []) {
    for (const attestation of attestations) {
      const { payload, subject } = verifyBundle(root, toBundle(attestation), { what: `${dist.filename}'s attestation`, registry });
      const statement = JSON.parse(payload!.toString("utf8")) as {
        subject?: Array<{ name?: string; digest?: { sha256?: string } }>;
        predicateType?: string;
      };
      const [named, ...more] = statement.subject ?? [];
      const workflow =
        publisher.repository && publisher.workflow ? `/${publisher.repository}/.github/workflows/${publisher.workflow}@` : undefined;
      if (more.length || named?.name !== dist.filename || named.digest?.sha256 !== dist.sha256)
        problems.push(`it names ${named?.name ?? "nothing"} with sha256 ${named?.digest?.sha256 ?? "(none)"}`);
      else if (statement.predicateType !== publishPredicate) problems.push(`its predicate is ${statement.predicateType}`);
      else if (!workflow || !subject?.includes(workflow))
        problems.push(`it was signed by ${subject}, not the publisher ${publisher.repository}`);
      else return subject;
    }
  }
  throw new FerryError("PublishedContentDiffers", {
    registry,
    what: `PyPI's provenance of ${dist.filename} does not attest this file: ${problems.join("; ") || "it has no attestation"}.`,
    why: "A publish attestation names the file's sha256 and is signed by the trusted publisher that uploaded it.",
    fix: "Check who else publishes this project; files already on PyPI cannot be replaced, so release a new version.",
  });
}
