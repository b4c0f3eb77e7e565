/**
 * Reads a binary .rpm's headers (format v4: a 96-byte lead, the signature header padded to 8
 * bytes, then the main header), as rpm's lib/header.c lays them out: a magic, an index of
 * (tag, type, offset, count) entries and a data store.
 */
import { FerryError } from "@ferry/core";

export type TagValue = string | string[] | number[] | Buffer;

export interface RpmHeaders {
  /** The signature header's tags. */
  signature: Map<number, TagValue>;
  /** The main header's tags. */
  main: Map<number, TagValue>;
  /** The main header's bytes: what its OpenPGP signature signs. */
  header: Buffer;
  /** Byte offsets of the main header in the file (createrepo's header-range). */
  start: number;
  end: number;
}

const magic = Buffer.from([0x8e, 0xad, 0xe8, 0x01]);

export const unreadableRpm = (filename: string, why: string) =>
  new FerryError("PublishedContentDiffers", {
    what: `${filename} in the RPM repository cannot be read as an .rpm.`,
    why,
    fix: "Remove it from the repository's Packages/ directory (or replace it with a binary .rpm of format v4), then run ferry again.",
  });

/** The tags of one header structure at `at`, and where it ends. */
function readHeader(filename: string, rpm: Buffer, at: number): { tags: Map<number, TagValue>; end: number } {
  if (rpm.length < at + 16 || !rpm.subarray(at, at + 4).equals(magic)) throw unreadableRpm(filename, `no header at byte ${at}`);
  const count = rpm.readUInt32BE(at + 8);
  const size = rpm.readUInt32BE(at + 12);
  const store = at + 16 + count * 16;
  const end = store + size;
  if (end > rpm.length) throw unreadableRpm(filename, "a header runs past the end of the file");
  const tags = new Map<number, TagValue>();
  for (let i = 0; i < count; i++) {
    const entry = at + 16 + i * 16;
    const tag = rpm.readUInt32BE(entry);
    const type = rpm.readUInt32BE(entry + 4);
    const offset = store + rpm.readInt32BE(entry + 8);
    const n = rpm.readUInt32BE(entry + 12);
    if (offset < store || offset > end) continue; // the region tag's trailer offset
    if (type === 3)
      tags.set(
        tag,
        Array.from({ length: n }, (_, k) => rpm.readUInt16BE(offset + k * 2)),
      );
    else if (type === 4)
      tags.set(
        tag,
        Array.from({ length: n }, (_, k) => rpm.readUInt32BE(offset + k * 4)),
      );
    else if (type === 7) tags.set(tag, rpm.subarray(offset, offset + n));
    else if (type === 6 || type === 8 || type === 9) {
      const values: string[] = [];
      let from = offset;
      for (let k = 0; k < (type === 6 ? 1 : n); k++) {
        const to = rpm.indexOf(0, from);
        if (to < 0 || to >= end) throw unreadableRpm(filename, `tag ${tag} has an unterminated string`);
        values.push(rpm.subarray(from, to).toString("utf8"));
        from = to + 1;
      }
      tags.set(tag, type === 8 ? values : values[0]!);
    }
  }
  return { tags, end };
}

/** The signature and main headers of an .rpm's bytes. */
export function readRpm(filename: string, rpm: Buffer): RpmHeaders {
  if (rpm.length < 96 || rpm.readUInt32BE(0) !== 0xedabeedb) throw unreadableRpm(filename, "it has no RPM lead");
  const signature = readHeader(filename, rpm, 96);
  const start = signature.end + ((8 - (signature.end % 8)) % 8);
  const main = readHeader(filename, rpm, start);
  return { signature: signature.tags, main: main.tags, header: rpm.subarray(start, main.end), start, end: main.end };
}

/** A string tag ("" when absent). */
export const text = (tags: Map<number, TagValue>, tag: number): string => {
  const value = tags.get(tag);
  return typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : "";
};
/** A string-array tag ([] when absent). */
export const texts = (tags: Map<number, TagValue>, tag: number): string[] => {
  const value = tags.get(tag);
  return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
};
/** An integer-array tag ([] when absent). */
export const numbers = (tags: Map<number, TagValue>, tag: number): number[] => {
  const value = tags.get(tag);
  return Array.isArray(value) && typeof value[0] === "number" ? (value as number[]) : [];
};
