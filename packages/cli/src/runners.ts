import type { TargetName } from "@ferry/core";

/**
 * GitHub's hosted runner of each target's OS and CPU, for a split build. windows/386 builds on
 * x86-64 Windows, which runs it; darwin/universal on an arm64 Mac, whose toolchain builds both slices.
 */
const native: Partial<Record<TargetName, string>> = {
  "linux/amd64": "ubuntu-24.04",
  "linux/amd64-musl": "ubuntu-24.04",
  "linux/arm64": "ubuntu-24.04-arm",
  "linux/arm64-musl": "ubuntu-24.04-arm",
  "darwin/amd64": "macos-15-intel",
  "darwin/arm64": "macos-15",
  "darwin/universal": "macos-15",
  "windows/386": "windows-2022",
  "windows/amd64": "windows-2022",
  "windows/arm64": "windows-11-arm",
};

/** Where no hosted runner has the target's CPU (or OS), the build command cross-compiles on Linux. */
const crossRunner = "ubuntu-24.04";

export interface Runner {
  label: string;
  /** True when the runner is not of the target's CPU or OS, so the build must cross-compile. */
  cross: boolean;
}

export function runnerOf(target: TargetName): Runner {
  const label = native[target];
  return label ? { label, cross: false } : { label: crossRunner, cross: true };
}
