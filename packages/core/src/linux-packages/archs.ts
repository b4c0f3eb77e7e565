import type { Arch } from "../targets.ts";

export const packageFormats = ["deb", "rpm", "apk"] as const;
export type PackageFormat = (typeof packageFormats)[number];

/**
 * Each ferry linux architecture as Debian, RPM and Alpine name it: the one place these names are mapped.
 * Keyed by ferry's arch names, so a new linux arch does not compile until it is named here.
 */
const packageArchs: Record<Exclude<Arch, "universal">, Record<PackageFormat, string>> = {
  amd64: { deb: "amd64", rpm: "x86_64", apk: "x86_64" },
  arm64: { deb: "arm64", rpm: "aarch64", apk: "aarch64" },
  "386": { deb: "i386", rpm: "i686", apk: "x86" },
  armv7: { deb: "armhf", rpm: "armv7hl", apk: "armv7" },
  riscv64: { deb: "riscv64", rpm: "riscv64", apk: "riscv64" },
  ppc64le: { deb: "ppc64el", rpm: "ppc64le", apk: "ppc64le" },
  s390x: { deb: "s390x", rpm: "s390x", apk: "s390x" },
};

/** The architecture name a package format uses for a ferry architecture, if it has one. */
export const packageArch = (arch: Arch, format: PackageFormat): string | undefined =>
  arch === "universal" ? undefined : packageArchs[arch][format];
