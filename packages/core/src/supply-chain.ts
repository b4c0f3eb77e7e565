import { z } from "zod";
import type { AttestationOutcome } from "./attestations.ts";
import type { ReleaseManifest } from "./manifest.ts";

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
    location: z.string().describe("Where a verifier finds it: a URL, or an OCI reference (registry/name@sha256:…)."),
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
