import { describe, expect, it } from "vitest";
import { indexPath } from "./sparse.ts";

describe("indexPath", () => {
  it("follows cargo's prefix rules, lowercased", () => {
    expect(["a", "AB", "abc", "Hello-Crab", "serde"].map(indexPath)).toEqual(["1/a", "2/ab", "3/a/abc", "he/ll/hello-crab", "se/rd/serde"]);
  });
});
