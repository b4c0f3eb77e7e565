/**
 * OpenPGP signatures for package repositories, made with OpenPGP.js: APT's InRelease
 * (clearsigned) and Release.gpg, an RPM repository's repomd.xml.asc (detached, armored), and the
 * header signature of an .rpm (a binary signature packet).
 * The key is a secret: FERRY_GPG_KEY holds the private key, as `gpg --armor
 * --export-secret-keys` writes it (or that export's binary form in base64), and
 * FERRY_GPG_PASSPHRASE its passphrase when it has one.
 */
import * as openpgp from "openpgp";
import { FerryError } from "./errors.ts";
import { secret } from "./secrets.ts";

/** The environment variables that hold the signing key and its passphrase. */
export const gpgKeySecret = "FERRY_GPG_KEY";
export const gpgPassphraseSecret = "FERRY_GPG_PASSPHRASE";

export interface GpgSigner {
  /** The signing key's fingerprint, upper-case hex, as `gpg --list-keys` prints it. */
  fingerprint: string;
  /** The key's first user id ("Name <email>"). */
  userId: string;
  /** What doctor says of the key: `key <long key id> (<user id>), expires <date>` (or `never expires`). */
  description: string;
  /** The public key, armored: what users add to their keyring (`signed-by`, `gpgkey`). */
  publicKey: string;
  /** A clearsigned text (InRelease); its last line break is the one before the signature, as gpg --clearsign writes it. */
  clearsign(text: string): Promise<string>;
  /** An armored detached signature of the bytes (Release.gpg, repomd.xml.asc). */
  detachSign(data: Uint8Array): Promise<string>;
  /** Whether the signing key is an RSA key (RPM files its signatures under another tag than EdDSA's, DSA's and ECDSA's). */
  rsa: boolean;
  /**
   * A binary detached signature packet of the bytes (an .rpm's header signature), dated `date`, or
   * the key's newest self-signature when that is later (a key cannot sign before it exists). With an
   * RSA or EdDSA key and no random notation the bytes depend only on the key, the data and the date.
   */
  signPacket(data: Uint8Array, date: Date): Promise<Uint8Array>;
}

const invalid = (what: string, why?: string) =>
  new FerryError("SecretMissing", {
    what,
    why,
    fix: `Set ${gpgKeySecret} to the output of \`gpg --armor --export-secret-keys <key id>\` (and ${gpgPassphraseSecret} to its passphrase, if it has one).`,
  });

/** The signer FERRY_GPG_KEY sets up, or undefined when it is not set; a key that cannot sign is bad input. */
export async function gpgSigner(env: NodeJS.ProcessEnv = process.env): Promise<GpgSigner | undefined> {
  const text = secret(gpgKeySecret, env);
  if (!text) return undefined;
  return readGpgKey(text, secret(gpgPassphraseSecret, env));
}

