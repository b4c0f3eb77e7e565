import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { GpgSigner } from "../gpg.ts";
import { parentDirs, type PackageSpec } from "./spec.ts";

// RPM's header tag types and the tags written here (lib/rpmtag.h).
const INT16 = 3;
const INT32 = 4;
const STRING = 6;
const BIN = 7;
const STRING_ARRAY = 8;
const I18NSTRING = 9;
const sense = { any: 0, less: 2, equal: 8, rpmlib: 1 << 24 };
const fileFlags = { doc: 1 << 1, license: 1 << 7 };
const sha256Algo = 8;

interface Entry {
  type: number;
  count: number;
  data: Buffer;
}

const int32 = (values: number[]): Entry => {
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeInt32BE(v, i * 4));
  return { type: INT32, count: values.length, data };
};
const int16 = (values: number[]): Entry => {
  const data = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => data.writeUInt16BE(v, i * 2));
  return { type: INT16, count: values.length, data };
};
const string = (value: string): Entry => ({ type: STRING, count: 1, data: Buffer.from(`${value}\0`) });
const strings = (values: string[], type = STRING_ARRAY): Entry => ({
  type,
  count: values.length,
  data: Buffer.from(values.map((v) => `${v}\0`).join("")),
});
const i18n = (value: string) => strings([value], I18NSTRING);
const alignment: Record<number, number> = { [INT16]: 2, [INT32]: 4 };

/**
 * A header structure: magic, index, data store. The first entry is the region tag (62 for the
 * signature, 63 for the main header) whose trailer, at the end of the store, spans every entry:
 * rpm refuses headers without one.
 */
function headerBytes(entries: Map<number, Entry>, region: 62 | 63): Buffer {
  const tags = [...entries.keys()].sort((a, b) => a - b);
  const count = tags.length + 1;
  const index: Buffer[] = [];
  const store: Buffer[] = [];
  let size = 0;
  for (const tag of tags) {
    const entry = entries.get(tag)!;
    const align = alignment[entry.type] ?? 1;
    if (size % align) {
      const padding = Buffer.alloc(align - (size % align));
      store.push(padding);
      size += padding.length;
    }
    index.push(indexEntry(tag, entry.type, size, entry.count));
    store.push(entry.data);
    size += entry.data.length;
  }
  store.push(indexEntry(region, BIN, -count * 16, 16));
  const intro = Buffer.alloc(16);
  Buffer.from([0x8e, 0xad, 0xe8, 0x01]).copy(intro);
  intro.writeUInt32BE(count, 8);
  intro.writeUInt32BE(size + 16, 12);
  return Buffer.concat([intro, indexEntry(region, BIN, size, 16), ...index, ...store]);
}

function indexEntry(tag: number, type: number, offset: number, count: number): Buffer {
  const entry = Buffer.alloc(16);
  entry.writeUInt32BE(tag, 0);
  entry.writeUInt32BE(type, 4);
  entry.writeInt32BE(offset, 8);
  entry.writeUInt32BE(count, 12);
  return entry;
}

