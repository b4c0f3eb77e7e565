import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { parentDirs, type PackageSpec } from "./spec.ts";
import { arBytes, tarBytes, type TarEntry } from "./tar.ts";

/** The fields of DEBIAN/control, in dpkg's order. */
function debControl(spec: PackageSpec): string {
  const installedKiB = spec.files.reduce((sum, f) => sum + Math.ceil(f.data.length / 1024), 0) + parentDirs(spec.files).length;
  const fields: Array<[string, string | undefined]> = [
    ["Package", spec.name],
    ["Version", spec.version],
    ["Architecture", spec.arch],
    ["Maintainer", spec.maintainer],
    ["Installed-Size", String(installedKiB)],
    ["Depends", spec.depends.join(", ") || undefined],
    ["Conflicts", spec.conflicts.join(", ") || undefined],
    ["Section", "utils"],
    ["Priority", "optional"],
    ["Homepage", spec.homepage],
    ["Description", `${spec.summary}\n${spec.description.replace(/^/gm, " ").replace(/^ $/gm, " .")}`],
  ];
  return fields
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${value}\n`)
    .join("");
}

/**
 * A .deb: an ar archive of debian-binary, control.tar.gz (control, md5sums) and data.tar.gz, every
 * member owned by root with Debian policy modes (directories 0755, files 0644, the binary 0755).
 */
export function debBytes(spec: PackageSpec): Buffer {
  const md5sums = spec.files.map((f) => `${createHash("md5").update(f.data).digest("hex")}  ${f.path.slice(1)}\n`).join("");
  const control = tarBytes(
    [
      { path: "./", mode: 0o755 },
      { path: "./control", mode: 0o644, data: Buffer.from(debControl(spec)) },
      { path: "./md5sums", mode: 0o644, data: Buffer.from(md5sums) },
    ],
    spec.mtime,
  );
  const entries: TarEntry[] = [
    { path: "./", mode: 0o755 },
    ...parentDirs(spec.files).map((dir) => ({ path: `.${dir}/`, mode: 0o755 })),
    ...spec.files.map((f) => ({ path: `.${f.path}`, mode: f.mode, data: f.data })),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
  const data = tarBytes(entries, spec.mtime);
  return arBytes(
    [
      { name: "debian-binary", data: Buffer.from("2.0\n") },
      { name: "control.tar.gz", data: gzipSync(control, { level: 9 }) },
      { name: "data.tar.gz", data: gzipSync(data, { level: 9 }) },
    ],
    spec.mtime,
  );
}
