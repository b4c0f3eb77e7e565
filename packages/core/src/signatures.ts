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
import { minisign, readMinisignKey } from "./minisign.ts";
import { secret } from "./secrets.ts";
import { keylessSigner, signBlob, type Signer } from "./sign.ts";
import type { Version } from "./version.ts";

/** The Sigstore bundle of checksums.txt, uploaded beside it. */
export const checksumsBundle = "checksums.txt.sigstore.json";
/** The minisign signature of checksums.txt. */
export const checksumsMinisig = "checksums.txt.minisig";

export interface SignInput {
  config: Config;
  version: Version;
  distDir: string;
  github: Octokit;
  serverUrl: string;
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
}

/** One way of signing checksums.txt: the file it makes, and how. */
interface ChecksumsSigner {
  file: string;
  /** For the log: "Sigstore (GitHub Actions OIDC)", "minisign (key 80F1…)". */
  how: string;
  sign(checksums: Buffer): Promise<Buffer>;
}

const refused = (what: string, why: string, fix: string) => new FerryError("SecretMissing", { what, why, fix });

/**
 * The signers sign.checksums asks for in this environment, and why there is none when there is
 * none. `auto` takes each that the environment allows: keyless Sigstore with an OIDC token, minisign
 * with FERRY_MINISIGN_KEY. `keyless` or `minisign` without what it needs is refused (exit 2): the
 * user asked for a signature this run cannot make.
 */
export function checksumsSigners(config: Config, env: NodeJS.ProcessEnv): { signers: ChecksumsSigner[]; reason?: string } {
  const mode = config.sign.checksums;
  if (mode === "off") return { signers: [], reason: "sign.checksums is off" };
  const signers: ChecksumsSigner[] = [];
  if (mode === "auto" || mode === "keyless") {
    const signer = keylessSigner(env);
    if (signer) signers.push(sigstoreSigner(signer));
    else if (mode === "keyless") {
      throw refused(
        "sign.checksums is keyless, but this run has no OIDC token to sign with.",
        "Keyless signing needs the CI's identity: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN (GitHub Actions) or SIGSTORE_ID_TOKEN.",
        "Give the release job `permissions: id-token: write`, or set sign.checksums to auto or off in ferry.yaml.",
      );
    }
  }
  if (mode === "auto" || mode === "minisign") {
    const key = secret("FERRY_MINISIGN_KEY", env);
    if (key) signers.push(minisignSigner(key, secret("FERRY_MINISIGN_PASSWORD", env)));
    else if (mode === "minisign") {
      throw refused(
        "sign.checksums is minisign, but FERRY_MINISIGN_KEY is not set.",
        "minisign signs with the secret key `minisign -G` writes.",
        "Set FERRY_MINISIGN_KEY to the secret key file's contents (and FERRY_MINISIGN_PASSWORD to its password, if it has one).",
      );
    }
  }
  return signers.length
    ? { signers }
    : { signers, reason: "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write`) and no FERRY_MINISIGN_KEY" };
}

function sigstoreSigner(signer: Signer): ChecksumsSigner {
  return {
    file: checksumsBundle,
    how: `Sigstore (${signer.identity})`,
    sign: async (checksums) => Buffer.from(`${JSON.stringify(await signBlob(signer, checksums, "checksums.txt"), null, 2)}\n`),
  };
}

function minisignSigner(keyText: string, password: string | undefined): ChecksumsSigner {
  return {
    file: checksumsMinisig,
    how: "minisign",
    sign: async (checksums) => {
      const key = await readMinisignKey(keyText, password);
      const comment = `timestamp:${Math.floor(Date.now() / 1000)}\tfile:checksums.txt\thashed`;
      return Buffer.from(minisign(key, checksums, comment));
    },
  };
}

/**
 * Signs checksums.txt before the release is uploaded, and lists each signature in manifest.json as
 * a "signature" file. A signature the release already has is kept (a re-run signs nothing anew:
 * published assets never change); a release published without one gets none.
 */
export async function signChecksums(input: SignInput, manifest: ReleaseManifest): Promise<ReleaseManifest> {
  const { config, version, distDir, log } = input;
  const { signers, reason } = checksumsSigners(config, input.env);
  if (!signers.length) {
    log(`checksums.txt is not signed: ${reason}`);
    return manifest;
  }
  const { repository } = config.project;
  const release = await findRelease(input.github, repository, version.tag);
  const checksums = await readFile(join(distDir, "checksums.txt"));
  let files = manifest.files ?? [];
  for (const signer of signers) {
    const existing = release && (await downloadAsset(input.github, repository, release, signer.file));
    if (release && !release.draft && !existing) {
      log(`${signer.file} is not made: the release ${version.tag} was published without it, and published releases get no new assets`);
      continue;
    }
    if (existing) log(`keeping the release's ${signer.file}`);
    else log(`signing checksums.txt with ${signer.how}`);
    const signature = existing || (await signer.sign(checksums));
    const written = await writeHashed(Readable.from([signature]), join(distDir, signer.file));
    files = files.filter((f) => f.name !== signer.file);
    files.push({ name: signer.file, kind: "signature", ...written, url: assetUrl(input.serverUrl, repository, version.tag, signer.file) });
  }
  const signed = { ...manifest, files };
  // checksums.txt lists no signature of itself (renderChecksums), so it stays as it was signed.
  await writeManifest(join(distDir, "manifest.json"), signed);
  return signed;
}
