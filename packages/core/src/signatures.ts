import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Octokit } from "@octokit/rest";
import { writeHashed } from "./archive.ts";
import { assetUrl } from "./build.ts";
import type { Config } from "./config.ts";
import { FerryError } from "./errors.ts";
import { writeManifest, type ReleaseManifest } from "./manifest.ts";
import { downloadAsset, findRelease } from "./release.ts";
import { keylessSigner, signBlob, type Signer } from "./sign.ts";
import type { Version } from "./version.ts";

/** The Sigstore bundle of checksums.txt, uploaded beside it. */
export const checksumsBundle = "checksums.txt.sigstore.json";

export interface SignInput {
  config: Config;
  version: Version;
  distDir: string;
  github: Octokit;
  serverUrl: string;
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
}

/**
 * The signer sign.checksums asks for in this environment, or why there is none. `keyless` without
 * an OIDC token is refused (exit 2): the user asked for a signature this run cannot make.
 */
export function checksumsSigner(config: Config, env: NodeJS.ProcessEnv): { signer?: Signer; reason?: string } {
  const mode = config.sign.checksums;
  if (mode === "off") return { reason: "sign.checksums is off" };
  const signer = keylessSigner(env);
  if (signer) return { signer };
  if (mode === "keyless") {
    throw new FerryError("SecretMissing", {
      what: "sign.checksums is keyless, but this run has no OIDC token to sign with.",
      why: "Keyless signing needs the CI's identity: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (GitHub Actions) or SIGSTORE_ID_TOKEN.",
      fix: "Give the release job `permissions: id-token: write`, or set sign.checksums to auto or off in ferry.yaml.",
    });
  }
  return { reason: "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write`)" };
}

/**
 * Signs checksums.txt before the release is uploaded, and lists the bundle in manifest.json as a
 * "signature" file. A release that already has the bundle keeps it (a re-run signs nothing anew:
 * published assets never change); a release published without one gets none.
 */
export async function signChecksums(input: SignInput, manifest: ReleaseManifest): Promise<ReleaseManifest> {
  const { config, version, distDir, log } = input;
  const { signer, reason } = checksumsSigner(config, input.env);
  if (!signer) {
    log(`checksums.txt is not signed: ${reason}`);
    return manifest;
  }
  const { repository } = config.project;
  const release = await findRelease(input.github, repository, version.tag);
  const existing = release && (await downloadAsset(input.github, repository, release, checksumsBundle));
  if (release && !release.draft && !existing) {
    log(
      `checksums.txt is not signed: the release ${version.tag} was published without ${checksumsBundle}, and published releases get no new assets`,
    );
    return manifest;
  }
  const checksums = await readFile(join(distDir, "checksums.txt"));
  let bundle: Buffer;
  if (existing) {
    log(`keeping the release's ${checksumsBundle}`);
    bundle = existing;
  } else {
    log(`signing checksums.txt with Sigstore (${signer.identity})`);
    bundle = Buffer.from(`${JSON.stringify(await signBlob(signer, checksums, "checksums.txt"), null, 2)}\n`);
  }
  const written = await writeHashed(Readable.from([bundle]), join(distDir, checksumsBundle));
  const files = (manifest.files ?? []).filter((f) => f.name !== checksumsBundle);
  files.push({
    name: checksumsBundle,
    kind: "signature",
    ...written,
    url: assetUrl(input.serverUrl, repository, version.tag, checksumsBundle),
  });
  const signed = { ...manifest, files };
  // checksums.txt lists no signature of itself (renderChecksums), so it stays as it was signed.
  await writeManifest(join(distDir, "manifest.json"), signed);
  return signed;
}
