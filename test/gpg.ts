// A throwaway OpenPGP key made by the real gpg, and checks of signatures by gpgv, as apt runs it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";

export interface TestGpgKey {
  /** The armored secret key, as FERRY_GPG_KEY holds it. */
  secretKey: string;
  /** The armored public key. */
  publicKey: string;
  /** The public key exported in binary form: a keyring gpgv and apt's `signed-by` read. */
  keyring: string;
  fingerprint: string;
  /** Removes the key's home directory (and stops its agent). */
  remove(): Promise<void>;
}

/** Makes an Ed25519 signing key in a fresh GNUPGHOME, protected by the passphrase if one is given, expiring then (a date) or never. */
export async function makeGpgKey(passphrase = "", expires = "never"): Promise<TestGpgKey> {
  const home = await mkdtemp(join(tmpdir(), "ferry-gpg-"));
  const gpg = (args: string[]) =>
    execa("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, ...args], { env: { GNUPGHOME: home } });
  await gpg(["--quick-gen-key", "Ferry Test <test@example.com>", "ed25519", "sign", expires]);
  const fingerprint = /^fpr:+([0-9A-F]+):/m.exec((await gpg(["--with-colons", "--list-keys"])).stdout)![1]!;
  const secretKey = (await gpg(["--armor", "--export-secret-keys", fingerprint])).stdout;
  const publicKey = (await gpg(["--armor", "--export", fingerprint])).stdout;
  const keyring = join(home, "ferry-test.gpg");
  await gpg(["--output", keyring, "--export", fingerprint]);
  return {
    secretKey,
    publicKey,
    keyring,
    fingerprint,
    remove: async () => {
      await execa("gpgconf", ["--kill", "gpg-agent"], { env: { GNUPGHOME: home }, reject: false });
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Runs gpgv with only this keyring on a signature (and the signed data, for a detached one): its exit code and output. */
export async function gpgv(keyring: string, signature: string, data?: Buffer | string): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-gpgv-"));
  try {
    await writeFile(join(dir, "sig"), signature);
    const files = [join(dir, "sig")];
    if (data !== undefined) {
      await writeFile(join(dir, "data"), data);
      files.push(join(dir, "data"));
    }
    const run = await execa("gpgv", ["--keyring", keyring, ...files], { reject: false, all: true });
    return { ok: run.exitCode === 0, output: run.all };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
