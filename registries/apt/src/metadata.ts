/**
 * An APT repository's metadata, rebuilt from the .deb files its pool holds: each .deb's control
 * fields (read from its control.tar.gz, or taken from the old index when that lists the same bytes)
 * with Filename, Size and hashes make dists/<suite>/<component>/binary-<arch>/Packages(.gz); the
 * Release file names every index with its size and SHA256 (as `apt-ftparchive release` writes it).
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { FerryError } from "@ferry/core";

/** One Packages stanza: the control fields in their order, then where the file is and its hashes. */
export interface PoolEntry {
  /** Path from the repository root: pool/main/h/hello/hello_1.2.3_amd64.deb */
  filename: string;
  architecture: string;
  sha256: string;
  stanza: string;
}

/** The Packages entry of a .deb in the pool; `known` holds the old index's stanzas by Filename, reused when their SHA256 matches. */
export function poolEntry(filename: string, deb: Buffer, known: Map<string, string>): PoolEntry {
  const sha256 = hash("sha256", deb);
  const old = known.get(filename);
  const stanza =
    old && field(old, "SHA256") === sha256
      ? old
      : [
          controlOf(filename, deb).trimEnd(),
          `Filename: ${filename}`,
          `Size: ${deb.length}`,
          `MD5sum: ${hash("md5", deb)}`,
          `SHA1: ${hash("sha1", deb)}`,
          `SHA256: ${sha256}`,
        ].join("\n");
  const architecture = field(stanza, "Architecture");
  if (!architecture) throw unreadable(filename, "its control file has no Architecture");
  return { filename, architecture, sha256, stanza };
}

/** The stanzas of a Packages file, by Filename. */
export function parsePackages(text: string): Map<string, string> {
  const stanzas = new Map<string, string>();
  for (const stanza of text.split(/\n{2,}/)) {
    const filename = field(stanza, "Filename");
    if (filename) stanzas.set(filename, stanza.trim());
  }
  return stanzas;
}

/** A single-line field of a deb822 stanza. */
export function field(stanza: string, name: string): string | undefined {
  return new RegExp(`^${name}:[ \\t]*(.*)$`, "mi").exec(stanza)?.[1]?.trim();
}

/** The files under dists/<suite>/ for these pool entries: Packages and Packages.gz per architecture, and the Release text. */
export function renderIndexes(
  entries: PoolEntry[],
  release: { origin: string; label: string; suite: string; component: string; description: string; date: Date },
): { files: Map<string, Buffer>; release: string } {
  const files = new Map<string, Buffer>();
  const archs = [...new Set(entries.map((e) => e.architecture))].sort();
  for (const arch of archs) {
    const stanzas = entries
      .filter((e) => e.architecture === arch)
      .sort((a, b) => (a.filename < b.filename ? -1 : 1))
      .map((e) => `${e.stanza}\n`);
    const packages = Buffer.from(stanzas.join("\n"));
    const dir = `${release.component}/binary-${arch}`;
    files.set(`${dir}/Packages`, packages);
    // A fixed mtime and no name in the gzip header: equal indexes give equal bytes.
    files.set(`${dir}/Packages.gz`, gzipSync(packages, { level: 9 }));
  }
  const sums = [...files.entries()].map(([path, data]) => ` ${hash("sha256", data)} ${String(data.length).padStart(8)} ${path}`);
  const text = [
    `Origin: ${release.origin}`,
    `Label: ${release.label}`,
    `Suite: ${release.suite}`,
    `Codename: ${release.suite}`,
    `Date: ${release.date.toUTCString().replace("GMT", "UTC")}`,
    `Architectures: ${archs.join(" ")}`,
    `Components: ${release.component}`,
    `Description: ${release.description}`,
    "SHA256:",
    ...sums,
    "",
  ].join("\n");
  return { files, release: text };
}

/** The SHA256 lines of a Release file: path → sha256. */
export function releaseSums(release: string): Map<string, string> {
  const sums = new Map<string, string>();
  const block = /^SHA256:\n((?: .*\n?)*)/m.exec(release)?.[1] ?? "";
  for (const line of block.split("\n")) {
    const [sha256, , path] = line.trim().split(/\s+/);
    if (sha256 && path) sums.set(path, sha256);
  }
  return sums;
}

const hash = (algorithm: string, data: Uint8Array) => createHash(algorithm).update(data).digest("hex");
export const sha256 = (data: Uint8Array): string => hash("sha256", data);

const unreadable = (filename: string, why: string) =>
  new FerryError("PublishedContentDiffers", {
    what: `${filename} in the APT repository cannot be read as a .deb.`,
    why,
    fix: "Remove it from the repository's pool (or replace it with a .deb whose control.tar is gzip-compressed), then run ferry again.",
  });

/** The control file of a .deb: ar member control.tar(.gz), its ./control entry. */
function controlOf(filename: string, deb: Buffer): string {
  if (deb.subarray(0, 8).toString("latin1") !== "!<arch>\n") throw unreadable(filename, "it is not an ar archive");
  for (let at = 8; at + 60 <= deb.length;) {
    const name = deb
      .subarray(at, at + 16)
      .toString("latin1")
      .trim()
      .replace(/\/$/, "");
    const size = Number.parseInt(
      deb
        .subarray(at + 48, at + 58)
        .toString("latin1")
        .trim(),
      10,
    );
    const data = deb.subarray(at + 60, at + 60 + size);
    if (name === "control.tar.gz" || name === "control.tar") {
      const control = tarFile(name.endsWith(".gz") ? gunzipSync(data) : data, "control");
      if (control === undefined) throw unreadable(filename, `its ${name} has no control file`);
      return control;
    }
    if (name.startsWith("control.tar")) throw unreadable(filename, `its ${name} is compressed in a way ferry does not read`);
    at += 60 + size + (size % 2);
  }
  throw unreadable(filename, "it has no control.tar member");
}

/** A regular file of a tar archive, by its path without a leading "./". */
function tarFile(tar: Buffer, path: string): string | undefined {
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return undefined;
    const text = (from: number, to: number) => header.subarray(from, to).toString("utf8").replace(/\0.*$/s, "");
    const name = [text(345, 500), text(0, 100)].filter(Boolean).join("/");
    const size = Number.parseInt(text(124, 136).trim() || "0", 8);
    const type = text(156, 157);
    if ((type === "0" || type === "") && name.replace(/^\.\//, "") === path) {
      return tar.subarray(at + 512, at + 512 + size).toString("utf8");
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
