import { createHmac } from "node:crypto";
import { addSecret, FerryError } from "@ferry/core";

/**
 * Turns the value of SNAPCRAFT_STORE_CREDENTIALS (what `snapcraft export-login` prints: base64 of
 * JSON) into the Authorization header the store accepts.
 *  - `{"t":"u1-macaroon","v":{"r":root,"d":discharge}}` (Ubuntu One): `Macaroon root=<r>, discharge=<d bound to r>`
 *  - `{"t":"macaroon","v":macaroon}` (Candid): `Macaroons <v>`
 * Each macaroon in it, and the bound discharge it derives, is remembered as a secret: a store that
 * echoes the header cannot make ferry print any of them.
 */
export function authorizationHeader(credentials: string, registry: string): string {
  const parsed = decode(credentials);
  const pair = parsed?.t === "u1-macaroon" ? parsed.v : parsed;
  if (isRootAndDischarge(pair)) {
    const bound = bindDischarge(pair.r, pair.d, registry);
    for (const macaroon of [pair.r, pair.d, bound]) addSecret(macaroon);
    return `Macaroon root=${pair.r}, discharge=${bound}`;
  }
  if (parsed?.t === "macaroon" && typeof parsed.v === "string") {
    addSecret(parsed.v);
    return `Macaroons ${parsed.v}`;
  }
  throw unreadable(registry, "It is neither Ubuntu One (u1-macaroon) nor Candid (macaroon) credentials.");
}

type Decoded = { t?: unknown; v?: unknown; r?: unknown; d?: unknown } | undefined;

function decode(credentials: string): Decoded {
  for (const text of [Buffer.from(credentials.trim(), "base64").toString("utf8"), credentials]) {
    try {
      const value = JSON.parse(text) as unknown;
      if (value && typeof value === "object") return value;
    } catch {
      // not this encoding; try the next
    }
  }
  return undefined;
}

const isRootAndDischarge = (value: unknown): value is { r: string; d: string } =>
  typeof (value as { r?: unknown })?.r === "string" && typeof (value as { d?: unknown })?.d === "string";

function unreadable(registry: string, why: string): FerryError {
  return new FerryError("SecretMissing", {
    registry,
    what: "SNAPCRAFT_STORE_CREDENTIALS cannot be read.",
    why,
    fix: "Set it to the output of `snapcraft export-login --snaps=<name> --acls package_access,package_push,package_update,package_release -`.",
  });
}

interface Packet {
  key: string;
  value: Buffer;
}

/** Macaroon v1 binary: packets of 4 hex digits (the packet's whole length), `key value`, newline. */
function parseV1(data: Buffer): Packet[] {
  const packets: Packet[] = [];
  for (let at = 0; at < data.length;) {
    const size = Number.parseInt(data.subarray(at, at + 4).toString("ascii"), 16);
    if (!Number.isInteger(size) || size < 6 || at + size > data.length) throw new Error("bad packet");
    const body = data.subarray(at + 4, at + size - 1);
    const space = body.indexOf(0x20);
    if (space < 0) throw new Error("bad packet");
    packets.push({ key: body.subarray(0, space).toString("ascii"), value: body.subarray(space + 1) });
    at += size;
  }
  return packets;
}

function serializeV1(packets: Packet[]): Buffer {
  return Buffer.concat(
    packets.map(({ key, value }) => {
      const body = Buffer.concat([Buffer.from(`${key} `, "ascii"), value, Buffer.from("\n")]);
      return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0"), "ascii"), body]);
    }),
  );
}

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();

/**
 * A discharge macaroon is only accepted bound to the root it discharges: its signature becomes
 * HMAC(0³², HMAC(0³², root signature) ‖ HMAC(0³², discharge signature)), as libmacaroons and
 * pymacaroons' prepare_for_request do. Both macaroons are in the v1 serialization snapcraft stores.
 */
function bindDischarge(root: string, discharge: string, registry: string): string {
  try {
    const rootSignature = signature(parseV1(Buffer.from(root, "base64")));
    const packets = parseV1(Buffer.from(discharge, "base64"));
    const key = Buffer.alloc(32);
    const bound = hmac(key, Buffer.concat([hmac(key, rootSignature), hmac(key, signature(packets))]));
    const rebuilt = packets.map((p) => (p.key === "signature" ? { key: p.key, value: bound } : p));
    return serializeV1(rebuilt).toString("base64url");
  } catch {
    throw unreadable(registry, "Its root or discharge macaroon is not a v1 serialized macaroon.");
  }
}

function signature(packets: Packet[]): Buffer {
  const found = packets.find((p) => p.key === "signature");
  if (!found || found.value.length !== 32) throw new Error("no signature");
  return found.value;
}
