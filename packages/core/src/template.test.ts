import { expect, it } from "vitest";
import { FerryError } from "./errors.ts";
import { fillTemplate, placeholders, unknownPlaceholders } from "./template.ts";

it("fills every placeholder, spaces inside the braces allowed", () => {
  expect(fillTemplate("{{project}}_{{ version }}_{{os}}", { project: "hello", version: "1.2.3", os: "linux" }, "archives.name")).toBe(
    "hello_1.2.3_linux",
  );
});

it("lists the placeholders a template uses, and those it may not", () => {
  expect(placeholders("{{a}} {{ b }} {{.Version}}")).toEqual(["a", "b", ".Version"]);
  expect(unknownPlaceholders("{{tag}} {{verison}} {{.Version}} {{verison}}", ["tag", "version"])).toEqual(["verison", ".Version"]);
});

it("refuses an unknown placeholder, naming the key it came from and the known ones", () => {
  const error = (() => {
    try {
      return fillTemplate("hello {{verison}}", { version: "1.2.3" }, "release.name");
    } catch (e) {
      return e;
    }
  })() as FerryError;
  expect(error).toBeInstanceOf(FerryError);
  expect(error.exitCode).toBe(2);
  expect(error.message).toBe("release.name: unknown placeholder {{verison}}; known here: {{version}}. Fix release.name in ferry.yaml.");
});