/** Reads an armored (or base64 binary) OpenPGP private key, decrypting it with the passphrase when it is protected. */
export async function readGpgKey(text: string, passphrase: string | undefined): Promise<GpgSigner> {
  let key: openpgp.PrivateKey;
  try {
    key = text.includes("-----BEGIN PGP")
      ? await openpgp.readPrivateKey({ armoredKey: text })
      : await openpgp.readPrivateKey({ binaryKey: Buffer.from(text.replace(/\s+/g, ""), "base64") });
  } catch (error) {
    throw invalid(`${gpgKeySecret} is not an OpenPGP private key.`, reason(error));
  }
  if (!key.isDecrypted()) {
    if (!passphrase) {
      throw new FerryError("SecretMissing", {
        what: `The OpenPGP key in ${gpgKeySecret} is protected by a passphrase, and ${gpgPassphraseSecret} is not set.`,
        fix: `Set ${gpgPassphraseSecret} to the key's passphrase.`,
      });
    }
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch (error) {
      throw new FerryError("SecretMissing", {
        what: `The OpenPGP key in ${gpgKeySecret} does not decrypt with ${gpgPassphraseSecret}.`,
        why: reason(error),
        fix: `Set ${gpgPassphraseSecret} to the passphrase the key was protected with.`,
      });
    }
  }
  let signingKey: Awaited<ReturnType<typeof key.getSigningKey>>;
  try {
    signingKey = await key.getSigningKey();
  } catch (error) {
    throw invalid(`The OpenPGP key in ${gpgKeySecret} cannot sign.`, reason(error));
  }
  const signingKeys = key;
  // The key's self-signatures, oldest first: the dates from which it can sign.
  const selfSigned = [...key.users.flatMap((u) => u.selfCertifications), ...key.subkeys.flatMap((s) => s.bindingSignatures)]
    .map((s) => s.created?.getTime() ?? 0)
    .sort((a, b) => a - b);
  const fingerprint = key.getFingerprint().toUpperCase();
  const userId = key.getUserIDs()[0] ?? "";
  const expires = await key.getExpirationTime();
  return {
    fingerprint,
    userId,
    description: `key ${fingerprint.slice(-16)} (${userId}), ${expires instanceof Date ? `expires ${expires.toISOString().slice(0, 10)}` : "never expires"}`,
    publicKey: key.toPublic().armor(),
    // OpenPGP.js writes the cleartext with CRLF; a verifier hashes lines the same either way, and apt reads LF.
    clearsign: async (text) =>
      (
        await openpgp.sign({
          message: await openpgp.createCleartextMessage({ text: text.replace(/\r?\n$/, "") }),
          signingKeys,
          format: "armored",
        })
      ).replace(/\r\n/g, "\n"),
    detachSign: async (data) => {
      const message = await openpgp.createMessage({ binary: data });
      // The message's type parameter names web streams, which Node's types leave unresolved: the result is a string.
      return (await openpgp.sign({ message, signingKeys, detached: true, format: "armored" })) as string;
    },
    rsa: signingKey.getAlgorithmInfo().algorithm.startsWith("rsa"),
    signPacket: async (data, date) => {
      const message = await openpgp.createMessage({ binary: data });
      for (const time of [date.getTime(), ...selfSigned.filter((t) => t > date.getTime())]) {
        const at = new Date(time);
        if (!(await key.getSigningKey(undefined, at).then(Boolean, () => false))) continue;
        return openpgp.sign({
          message,
          signingKeys,
          detached: true,
          format: "binary",
          date: at,
          config: { nonDeterministicSignaturesViaNotation: false },
        }) as Promise<Uint8Array>;
      }
      throw invalid(`The OpenPGP key in ${gpgKeySecret} cannot sign at ${date.toISOString()} or later.`);
    },
  };
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The text of a clearsigned message when its signature is good and made by this public key; undefined otherwise. */
export async function verifyClearsigned(signed: string, publicKey: string): Promise<string | undefined> {
  try {
    const message = await openpgp.readCleartextMessage({ cleartextMessage: signed });
    const verificationKeys = await openpgp.readKey({ armoredKey: publicKey });
    const { signatures, data } = await openpgp.verify({ message, verificationKeys });
    await signatures[0]?.verified;
    return signatures.length ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a detached signature (armored, or a binary packet) of the data is good and made by this public key. */
export async function verifyDetached(data: Uint8Array, signature: string | Uint8Array, publicKey: string): Promise<boolean> {
  try {
    const read =
      typeof signature === "string"
        ? await openpgp.readSignature({ armoredSignature: signature })
        : await openpgp.readSignature({ binarySignature: signature });
    const verificationKeys = await openpgp.readKey({ armoredKey: publicKey });
    const { signatures } = await openpgp.verify({
      message: await openpgp.createMessage({ binary: data }),
      signature: read,
      verificationKeys,
    });
    await signatures[0]?.verified;
    return signatures.length > 0;
  } catch {
    return false;
  }
}
