// A throwaway OpenPGP signing key for the sandbox's package repositories, made at start with OpenPGP.js.
import * as openpgp from "openpgp";

/**
 * FERRY_GPG_KEY: a fresh Ed25519 key (OpenPGP v4, which apt's gpgv reads), in the binary form of
 * `gpg --export-secret-keys` as base64: one line, which a shell's `export` keeps as it is.
 */
export async function startGpgKey(): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const { privateKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "ed25519Legacy",
    userIDs: [{ name: "ferry sandbox", email: "sandbox@example.com" }],
    format: "binary",
  });
  return { env: { FERRY_GPG_KEY: Buffer.from(privateKey).toString("base64") }, stop: () => Promise.resolve() };
}
