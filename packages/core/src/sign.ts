/**
 * Keyless Sigstore signing: an ephemeral key, certified by Fulcio for the CI's OIDC identity,
 * its signature logged in Rekor (whose signed entry timestamp dates it). `signBlob`
 * signs bytes (a checksums.txt), `signStatement` an in-toto statement as a DSSE envelope; both
 * give the Sigstore bundle as JSON, as `sigstore verify` and `gh attestation verify` read it.
 */
import { bundleToJSON, type SerializedBundle } from "@sigstore/bundle";
import {
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  type BundleBuilderOptions,
  type IdentityProvider,
  type Witness,
} from "@sigstore/sign";
import { FerryError } from "./errors.ts";
import { idToken, idTokenAvailable, type OidcSource } from "./oidc.ts";
import { redact, secret } from "./secrets.ts";

export type { SerializedBundle };

/** Where to sign, and as whom. */
export interface Signer {
  /** How the identity was found, for messages: "GitHub Actions OIDC" or "SIGSTORE_ID_TOKEN". */
  identity: string;
  options: BundleBuilderOptions;
}

/** An in-toto v1 statement (https://in-toto.io/Statement/v1). */
export interface InTotoStatement {
  _type: "https://in-toto.io/Statement/v1";
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate: unknown;
}

/**
 * Whether the environment hands out an OIDC identity: a GitHub Actions job with `id-token: write`
 * (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN), or a token given as SIGSTORE_ID_TOKEN.
 */
export function oidcAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return idTokenAvailable(envSource(env), "SIGSTORE_ID_TOKEN");
}

/** An environment read as an OIDC source, its tokens as secrets. */
const envSource = (env: NodeJS.ProcessEnv): OidcSource => ({ env: (name) => env[name] || undefined, secret: (name) => secret(name, env) });

/**
 * The keyless signer of this environment, or undefined when it has no OIDC identity. Sigstore's
 * public-good instance unless FERRY_SIGSTORE_FULCIO_URL and FERRY_SIGSTORE_REKOR_URL name others.
 */
export function keylessSigner(env: NodeJS.ProcessEnv = process.env): Signer | undefined {
  if (!oidcAvailable(env)) return undefined;
  const source = envSource(env);
  // Fulcio takes tokens with the audience "sigstore".
  const identityProvider: IdentityProvider = {
    getToken: async () => (await idToken(source, "sigstore", { registry: "sigstore", given: "SIGSTORE_ID_TOKEN" })) ?? "",
  };
  const witnesses: Witness[] = [new RekorWitness({ rekorBaseURL: env.FERRY_SIGSTORE_REKOR_URL || "https://rekor.sigstore.dev", retry: 2 })];
  return {
    identity: secret("SIGSTORE_ID_TOKEN", env) ? "SIGSTORE_ID_TOKEN" : "GitHub Actions OIDC",
    options: {
      signer: new FulcioSigner({
        fulcioBaseURL: env.FERRY_SIGSTORE_FULCIO_URL || "https://fulcio.sigstore.dev",
        identityProvider,
        retry: 2,
      }),
      witnesses,
    },
  };
}

/** The environment keylessSigner reads, taken from an adapter's context (the tokens as secrets). */
export function contextSigner(ctx: OidcSource): Signer | undefined {
  return keylessSigner({
    SIGSTORE_ID_TOKEN: ctx.secret("SIGSTORE_ID_TOKEN"),
    ACTIONS_ID_TOKEN_REQUEST_URL: ctx.env("ACTIONS_ID_TOKEN_REQUEST_URL"),
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: ctx.secret("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
    FERRY_SIGSTORE_FULCIO_URL: ctx.env("FERRY_SIGSTORE_FULCIO_URL"),
    FERRY_SIGSTORE_REKOR_URL: ctx.env("FERRY_SIGSTORE_REKOR_URL"),
  });
}

/** Signs bytes: a Sigstore bundle with a message signature over their sha256. */
export function signBlob(signer: Signer, data: Buffer, what: string): Promise<SerializedBundle> {
  return sign(() => new MessageSignatureBundleBuilder(signer.options).create({ data }), what);
}

/** Signs an in-toto statement: a Sigstore bundle holding it as a DSSE envelope. */
export function signStatement(signer: Signer, statement: InTotoStatement, what: string): Promise<SerializedBundle> {
  const data = Buffer.from(JSON.stringify(statement));
  return sign(() => new DSSEBundleBuilder(signer.options).create({ data, type: "application/vnd.in-toto+json" }), what);
}

async function sign(create: () => Promise<Parameters<typeof bundleToJSON>[0]>, what: string): Promise<SerializedBundle> {
  try {
    return bundleToJSON(await create());
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (error instanceof FerryError) throw error;
    if (cause instanceof FerryError) throw cause;
    throw new FerryError("RegistryRefused", {
      registry: "sigstore",
      what: `Signing ${what} with Sigstore failed.`,
      why: redact(
        [error as Error, cause as Error | undefined]
          .map((e) => e?.message ?? (e ? String(e) : ""))
          .filter(Boolean)
          .join(": "),
      ),
      fix: "Check that the job may request an OIDC token (`permissions: id-token: write`) and that Fulcio and Rekor are reachable, then re-run.",
      cause: error,
    });
  }
}
