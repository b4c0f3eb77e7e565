import { z } from "zod";
import { attestationSigner, type AttestationOutcome } from "./attestations.ts";
import { assetUrl } from "./build.ts";
import type { Config } from "./config.ts";
import { FerryError } from "./errors.ts";
import { releaseAssets, signsChecksums, type ReleaseManifest } from "./manifest.ts";
import { checksumsSigners } from "./signatures.ts";

/**
 * What a release's supply chain is made of, as the report names it: a signature, an SBOM, an
 * attestation (a signed statement about files or an image) or provenance (a registry's record of
 * where a package was built).
 */
export const supplyChainKinds = ["signature", "sbom", "attestation", "provenance"] as const;

export const supplyChainItemSchema = z
  .object({
    kind: z.enum(supplyChainKinds),
    subject: z.string().describe("What it is about: a file name, a package and version, an image digest."),
    location: z
      .string()
      .optional()
      .describe("Where a verifier finds it: a URL, or an OCI reference (registry/name@sha256:…); in a plan, where it would go."),
    skipped: z
      .string()
      .optional()
      .describe("Plans only: why the release would not have it (no OIDC token, an option off). It has no location then."),
  })
  .strict();

/** One signature, SBOM, attestation or provenance a run made or found, and where it is. */
export type SupplyChainItem = z.infer<typeof supplyChainItemSchema>;

/**
 * The release's own: each signature of checksums.txt and each SBOM manifest.json lists (an SBOM's
 * subject is the archive it describes), and the provenance attestation GitHub stores for its files.
 */
export function releaseSupplyChain(
  manifest: ReleaseManifest,
  attestation: AttestationOutcome | undefined,
  attestationsPage: string,
): SupplyChainItem[] {
  const items: SupplyChainItem[] = [];
  for (const file of manifest.files ?? []) {
    if (file.kind === "signature") items.push({ kind: "signature", subject: "checksums.txt", location: file.url });
    if (file.kind === "sbom") {
      const archive = manifest.artifacts.find((a) => file.name.startsWith(`${a.name}.`));
      items.push({ kind: "sbom", subject: archive?.name ?? file.name, location: file.url });
    }
  }
  if (attestation) {
    const count = attestation.subjects.length;
    items.push({ kind: "attestation", subject: `${count} release ${count === 1 ? "file" : "files"}`, location: attestationsPage });
  }
  return items;
}

/** Why a plan would not make something: the reason given, or the refusal `ferry release` would stop with. */
function unless<T>(choose: () => T): T | { refused: string } {
  try {
    return choose();
  } catch (error) {
    if (error instanceof FerryError) return { refused: `ferry release would refuse to run: ${error.details.what}` };
    throw error;
  }
}

/**
 * What publishing the release would add to it in this environment (`ferry plan`): each signature of
 * checksums.txt, each SBOM, the provenance attestation, and for each one it would not make, why.
 */
export function plannedReleaseSupplyChain(
  config: Config,
  env: NodeJS.ProcessEnv,
  manifest: ReleaseManifest,
  serverUrl: string,
): SupplyChainItem[] {
  const asset = (name: string) => assetUrl(serverUrl, manifest.repository, manifest.tag, name);
  const items: SupplyChainItem[] = [];
  const signing = unless(() => checksumsSigners(config, env));
  if ("refused" in signing) items.push({ kind: "signature", subject: "checksums.txt", skipped: signing.refused });
  else {
    for (const signer of signing.signers) items.push({ kind: "signature", subject: "checksums.txt", location: asset(signer.file) });
    if (signing.reason) items.push({ kind: "signature", subject: "checksums.txt", skipped: signing.reason });
  }
  const sboms = releaseSupplyChain(manifest, undefined, "").filter((item) => item.kind === "sbom");
  items.push(...(config.sbom ? sboms : [{ kind: "sbom" as const, subject: "each archive", skipped: "ferry.yaml has no sbom section" }]));
  const attesting = unless(() => attestationSigner(config, env));
  const subjects = releaseAssets(manifest).filter((a) => !signsChecksums(a.name)).length;
  const subject = `${subjects} release ${subjects === 1 ? "file" : "files"}`;
  if ("refused" in attesting) items.push({ kind: "attestation", subject, skipped: attesting.refused });
  else if (attesting.signer) items.push({ kind: "attestation", subject, location: `${serverUrl}/${manifest.repository}/attestations` });
  else items.push({ kind: "attestation", subject, skipped: attesting.reason ?? "" });
  return items;
}