/** A cpio archive in the "newc" format, the payload rpm expects. */
function cpioBytes(entries: Array<{ path: string; mode: number; ino: number; mtime: number; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const pad4 = (length: number) => Buffer.alloc((4 - (length % 4)) % 4);
  const push = (name: string, fields: number[], data: Buffer) => {
    const head = `070701${fields.map((f) => f.toString(16).padStart(8, "0")).join("")}${(name.length + 1).toString(16).padStart(8, "0")}00000000`;
    const headAndName = Buffer.from(`${head}${name}\0`, "latin1");
    parts.push(headAndName, pad4(headAndName.length), data, pad4(data.length));
  };
  for (const e of entries) {
    push(e.path, [e.ino, e.mode, 0, 0, e.data.length ? 1 : 2, e.mtime, e.data.length, 0, 0, 0, 0], e.data);
  }
  push("TRAILER!!!", [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], Buffer.alloc(0));
  return Buffer.concat(parts);
}

/** The release part of the RPM version (Release:), fixed: a new package of the same version is a new ferry release. */
export const rpmRelease = "1";

/**
 * A binary .rpm (format v4, as rpm 4.x writes it): lead, signature header (sizes, SHA-256 and MD5
 * digests), the main header (metadata, file list with SHA-256 file digests, payload digest) and a
 * gzip-compressed cpio payload. The package owns its files and its own doc and licence directories.
 * With a signer, the signature header also holds an OpenPGP signature of the main header (what
 * `rpmsign --addsign` adds: RSA keys under RPMSIGTAG_RSA, others under RPMSIGTAG_DSA), dated
 * like the package's files.
 */
export async function rpmBytes(spec: PackageSpec, signer?: GpgSigner): Promise<Buffer> {
  const mtime = Math.floor(spec.mtime.getTime() / 1000);
  const owned = parentDirs(spec.files).filter((dir) => dir.endsWith(`/${spec.name}`));
  const files = [
    ...owned.map((path) => ({ path, mode: 0o40755, data: Buffer.alloc(0), flags: 0 })),
    ...spec.files.map((f) => ({
      path: f.path,
      mode: 0o100000 | f.mode,
      data: f.data,
      flags: f.role === "doc" ? fileFlags.doc : f.role === "license" ? fileFlags.license : 0,
    })),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
  const dirnames = [...new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf("/") + 1)))].sort();

  const cpio = cpioBytes(files.map((f, i) => ({ path: `.${f.path}`, mode: f.mode, ino: i + 1, mtime, data: f.data })));
  const payload = gzipSync(cpio, { level: 9 });
  const evr = `${spec.version}-${rpmRelease}`;
  const rpmlib = [
    ["rpmlib(CompressedFileNames)", "3.0.4-1"],
    ["rpmlib(FileDigests)", "4.6.0-1"],
    ["rpmlib(PayloadFilesHavePrefix)", "4.0-1"],
  ];
  const requires = [...spec.depends.map((d) => [d, ""]), ...rpmlib];
  const rpmlibFlags = sense.rpmlib | sense.less | sense.equal;
  const main = new Map<number, Entry>([
    [100, strings(["C"])],
    [1000, string(spec.name)],
    [1001, string(spec.version)],
    [1002, string(rpmRelease)],
    [1004, i18n(spec.summary)],
    [1005, i18n(spec.description)],
    [1006, int32([mtime])],
    [1007, string("localhost")],
    [1009, int32([files.reduce((sum, f) => sum + f.data.length, 0)])],
    [1014, string(spec.license)],
    [1015, string(spec.maintainer)],
    [1016, i18n("Applications/System")],
    [1020, string(spec.homepage)],
    [1021, string("linux")],
    [1022, string(spec.arch)],
    [1028, int32(files.map((f) => f.data.length))],
    [1030, int16(files.map((f) => f.mode))],
    [1033, int16(files.map(() => 0))],
    [1034, int32(files.map(() => mtime))],
    [1035, strings(files.map((f) => (f.mode & 0o40000 ? "" : createHash("sha256").update(f.data).digest("hex"))))],
    [1036, strings(files.map(() => ""))],
    [1037, int32(files.map((f) => f.flags))],
    [1039, strings(files.map(() => "root"))],
    [1040, strings(files.map(() => "root"))],
    [1044, string(`${spec.name}-${evr}.src.rpm`)],
    [1047, strings([spec.name])],
    [1048, int32(requires.map(([, version]) => (version ? rpmlibFlags : sense.any)))],
    [1049, strings(requires.map(([name]) => name!))],
    [1050, strings(requires.map(([, version]) => version!))],
    [1080, int32([mtime])],
    [1081, strings([`${spec.maintainer} - ${evr}`])],
    [1082, strings([`- Release ${spec.version}`])],
    [1095, int32(files.map(() => 1))],
    [1096, int32(files.map((_, i) => i + 1))],
    [1097, strings(files.map(() => ""))],
    [1112, int32([sense.equal])],
    [1113, strings([evr])],
    [1116, int32(files.map((f) => dirnames.indexOf(f.path.slice(0, f.path.lastIndexOf("/") + 1))))],
    [1117, strings(files.map((f) => f.path.slice(f.path.lastIndexOf("/") + 1)))],
    [1118, strings(dirnames)],
    [1124, string("cpio")],
    [1125, string("gzip")],
    [1126, string("9")],
    [5011, int32([sha256Algo])],
    [5092, strings([createHash("sha256").update(payload).digest("hex")])],
    [5093, int32([sha256Algo])],
  ]);
  if (spec.conflicts.length) {
    main.set(1053, int32(spec.conflicts.map(() => sense.any)));
    main.set(1054, strings(spec.conflicts));
    main.set(1055, strings(spec.conflicts.map(() => "")));
  }
  const header = headerBytes(main, 63);
  const signatures = new Map<number, Entry>([
    [269, string(createHash("sha1").update(header).digest("hex"))],
    [273, string(createHash("sha256").update(header).digest("hex"))],
    [1000, int32([header.length + payload.length])],
    [1004, { type: BIN, count: 16, data: createHash("md5").update(header).update(payload).digest() }],
    [1007, int32([cpio.length])],
  ]);
  if (signer) {
    const packet = Buffer.from(await signer.signPacket(header, spec.mtime));
    signatures.set(signer.rsa ? 268 : 267, { type: BIN, count: packet.length, data: packet });
  }
  const signature = headerBytes(signatures, 62);
  const lead = Buffer.alloc(96);
  Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0]).copy(lead);
  lead.write(`${spec.name}-${evr}`.slice(0, 65), 10, "latin1");
  lead.writeUInt16BE(1, 76); // os: Linux
  lead.writeUInt16BE(5, 78); // signature type: a header structure
  return Buffer.concat([lead, signature, Buffer.alloc((8 - (signature.length % 8)) % 8), header, payload]);
}
