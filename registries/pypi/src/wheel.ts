import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { targetName, type Artifact, type TargetName } from "@ferry/core";
import yazl from "yazl";

/** A platform key as ferry.yaml spells it: the target with `_` for `/`, e.g. `linux_amd64-musl`. */
export type Platform = TargetName extends `${infer Os}/${infer Arch}` ? `${Os}_${Arch}` : never;

export const platformOf = (artifact: Pick<Artifact, "os" | "arch" | "libc">): Platform =>
  targetName(artifact).replace("/", "_") as Platform;

/**
 * Wheel platform tags per target. Go binaries are static, so the oldest manylinux that pip on
 * any current distribution accepts is honest; the legacy alias lets old pips install it too.
 * PyPI takes no FreeBSD wheels, so FreeBSD targets have no tag and get no wheel.
 */
export const defaultPlatformTags: Partial<Record<Platform, string>> = {
  linux_386: "manylinux_2_17_i686.manylinux2014_i686",
  linux_amd64: "manylinux_2_17_x86_64.manylinux2014_x86_64",
  linux_arm64: "manylinux_2_17_aarch64.manylinux2014_aarch64",
  linux_armv7: "manylinux_2_17_armv7l.manylinux2014_armv7l",
  linux_ppc64le: "manylinux_2_17_ppc64le.manylinux2014_ppc64le",
  linux_riscv64: "manylinux_2_31_riscv64",
  linux_s390x: "manylinux_2_17_s390x.manylinux2014_s390x",
  "linux_386-musl": "musllinux_1_2_i686",
  "linux_amd64-musl": "musllinux_1_2_x86_64",
  "linux_arm64-musl": "musllinux_1_2_aarch64",
  "linux_armv7-musl": "musllinux_1_2_armv7l",
  "linux_ppc64le-musl": "musllinux_1_2_ppc64le",
  "linux_riscv64-musl": "musllinux_1_2_riscv64",
  "linux_s390x-musl": "musllinux_1_2_s390x",
  darwin_amd64: "macosx_10_12_x86_64",
  darwin_arm64: "macosx_11_0_arm64",
  darwin_universal: "macosx_10_12_universal2",
  windows_386: "win32",
  windows_amd64: "win_amd64",
  windows_arm64: "win_arm64",
};

/** PEP 503 normalization: the project's name in URLs and lookups. */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");

/** The name as a wheel filename component (PEP 427): runs of `-_.` become one `_`. */
export const escapeName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "_");

export interface WheelMetadata {
  /** The distribution name as displayed. */
  name: string;
  /** PEP 440, normalized. */
  version: string;
  summary: string;
  description: string;
  homepage: string;
  license: string;
  /** `Name <email>` or a bare name. */
  author: string;
  /** Label → URL, e.g. Source → the repository. */
  projectUrls: Record<string, string>;
}

export interface WheelInput {
  metadata: WheelMetadata;
  /** The wheel platform tag, possibly compressed (`a.b`). */
  platformTag: string;
  /** The binary's file name inside the wheel's scripts directory, e.g. `hello` or `hello.exe`. */
  binaryName: string;
  binary: Buffer;
}

export interface Wheel {
  filename: string;
  bytes: Buffer;
  sha256: string;
}

/** A fixed timestamp for every entry: the same binary always gives the same wheel. */
const epoch = new Date("2000-01-01T00:00:00Z");

export const wheelFilename = (metadata: Pick<WheelMetadata, "name" | "version">, platformTag: string): string =>
  `${escapeName(metadata.name)}-${metadata.version}-py3-none-${platformTag}.whl`;

/** Core metadata 2.1: the newest version every twine and pip in use reads. */
export function renderMetadata(m: WheelMetadata): string {
  const fields: Array<[string, string]> = [
    ["Metadata-Version", "2.1"],
    ["Name", m.name],
    ["Version", m.version],
    ["Summary", m.summary],
    ["Home-page", m.homepage],
    [m.author.includes("@") ? "Author-email" : "Author", m.author],
    ["License", m.license],
    ...Object.entries(m.projectUrls).map(([label, url]): [string, string] => ["Project-URL", `${label}, ${url}`]),
    ["Description-Content-Type", "text/plain"],
  ];
  const header = fields.filter(([, value]) => value !== "").map(([key, value]) => `${key}: ${value.replace(/\s*\n\s*/g, " ")}`);
  return `${header.join("\n")}\n\n${m.description}\n`;
}

/** The WHEEL file: not purelib (it carries a native binary), one Tag line per expanded tag. */
export function renderWheelFile(platformTag: string): string {
  const tags = platformTag.split(".").map((platform) => `Tag: py3-none-${platform}`);
  return ["Wheel-Version: 1.0", "Generator: ferry", "Root-Is-Purelib: false", ...tags].join("\n") + "\n";
}

/** RECORD's digest form: urlsafe base64 without padding. */
const recordHash = (bytes: Buffer) => `sha256=${createHash("sha256").update(bytes).digest("base64url")}`;

export function renderRecord(files: Array<{ path: string; bytes: Buffer }>, recordPath: string): string {
  const lines = files.map(({ path, bytes }) => `${path},${recordHash(bytes)},${bytes.length}`);
  return [...lines, `${recordPath},,`].join("\n") + "\n";
}

/**
 * A binary wheel: the executable goes to `<name>-<ver>.data/scripts/`, which pip installs into
 * the environment's bin/ (Scripts\ on Windows) — the way native tools such as ruff ship.
 */
export async function buildWheel(input: WheelInput): Promise<Wheel> {
  const { metadata, platformTag } = input;
  const base = `${escapeName(metadata.name)}-${metadata.version}`;
  const distInfo = `${base}.dist-info`;
  const files = [
    { path: `${base}.data/scripts/${input.binaryName}`, bytes: input.binary, mode: 0o100755 },
    { path: `${distInfo}/METADATA`, bytes: Buffer.from(renderMetadata(metadata)), mode: 0o100644 },
    { path: `${distInfo}/WHEEL`, bytes: Buffer.from(renderWheelFile(platformTag)), mode: 0o100644 },
  ];
  const recordPath = `${distInfo}/RECORD`;
  // RECORD comes last, as the wheel spec recommends, so installers can stream the archive.
  files.push({ path: recordPath, bytes: Buffer.from(renderRecord(files, recordPath)), mode: 0o100644 });

  const zip = new yazl.ZipFile();
  for (const file of files) zip.addBuffer(file.bytes, file.path, { mtime: epoch, mode: file.mode, compress: true });
  zip.end();
  const bytes = await buffer(zip.outputStream);
  return {
    filename: wheelFilename(metadata, platformTag),
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}
