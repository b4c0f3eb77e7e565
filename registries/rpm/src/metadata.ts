/**
 * An RPM repository's metadata (repodata/), rebuilt from the .rpm files under Packages/, in
 * createrepo_c's format: primary.xml (what dnf resolves with: name, EVR, checksum, sizes, location,
 * provides/requires/conflicts/obsoletes and the files under bin/ and /etc/), filelists.xml (every
 * file), other.xml (changelogs), each gzipped under a name that starts with its sha256, and
 * repomd.xml naming each with its checksums and sizes.
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { numbers, readRpm, text, texts, unreadableRpm, type RpmHeaders } from "./header.ts";

/** One package of the repository, as its three metadata files describe it. */
export interface RepoPackage {
  /** Path from the repository root: Packages/hello-1.2.3-1.x86_64.rpm */
  href: string;
  sha256: string;
  buildTime: number;
  primary: object;
  filelists: object;
  other: object;
}

type Tags = RpmHeaders["main"];

// Header tags (lib/rpmtag.h).
const tag = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  summary: 1004,
  description: 1005,
  buildTime: 1006,
  buildHost: 1007,
  size: 1009,
  vendor: 1011,
  license: 1014,
  packager: 1015,
  group: 1016,
  url: 1020,
  arch: 1022,
  fileModes: 1030,
  fileFlags: 1037,
  sourceRpm: 1044,
  archiveSize: 1046,
  changelogTime: 1080,
  changelogName: 1081,
  changelogText: 1082,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
};
// Each dependency kind: its name, flags and version tags.
const relations = {
  provides: [1047, 1112, 1113],
  requires: [1049, 1048, 1050],
  conflicts: [1054, 1053, 1055],
  obsoletes: [1090, 1114, 1115],
} as const;
const sigPayloadSize = 1007;
const fileGhost = 1 << 6;
const comparisons: Record<number, string> = { 2: "LT", 4: "GT", 8: "EQ", 10: "LE", 12: "GE" };
const prereq = (1 << 6) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

/** epoch:version-release, split as rpm reads it. */
function evr(value: string): { "@epoch": string; "@ver": string; "@rel"?: string } {
  const [, epoch = "0", rest = value] = /^(?:(\d+):)?(.*)$/.exec(value) ?? [];
  const dash = rest.lastIndexOf("-");
  return dash < 0 ? { "@epoch": epoch, "@ver": rest } : { "@epoch": epoch, "@ver": rest.slice(0, dash), "@rel": rest.slice(dash + 1) };
}

/** One dependency list, as createrepo_c writes it (rpmlib() requirements left out). */
function entries(main: Tags, [nameTag, flagsTag, versionTag]: readonly [number, number, number], requires: boolean) {
  const names = texts(main, nameTag);
  const flags = numbers(main, flagsTag);
  const versions = texts(main, versionTag);
  const seen = new Set<string>();
  const list: object[] = [];
  names.forEach((name, i) => {
    if (requires && name.startsWith("rpmlib(")) return;
    const flag = flags[i] ?? 0;
    const version = versions[i] ?? "";
    const comparison = comparisons[flag & 0x0e];
    const entry = {
      "@name": name,
      ...(version && comparison ? { "@flags": comparison, ...evr(version) } : {}),
      ...(requires && flag & prereq ? { "@pre": "1" } : {}),
    };
    const key = JSON.stringify(entry);
    if (!seen.has(key)) list.push(entry);
    seen.add(key);
  });
  return list.length ? { "rpm:entry": list } : undefined;
}

/** Every file of the package: path, and "dir" or "ghost" when it is one. */
function files(main: Tags): Array<{ path: string; type?: "dir" | "ghost" }> {
  const dirs = texts(main, tag.dirNames);
  const indexes = numbers(main, tag.dirIndexes);
  const modes = numbers(main, tag.fileModes);
  const flags = numbers(main, tag.fileFlags);
  return texts(main, tag.baseNames).map((base, i) => {
    const path = `${dirs[indexes[i] ?? 0] ?? ""}${base}`;
    const type = ((modes[i] ?? 0) & 0o170000) === 0o040000 ? "dir" : (flags[i] ?? 0) & fileGhost ? "ghost" : undefined;
    return type ? { path, type } : { path };
  });
}

const fileNode = ({ path, type }: { path: string; type?: string | undefined }) => (type ? { "@type": type, "#text": path } : path);

/** createrepo_c's rule for the files primary.xml lists: /etc/, any bin/ directory, /usr/lib/sendmail. */
const inPrimary = (path: string) => path.startsWith("/etc/") || path.includes("bin/") || path === "/usr/lib/sendmail";

