import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { attestationSigner, type AttestationOutcome } from "./attestations.ts";
import { assetUrl } from "./build.ts";
import type { Config } from "./config.ts";
import { FerryError } from "./errors.ts";
import { releaseAssets, signsChecksums, type ReleaseManifest } from "./manifest.ts";
import { checkStep, failedCheck, fail, pass } from "./doctor.ts";
import { readMinisignKey } from "./minisign.ts";
import type { Check } from "./registry.ts";
import { secret } from "./secrets.ts";
import { oidcAvailable } from "./sign.ts";
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

/** A job of a GitHub Actions workflow, as far as its permissions and steps go. */
interface WorkflowJob {
  permissions?: unknown;
  steps?: Array<{ uses?: string; run?: string }>;
}

/** Whether a permissions block grants `name: write` (`write-all` grants every one). */
const grants = (permissions: unknown, name: string) =>
  permissions === "write-all" ||
  (typeof permissions === "object" && permissions !== null && (permissions as Record<string, unknown>)[name] === "write");

/**
 * The release workflow's permissions: the workflow running now (GITHUB_WORKFLOW_REF in
 * GITHUB_WORKSPACE), else the first of the project's .github/workflows that runs ferry; the job
 * that runs ferry, whose own permissions replace the workflow's.
 */
async function releasePermissions(env: NodeJS.ProcessEnv, projectDir: string) {
  const running = env.GITHUB_WORKFLOW_REF && env.GITHUB_WORKSPACE && env.GITHUB_REPOSITORY;
  const dir = join(projectDir, ".github", "workflows");
  const candidates = running
    ? [join(env.GITHUB_WORKSPACE!, env.GITHUB_WORKFLOW_REF!.slice(env.GITHUB_REPOSITORY!.length + 1).replace(/@.*$/, ""))]
    : (await readdir(dir).catch(() => [])).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
  for (const file of candidates) {
    const text = await readFile(file, "utf8").catch(() => "");
    if (!text.includes("ferry")) continue;
    const workflow = (parseYaml(text) ?? {}) as { permissions?: unknown; jobs?: Record<string, WorkflowJob> };
    for (const [job, body] of Object.entries(workflow.jobs ?? {})) {
      if (!(body.steps ?? []).some((step) => `${step.uses ?? ""} ${step.run ?? ""}`.includes("ferry"))) continue;
      const permissions = body.permissions ?? workflow.permissions;
      return { where: `${relative(projectDir, file) || file} job ${job}`, permissions };
    }
  }
  return undefined;
}

/**
 * `ferry doctor`: which signatures and attestations this environment allows: an OIDC identity,
 * the release workflow's `id-token: write` and `attestations: write`, FERRY_MINISIGN_KEY; a
 * signature the config requires that cannot be made fails.
 */
export async function supplyChainDoctor(config: Config, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const checks: Check[] = [];
  const oidc = "OIDC identity for keyless signing";
  if (secret("SIGSTORE_ID_TOKEN", env)) checks.push(pass(oidc, "SIGSTORE_ID_TOKEN is set"));
  else if (oidcAvailable(env))
    checks.push(pass(oidc, "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are set: the job has `id-token: write`"));
  else
    checks.push(
      pass(oidc, "none here: nothing is signed keylessly (in GitHub Actions, a job with `permissions: id-token: write` has one)"),
    );

  const found = await releasePermissions(env, dirname(config.path));
  if (found) {
    const wanted = [
      ...(config.sign.checksums !== "off" || config.sign.attestations !== "off" ? ["id-token"] : []),
      ...(config.sign.attestations !== "off" ? ["attestations"] : []),
    ];
    const missing = wanted.filter((name) => !grants(found.permissions, name));
    const name = `permissions of ${found.where}`;
    checks.push(
      missing.length
        ? fail(
            name,
            `no ${missing.map((m) => `\`${m}: write\``).join(" or ")}: ${missing.includes("id-token") ? "nothing is signed keylessly" : "GitHub refuses the provenance attestation"}`,
            `Add ${missing.map((m) => `\`${m}: write\``).join(" and ")} to the job's permissions (with \`contents: write\`), or set sign.${missing.includes("id-token") ? "checksums and sign.attestations" : "attestations"} to off.`,
          )
        : pass(name, wanted.map((m) => `${m}: write`).join(", ") || "sign is off"),
    );
  }

  const minisignKey = secret("FERRY_MINISIGN_KEY", env);
  if (minisignKey) {
    checks.push(
      await checkStep("FERRY_MINISIGN_KEY parses", async () => {
        await readMinisignKey(minisignKey, secret("FERRY_MINISIGN_PASSWORD", env));
        return "a minisign secret key, unlocked";
      }),
    );
  }
  try {
    const { signers, reason } = checksumsSigners(config, env);
    checks.push(pass("checksums.txt signed", signers.length ? `with ${signers.map((s) => s.how).join(" and ")}` : `not signed: ${reason}`));
  } catch (error) {
    checks.push(failedCheck("checksums.txt signed", error));
  }
  try {
    const { signer, reason } = attestationSigner(config, env);
    checks.push(
      pass(
        "provenance attestation",
        signer ? `signed with Sigstore (${signer.identity}); storing it needs \`attestations: write\`` : `not made: ${reason}`,
      ),
    );
  } catch (error) {
    checks.push(failedCheck("provenance attestation", error));
  }
  return checks;
}
