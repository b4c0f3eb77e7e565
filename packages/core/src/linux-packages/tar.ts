import { Header } from "tar";

/** One entry of a package's tar: a directory (no data) or a regular file. */
export interface TarEntry {
  /** e.g. `./usr/bin/hello` or `./usr/share/doc/hello/`. */
  path: string;
  mode: number;
  data?: Buffer;
  /** PAX records written before the entry (Alpine keeps file checksums there). */
  pax?: Record<string, string>;
}

const block = 512;
const pad = (length: number) => Buffer.alloc((block - (length % block)) % block);

/**
 * A tar of exactly these entries in this order, owned by root, with one mtime: the same input
 * always gives the same bytes. `end` adds the two zero blocks that close an archive (Alpine's
 * signature and control parts leave them out, so the parts concatenate).
 */
export function tarBytes(entries: TarEntry[], mtime: Date, { end = true } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.pax) {
      const body = Buffer.from(
        Object.entries(entry.pax)
          .map(([key, value]) => paxRecord(key, value))
          .join(""),
      );
      parts.push(header({ path: "PaxHeader", mode: 0o644, size: body.length, mtime, type: "ExtendedHeader" }), body, pad(body.length));
    }
    const size = entry.data?.length ?? 0;
    const type = entry.data ? "File" : "Directory";
    parts.push(header({ path: entry.path, mode: entry.mode, size, mtime, type }));
    if (entry.data) parts.push(entry.data, pad(size));
  }
  if (end) parts.push(Buffer.alloc(2 * block));
  return Buffer.concat(parts);
}

function header(fields: { path: string; mode: number; size: number; mtime: Date; type: "File" | "Directory" | "ExtendedHeader" }): Buffer {
  const h = new Header({ ...fields, uid: 0, gid: 0, uname: "root", gname: "root" });
  h.encode();
  if (h.needPax) throw new Error(`${fields.path}: path too long for a package tar`);
  return h.block!;
}

/** A PAX record: "<length> <key>=<value>\n", the length counting itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(rest) + 1;
  while (String(length).length + Buffer.byteLength(rest) !== length) length++;
  return `${length}${rest}`;
}

/** An `ar` archive (the .deb container): global header, then each member with a 60-byte header, 2-byte aligned. */
export function arBytes(members: Array<{ name: string; data: Buffer }>, mtime: Date): Buffer {
  const parts: Buffer[] = [Buffer.from("!<arch>\n")];
  const seconds = Math.floor(mtime.getTime() / 1000);
  for (const { name, data } of members) {
    const fields = [
      name.padEnd(16),
      String(seconds).padEnd(12),
      "0".padEnd(6),
      "0".padEnd(6),
      "100644".padEnd(8),
      String(data.length).padEnd(10),
      "`\n",
    ];
    parts.push(Buffer.from(fields.join(""), "latin1"), data);
    if (data.length % 2) parts.push(Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}
