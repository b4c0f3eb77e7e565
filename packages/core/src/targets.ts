/**
 * The platforms ferry builds for. A target is written `<os>/<arch>`, with `-musl` after the arch for
 * Linux builds against musl libc (`linux/amd64-musl`); `darwin/universal` is one fat Mach-O that
 * ferry joins from a darwin/amd64 and a darwin/arm64 build.
 */
export const operatingSystems = ["linux", "darwin", "windows", "freebsd"] as const;
export const architectures = ["386", "amd64", "arm64", "armv7", "riscv64", "ppc64le", "s390x", "universal"] as const;
export type Os = (typeof operatingSystems)[number];
export type Arch = (typeof architectures)[number];
export type Libc = "musl";

export interface Target {
  os: Os;
  arch: Arch;
  /** Set for Linux builds against musl libc; absent means the platform's usual libc (glibc on Linux). */
  libc?: Libc;
}

/** The architectures each OS can be built for. */
const platforms: Record<Os, readonly Arch[]> = {
  linux: ["386", "amd64", "arm64", "armv7", "riscv64", "ppc64le", "s390x"],
  darwin: ["amd64", "arm64", "universal"],
  windows: ["386", "amd64", "arm64"],
  freebsd: ["amd64", "arm64"],
};

type LinuxArch = (typeof platforms.linux)[number];
/** A target as written in ferry.yaml: `linux/amd64`, `linux/arm64-musl`, `darwin/universal`. */
export type TargetName = `${Os}/${Arch}` | `linux/${LinuxArch}-musl`;

/** Every target ferry knows, as written in ferry.yaml. */
export const targetNames: readonly TargetName[] = operatingSystems.flatMap((os) => [
  ...platforms[os].map((arch) => `${os}/${arch}` as TargetName),
  ...(os === "linux" ? platforms.linux.map((arch) => `linux/${arch}-musl` as TargetName) : []),
]);

export const targetName = (t: Target): TargetName => `${t.os}/${t.arch}${t.libc ? `-${t.libc}` : ""}` as TargetName;

/** Parses `<os>/<arch>[-musl]`; undefined when ferry does not know the target. */
export function parseTarget(name: string): Target | undefined {
  if (!(targetNames as readonly string[]).includes(name)) return undefined;
  const [os, rest] = name.split("/") as [Os, string];
  const [arch, libc] = rest.split("-") as [Arch, Libc | undefined];
  return libc ? { os, arch, libc } : { os, arch };
}

/** The two builds a darwin/universal binary is joined from. */
export const universalSlices: readonly Target[] = [
  { os: "darwin", arch: "amd64" },
  { os: "darwin", arch: "arm64" },
];

const goArch: Record<Arch, string> = {
  "386": "386",
  amd64: "amd64",
  arm64: "arm64",
  armv7: "arm",
  riscv64: "riscv64",
  ppc64le: "ppc64le",
  s390x: "s390x",
  universal: "",
};

const rustArch: Record<Arch, string> = {
  "386": "i686",
  amd64: "x86_64",
  arm64: "aarch64",
  armv7: "armv7",
  riscv64: "riscv64gc",
  ppc64le: "powerpc64le",
  s390x: "s390x",
  universal: "",
};

/** The Rust target triple of a target (Windows: the MSVC toolchain that Windows runners use). */
function rustTriple({ os, arch, libc }: Target): string {
  const cpu = rustArch[arch];
  if (os === "darwin") return `${cpu}-apple-darwin`;
  if (os === "windows") return `${cpu}-pc-windows-msvc`;
  if (os === "freebsd") return `${cpu}-unknown-freebsd`;
  return `${cpu}-unknown-linux-${libc ?? "gnu"}${arch === "armv7" ? "eabihf" : ""}`;
}

/**
 * The placeholders a build command gets for a target: {{os}}, {{arch}} (as written in the target,
 * e.g. `amd64-musl`), {{goarch}} and {{goarm}} (Go's GOARCH and GOARM), {{triple}} (Rust's target
 * triple) and {{ext}} (`.exe` on Windows).
 */
export function targetValues(target: Target) {
  return {
    os: target.os,
    arch: `${target.arch}${target.libc ? `-${target.libc}` : ""}`,
    goarch: goArch[target.arch],
    goarm: target.arch === "armv7" ? "7" : "",
    triple: rustTriple(target),
    ext: target.os === "windows" ? ".exe" : "",
  };
}
