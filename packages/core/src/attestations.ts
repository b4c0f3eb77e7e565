/**
 * GitHub artifact attestations: an in-toto statement with a SLSA provenance v1 predicate naming
 * every file checksums.txt lists (archives, packages, SBOMs, installers) by its sha256, signed
 * keylessly (a Sigstore DSSE bundle) and stored with the repository's attestations API, where
 * `gh attestation verify <file> --repo OWNER/REPO` finds it by the file's digest.
 */
import { readFile } from "node:fs/promises";
import type { Octokit } from "@octokit/rest";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { uncompress } from "snappyjs";
import type { Config } from "./config.ts";
import { FerryError } from "./errors.ts";
import { releaseAssets, signsChecksums, type ReleaseManifest } from "./manifest.ts";
import { githubError } from "./release.ts";
import { keylessSigner, signStatement, type InTotoStatement, type SerializedBundle, type Signer } from "./sign.ts";
import type { Version } from "./version.ts";

const slsaProvenance = "https://slsa.dev/provenance/v1";

/** What the run attested: the statement's subjects, and whether this run stored the attestation. */
export interface AttestationOutcome {
  status: "attested" | "already-attested";
  /** File names, as on the release. */
  subjects: string[];
}

export interface AttestInput {
  config: Config;
  version: Version;
  github: Octokit;
  serverUrl: string;
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
}

/**
 * The signer sign.attestations asks for: `auto` attests when the run has an OIDC identity, `on`
 * refuses a run without one (exit 2, before anything is built), `off` never attests.
 */
export function attestationSigner(config: Config, env: NodeJS.ProcessEnv): { signer?: Signer; reason?: string } {
  const mode = config.sign.attestations;
  if (mode === "off") return { reason: "sign.attestations is off" };
  const signer = keylessSigner(env);
  if (signer) return { signer };
  if (mode === "on") {
    throw new FerryError("SecretMissing", {
      what: "sign.attestations is on, but this run has no OIDC token to sign the attestation with.",
      why: "An artifact attestation is signed keylessly with the CI's identity: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (GitHub Actions) or SIGSTORE_ID_TOKEN.",
      fix: "Give the release job `permissions: id-token: write` and `attestations: write`, or set sign.attestations to auto or off in ferry.yaml.",
    });
  }
  return { reason: "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write` and `attestations: write`)" };
}

/** The release files an attestation names: every asset checksums.txt lists. */
function attestationSubjects(manifest: ReleaseManifest): Array<{ name: string; sha256: string }> {
  return releaseAssets(manifest)
    .filter((a) => !signsChecksums(a.name))
    .map(({ name, sha256 }) => ({ name, sha256 }));
}

/**
 * SLSA provenance v1 of a release built by a GitHub Actions workflow, as actions/attest-build-provenance
 * writes it (buildType https://actions.github.io/buildtypes/workflow/v1), from the run's GITHUB_* variables.
 * Outside Actions, what the environment does not say is left out.
 */
function provenanceStatement(
  subjects: Array<{ name: string; sha256: string }>,
  { repository, serverUrl, tag, env }: { repository: string; serverUrl: string; tag: string; env: NodeJS.ProcessEnv },
): InTotoStatement {
  const repo = env.GITHUB_REPOSITORY || repository;
  const ref = env.GITHUB_REF || `refs/tags/${tag}`;
  // GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/release.yml@refs/tags/v1.2.3
  const workflowRef = env.GITHUB_WORKFLOW_REF;
  const path = workflowRef?.slice(repo.length + 1).replace(/@.*$/, "");
  const defined = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v));
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
    predicateType: slsaProvenance,
    predicate: {
      buildDefinition: {
        buildType: "https://actions.github.io/buildtypes/workflow/v1",
        externalParameters: { workflow: defined({ ref, repository: `${serverUrl}/${repo}`, path }) },
        internalParameters: {
          github: defined({
            event_name: env.GITHUB_EVENT_NAME,
            repository_id: env.GITHUB_REPOSITORY_ID,
            repository_owner_id: env.GITHUB_REPOSITORY_OWNER_ID,
            runner_environment: env.RUNNER_ENVIRONMENT,
          }),
        },
        resolvedDependencies: [
          { uri: `git+${serverUrl}/${repo}@${ref}`, ...(env.GITHUB_SHA ? { digest: { gitCommit: env.GITHUB_SHA } } : {}) },
        ],
      },
      runDetails: {
        builder: { id: workflowRef ? `${serverUrl}/${workflowRef}` : `${serverUrl}/${repo}` },
        metadata: env.GITHUB_RUN_ID
          ? { invocationId: `${serverUrl}/${repo}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${env.GITHUB_RUN_ATTEMPT || "1"}` }
          : {},
      },
    },
  };
}

interface StoredAttestation {
  bundle?: SerializedBundle | null;
  bundle_url?: string;
}

/**
 * An attestation's bundle: inline, or (as GitHub answers now) `bundle: null` and a pre-signed
 * `bundle_url` serving it snappy-compressed, fetched without credentials, as `gh attestation` does.
 */
