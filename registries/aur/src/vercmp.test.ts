import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { vercmp } from "./vercmp.ts";

const pairs: Array<[string, string]> = [
  ["1.2.3", "1.2.3"],
  ["1.2.3rc1", "1.2.3"],
  ["1.2.3", "1.2.4"],
  ["1.2.10", "1.2.9"],
  ["1.0", "1.0.a"],
  ["1.0rc", "1.0"],
  ["1.2.3alpha1", "1.2.3beta1"],
  ["1.2.3rc1", "1.2.3rc.2"],
  ["1.2.3_rc.1", "1.2.3"],
  ["1.2.3-1", "1.2.3-2"],
  ["1.2.3-2", "1.2.4-1"],
  ["1:1.0-1", "2.0-1"],
  ["1.0", "1.0-5"],
  ["01.002", "1.2"],
  ["1..0", "1.0"],
  ["1.0a", "1.0.1"],
  ["2.0.0beta.1", "2.0.0beta"],
];

describe("vercmp", () => {
  it("orders prereleases below the release, as AUR pkgvers need", () => {
    expect(vercmp("1.2.3rc1", "1.2.3")).toBe(-1);
    expect(vercmp("1.2.3", "1.2.3rc1")).toBe(1);
    expect(vercmp("1.2.4rc1", "1.2.3")).toBe(1);
  });

  it.each(pairs)("%s vs %s agrees with pacman's vercmp", (a, b) => {
    const real = Number(execFileSync("vercmp", [a, b], { encoding: "utf8" }).trim());
    expect(vercmp(a, b)).toBe(Math.sign(real));
    expect(vercmp(b, a)).toBe(-Math.sign(real) || 0);
  });
});
