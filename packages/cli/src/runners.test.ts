import { targetNames } from "@ferry/core";
import { expect, it } from "vitest";
import { runnerOf } from "./runners.ts";

it("builds each target on a hosted runner of its CPU, and cross-compiles on Linux only where there is none", () => {
  const cross = targetNames.filter((t) => runnerOf(t).cross);
  expect(cross).toEqual([
    "linux/386",
    "linux/armv7",
    "linux/riscv64",
    "linux/ppc64le",
    "linux/s390x",
    "linux/386-musl",
    "linux/armv7-musl",
    "linux/riscv64-musl",
    "linux/ppc64le-musl",
    "linux/s390x-musl",
    "freebsd/amd64",
    "freebsd/arm64",
  ]);
  for (const t of cross) expect(runnerOf(t).label).toBe("ubuntu-24.04");
  expect(runnerOf("linux/arm64-musl")).toEqual({ label: "ubuntu-24.04-arm", cross: false });
  expect(runnerOf("darwin/amd64")).toEqual({ label: "macos-15-intel", cross: false });
  expect(runnerOf("windows/arm64")).toEqual({ label: "windows-11-arm", cross: false });
});
