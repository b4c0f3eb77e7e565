/**
 * minisign signatures (https://jedisct1.github.io/minisign/), made with Node's Ed25519 and
 * BLAKE2b: the prehashed format (`ED`) that `minisign -S` writes and `minisign -V` checks. The
 * secret key is minisign's own key file, as `minisign -G` writes it, unencrypted (-W) or with a
 * password (scrypt, as libsodium derives it).
 */
import { createHash, createPrivateKey, createPublicKey, scrypt, sign, type ScryptOptions } from "node:crypto";
import { promisify } from "node:util";
import { FerryError } from "./errors.ts";

export interface MinisignKey {
  /** The key id, 8 bytes, as minisign stores it (little-endian). */
  keyId: Buffer;
  /** The Ed25519 seed (the first half of libsodium's 64-byte secret key). */
  seed: Buffer;
}

const invalid = (why: string, fix = "Set FERRY_MINISIGN_KEY to the contents of the secret key file `minisign -G` wrote.") =>
  new FerryError("SecretMissing", { what: "FERRY_MINISIGN_KEY is not a minisign secret key.", why, fix });

/** Reads a minisign secret key file (its comment line is optional), decrypting it with the password when it has one. */
export async function readMinisignKey(text: string, password: string | undefined): Promise<MinisignKey> {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith("untrusted comment:"));
  const bytes = Buffer.from(line ?? "", "base64");
  if (bytes.length !== 158 || bytes.subarray(0, 2).toString("latin1") !== "Ed")
    throw invalid("It does not decode to an Ed25519 key file of 158 bytes.");
  const kdf = bytes.subarray(2, 4).toString("latin1");
  let secret = bytes.subarray(54, 158);
  if (kdf === "Sc") {
    if (!password) {
      throw new FerryError("SecretMissing", {
        what: "The minisign secret key is encrypted, and FERRY_MINISIGN_PASSWORD is not set.",
        fix: "Set FERRY_MINISIGN_PASSWORD to the key's password (or make a key without one: `minisign -G -W`).",
      });
    }
    const stream = await derive(
      password.normalize("NFKC"),
      bytes.subarray(6, 38),
      secret.length,
      scryptParameters(bytes.readBigUInt64LE(38), bytes.readBigUInt64LE(46)),
    );
    secret = Buffer.from(secret.map((b, i) => b ^ stream[i]!));
  } else if (kdf !== "\0\0") {
    throw invalid(`Its key derivation "${kdf}" is not one minisign writes.`);
  }
  const keyId = secret.subarray(0, 8);
  const seed = secret.subarray(8, 40);
  // libsodium's secret key is the seed and the public key: a wrong password gives a pair that does not match.
  if (!publicKeyOf(seed).equals(secret.subarray(40, 72))) {
    throw new FerryError("SecretMissing", {
      what: "The minisign secret key does not decrypt with FERRY_MINISIGN_PASSWORD.",
      fix: "Set FERRY_MINISIGN_PASSWORD to the password the key was made with.",
    });
  }
  return { keyId: Buffer.from(keyId), seed: Buffer.from(seed) };
}

const derive = promisify<string, Buffer, number, ScryptOptions, Buffer>(scrypt);

/** libsodium's crypto_pwhash_scryptsalsa208sha256 parameters for an opslimit and memlimit (pickparams). */
function scryptParameters(opslimit: bigint, memlimit: bigint) {
  const ops = opslimit < 32768n ? 32768n : opslimit;
  const r = 8n;
  let log2 = 1n;
  let p: bigint;
  if (ops < memlimit / 32n) {
    p = 1n;
    const maxN = ops / (r * 4n);
    while (log2 < 63n && 1n << log2 <= maxN / 2n) log2++;
  } else {
    const maxN = memlimit / (r * 128n);
    while (log2 < 63n && 1n << log2 <= maxN / 2n) log2++;
    let maxrp = ops / 4n / (1n << log2);
    if (maxrp > 0x3fffffffn) maxrp = 0x3fffffffn;
    p = maxrp / r;
  }
  const N = Number(1n << log2);
  return { N, r: Number(r), p: Number(p), maxmem: 128 * N * Number(r) * Number(p) + 64 * 1024 * 1024 };
}

/** An Ed25519 private key from its seed (PKCS#8, RFC 8410). */
const privateKeyOf = (seed: Buffer) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });

/** The raw 32-byte public key: the last 32 bytes of its SPKI. */
const publicKeyOf = (seed: Buffer) => createPublicKey(privateKeyOf(seed)).export({ format: "der", type: "spki" }).subarray(-32);

/** A `.minisig` of `data`: its BLAKE2b-512 signed, and the trusted comment signed with that signature. */
export function minisign(key: MinisignKey, data: Buffer, trustedComment: string): string {
  const privateKey = privateKeyOf(key.seed);
  const signature = sign(null, createHash("blake2b512").update(data).digest(), privateKey);
  const global = sign(null, Buffer.concat([signature, Buffer.from(trustedComment)]), privateKey);
  return [
    `untrusted comment: signature from minisign secret key`,
    Buffer.concat([Buffer.from("ED"), key.keyId, signature]).toString("base64"),
    `trusted comment: ${trustedComment}`,
    global.toString("base64"),
    "",
  ].join("\n");
}
