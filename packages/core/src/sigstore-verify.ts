/**
 * Checks Sigstore bundles read back from a registry with sigstore's own verifier (@sigstore/verify):
 * the certificate chains to the trusted root, the certificate's SCT and the Rekor entry are signed
 * by the root's logs, and the signature covers the payload. The trusted root is the file
 * FERRY_SIGSTORE_TRUSTED_ROOT names (the sandbox's, or a private Sigstore's).
 */
import { readFile } from "node:fs/promises";
import { bundleFromJSON, type SerializedBundle } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { FerryError } from "./errors.ts";

export type { TrustedRoot };

/** Who must have signed: the certificate's subject (a workflow URL) and OIDC issuer. */
export interface SignerIdentity {
  subjectAlternativeName?: string;
  issuer?: string;
}

/** The trusted root named by FERRY_SIGSTORE_TRUSTED_ROOT, or undefined when none is set. */
export async function trustedRoot(env: (name: string) => string | undefined): Promise<TrustedRoot | undefined> {
  const path = env("FERRY_SIGSTORE_TRUSTED_ROOT");
  if (!path) return undefined;
  try {
    return TrustedRoot.fromJSON(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    throw new FerryError("InputMissing", {
      what: `FERRY_SIGSTORE_TRUSTED_ROOT (${path}) is not a readable Sigstore trusted root.`,
      why: (error as Error).message,
      fix: "Point FERRY_SIGSTORE_TRUSTED_ROOT at a trusted_root.json, or unset it.",
      cause: error,
    });
  }
}

/**
 * Verifies a bundle against `root`: a message signature over `data`, or (without data) a DSSE
 * envelope. Answers the DSSE payload (if any) and the certificate's subject. Throws a FerryError
 * naming `what` when it does not verify.
 */
export function verifyBundle(
  root: TrustedRoot,
  bundle: SerializedBundle,
  { what, registry, data, identity = {} }: { what: string; registry: string; data?: Buffer; identity?: SignerIdentity },
): { payload?: Buffer; subject?: string } {
  try {
    const parsed = bundleFromJSON(bundle);
    const signer = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(parsed, data), {
      subjectAlternativeName: identity.subjectAlternativeName,
      extensions: identity.issuer ? { issuer: identity.issuer } : undefined,
    });
    return {
      payload: parsed.content.$case === "dsseEnvelope" ? parsed.content.dsseEnvelope.payload : undefined,
      subject: signer.identity?.subjectAlternativeName,
    };
  } catch (error) {
    throw new FerryError("PublishedContentDiffers", {
      registry,
      what: `The Sigstore signature of ${what} does not verify.`,
      why: (error as Error).message,
      fix: "Check what else publishes to this registry; re-run to sign and upload again where the registry allows it.",
      cause: error,
    });
  }
}