/** The metadata of an .rpm at `href`. The file time is the build time (a git checkout keeps no file times). */
export function repoPackage(href: string, rpm: Buffer): RepoPackage {
  const headers = readRpm(href, rpm);
  const { main } = headers;
  const name = text(main, tag.name);
  const arch = text(main, tag.arch);
  if (!name || !arch) throw unreadableRpm(href, "its header has no name or architecture");
  const sha256 = createHash("sha256").update(rpm).digest("hex");
  const epoch = numbers(main, tag.epoch)[0];
  const version = { "@epoch": String(epoch ?? 0), "@ver": text(main, tag.version), "@rel": text(main, tag.release) };
  const buildTime = numbers(main, tag.buildTime)[0] ?? 0;
  const all = files(main);
  const id = { "@pkgid": sha256, "@name": name, "@arch": arch };
  const changelogs = texts(main, tag.changelogName).map((author, i) => ({
    "@author": author,
    "@date": String(numbers(main, tag.changelogTime)[i] ?? 0),
    "#text": texts(main, tag.changelogText)[i] ?? "",
  }));
  return {
    href,
    sha256,
    buildTime,
    primary: {
      "@type": "rpm",
      name,
      arch,
      version,
      checksum: { "@type": "sha256", "@pkgid": "YES", "#text": sha256 },
      summary: text(main, tag.summary),
      description: text(main, tag.description),
      packager: text(main, tag.packager),
      url: text(main, tag.url),
      time: { "@file": String(buildTime), "@build": String(buildTime) },
      size: {
        "@package": String(rpm.length),
        "@installed": String(numbers(main, tag.size)[0] ?? 0),
        "@archive": String(numbers(headers.signature, sigPayloadSize)[0] ?? numbers(main, tag.archiveSize)[0] ?? 0),
      },
      location: { "@href": href },
      format: {
        "rpm:license": text(main, tag.license),
        "rpm:vendor": text(main, tag.vendor),
        "rpm:group": text(main, tag.group),
        "rpm:buildhost": text(main, tag.buildHost),
        "rpm:sourcerpm": text(main, tag.sourceRpm),
        "rpm:header-range": { "@start": String(headers.start), "@end": String(headers.end) },
        "rpm:provides": entries(main, relations.provides, false),
        "rpm:requires": entries(main, relations.requires, true),
        "rpm:conflicts": entries(main, relations.conflicts, false),
        "rpm:obsoletes": entries(main, relations.obsoletes, false),
        file: all.filter((f) => inPrimary(f.path)).map(fileNode),
      },
    },
    filelists: { ...id, version, file: all.map(fileNode) },
    other: { ...id, version, changelog: changelogs },
  };
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true,
});
const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
const namespace = "http://linux.duke.edu/metadata/";
export const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/**
 * The files of repodata/ for these packages: path (from the repository root) → bytes, repomd.xml
 * among them. Nothing depends on the clock: the same packages give the same bytes, and repomd's
 * revision and timestamps are the newest package's build time.
 */
export function renderRepodata(packages: RepoPackage[]): Map<string, Buffer> {
  const sorted = [...packages].sort((a, b) => (a.href < b.href ? -1 : 1));
  const count = String(sorted.length);
  const documents: Array<[string, object]> = [
    [
      "primary",
      {
        metadata: {
          "@xmlns": `${namespace}common`,
          "@xmlns:rpm": `${namespace}rpm`,
          "@packages": count,
          package: sorted.map((p) => p.primary),
        },
      },
    ],
    ["filelists", { filelists: { "@xmlns": `${namespace}filelists`, "@packages": count, package: sorted.map((p) => p.filelists) } }],
    ["other", { otherdata: { "@xmlns": `${namespace}other`, "@packages": count, package: sorted.map((p) => p.other) } }],
  ];
  const time = String(Math.max(0, ...sorted.map((p) => p.buildTime)));
  const files = new Map<string, Buffer>();
  const data = documents.map(([type, document]) => {
    const open = Buffer.from(declaration + builder.build(document));
    const gz = gzipSync(open, { level: 9 });
    const path = `repodata/${sha256(gz)}-${type}.xml.gz`;
    files.set(path, gz);
    return {
      "@type": type,
      checksum: { "@type": "sha256", "#text": sha256(gz) },
      "open-checksum": { "@type": "sha256", "#text": sha256(open) },
      location: { "@href": path },
      timestamp: time,
      size: String(gz.length),
      "open-size": String(open.length),
    };
  });
  const repomd = { repomd: { "@xmlns": `${namespace}repo`, "@xmlns:rpm": `${namespace}rpm`, revision: time, data } };
  files.set("repodata/repomd.xml", Buffer.from(declaration + builder.build(repomd)));
  return files;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === "data" || name === "package",
});

interface RepomdData {
  "@type": string;
  checksum: { "#text": string };
  "open-checksum"?: { "#text": string };
  location: { "@href": string };
}

/** The metadata files repomd.xml names: type → location, sha256 of the file and of its uncompressed content. */
export function parseRepomd(xml: string): Map<string, { href: string; sha256: string; openSha256?: string | undefined }> {
  const data = (parser.parse(xml) as { repomd?: { data?: RepomdData[] } }).repomd?.data ?? [];
  return new Map(
    data.map((d) => [d["@type"], { href: d.location["@href"], sha256: d.checksum["#text"], openSha256: d["open-checksum"]?.["#text"] }]),
  );
}

/** The packages primary.xml(.gz) lists: location → sha256. */
export function parsePrimary(gz: Buffer): Map<string, string> {
  const document = parser.parse(gunzipSync(gz).toString("utf8")) as {
    metadata?: { package?: Array<{ location: { "@href": string }; checksum: { "#text": string } }> };
  };
  return new Map((document.metadata?.package ?? []).map((p) => [p.location["@href"], p.checksum["#text"]]));
}