async function bundleOf(attestation: StoredAttestation): Promise<SerializedBundle | undefined> {
  if (attestation.bundle) return attestation.bundle;
  if (!attestation.bundle_url) return undefined;
  const response = await fetch(attestation.bundle_url);
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry: "github",
      what: `GitHub's attestation bundle could not be read: ${new URL(attestation.bundle_url).host} answered ${response.status}.`,
      fix: "Re-run `ferry release`: it reads the attestation back again.",
    });
  }
  const json = uncompress(new Uint8Array(await response.arrayBuffer()), 16 * 1024 * 1024);
  return JSON.parse(Buffer.from(json).toString("utf8")) as SerializedBundle;
}

/**
 * After the release is public: attests the files no provenance attestation of this repository
 * names yet (a re-run finds them attested and stores nothing), then reads the attestation back by
 * digest. In `auto` mode a GitHub that refuses attestations (no `attestations: write`, or a private
 * repository on a plan without them) is logged and the release stands; in `on` mode it fails the run.
 */
export async function attestRelease(input: AttestInput, manifest: ReleaseManifest): Promise<AttestationOutcome | undefined> {
  const { config, github, log, env } = input;
  const { signer, reason } = attestationSigner(config, env);
  if (!signer) {
    log(`the release is not attested: ${reason}`);
    return undefined;
  }
  const [owner, repo] = config.project.repository.split("/") as [string, string];
  const subjects = attestationSubjects(manifest);
  const list = async (sha256: string) => {
    try {
      const { data } = await github.rest.repos.listAttestations({
        owner,
        repo,
        subject_digest: `sha256:${sha256}`,
        predicate_type: slsaProvenance,
        per_page: 100,
      });
      return (data.attestations ?? []) as StoredAttestation[];
    } catch (error) {
      // The repository exists (its release was just published): a 404 can only mean nothing is attested.
      if ((error as { status?: number }).status === 404) return [];
      throw githubError(error, `listing the attestations of ${sha256}`);
    }
  };
  const missing: typeof subjects = [];
  for (const subject of subjects) if (!(await list(subject.sha256)).length) missing.push(subject);
  if (!missing.length) {
    log(`keeping the release's provenance attestation of ${subjects.length} files`);
    return { status: "already-attested", subjects: subjects.map((s) => s.name) };
  }

  log(`attesting the provenance of ${missing.length} files with Sigstore (${signer.identity})`);
  const statement = provenanceStatement(missing, {
    repository: config.project.repository,
    serverUrl: input.serverUrl,
    tag: input.version.tag,
    env,
  });
  const bundle = await signStatement(signer, statement, "the provenance attestation");
  try {
    await github.rest.repos.createAttestation({ owner, repo, bundle: bundle as unknown as { mediaType?: string } });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (config.sign.attestations === "auto" && (status === 403 || status === 404)) {
      log(
        `the release is not attested: GitHub answered ${status} to the attestation (give the job \`permissions: attestations: write\`; private repositories need a plan with artifact attestations)`,
      );
      return undefined;
    }
    throw githubError(error, "storing the provenance attestation");
  }

  // Read back: the attestation GitHub lists for the first file must be the one just signed, and valid.
  const signature = bundle.dsseEnvelope?.signatures[0]?.sig;
  const bundles = await Promise.all((await list(missing[0]!.sha256)).map(bundleOf));
  const stored = bundles.find((b) => b?.dsseEnvelope?.signatures[0]?.sig === signature);
  if (!stored) {
    throw new FerryError("RegistryRefused", {
      registry: "github",
      what: `GitHub accepted the provenance attestation but does not list it for ${missing[0]!.name}.`,
      fix: "Re-run `ferry release`: it attests what is not attested yet.",
    });
  }
  await verifyAttestation(stored, env);
  log(`attested ${missing.length} files: gh attestation verify <file> --repo ${config.project.repository}`);
  return { status: "attested", subjects: subjects.map((s) => s.name) };
}

/**
 * Checks an attestation's bundle with Sigstore's verifier against FERRY_SIGSTORE_TRUSTED_ROOT, the
 * trusted root of the Sigstore instance that signed it, when one is given (the sandbox's).
 */
async function verifyAttestation(bundle: SerializedBundle, env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.FERRY_SIGSTORE_TRUSTED_ROOT) return;
  try {
    const root = TrustedRoot.fromJSON(JSON.parse(await readFile(env.FERRY_SIGSTORE_TRUSTED_ROOT, "utf8")));
    new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(bundleFromJSON(bundle)));
  } catch (error) {
    throw new FerryError("PublishedContentDiffers", {
      registry: "github",
      what: "The provenance attestation GitHub lists does not verify against FERRY_SIGSTORE_TRUSTED_ROOT.",
      why: (error as Error).message,
      fix: "Check that FERRY_SIGSTORE_TRUSTED_ROOT is the trusted root of the Sigstore instance that signed it (FERRY_SIGSTORE_FULCIO_URL, FERRY_SIGSTORE_REKOR_URL).",
      cause: error,
    });
  }
}
