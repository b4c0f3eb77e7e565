import { expect, it } from "vitest";
import { metadataFields, parseMetadata } from "./dist.ts";

const metadata = [
  "Metadata-Version: 2.1",
  "Name: greet",
  "Version: 1.2.3",
  "License: MIT License",
  "        |",
  "        |Copyright (c) the authors",
  "Classifier: Programming Language :: Python :: 3",
  "Classifier: License :: OSI Approved :: MIT License",
  "Project-URL: Source, https://example.org/greet",
  "Provides-Extra: color",
  "Requires-Dist: rich; extra == 'color'",
  "Description-Content-Type: text/markdown",
  "",
  "# greet",
  "",
  "Says hello.",
  "",
].join("\n");

it("reads core metadata headers, folding continuation lines, with the body as Description", () => {
  const fields = parseMetadata(metadata);
  expect(fields).toContainEqual(["License", "MIT License\n\nCopyright (c) the authors"]);
  expect(fields.filter(([key]) => key === "Classifier")).toHaveLength(2);
  expect(fields.at(-1)).toEqual(["Description", "# greet\n\nSays hello.\n"]);
});

it("names the upload form's fields as PyPI's upload API and twine do", () => {
  expect(metadataFields(metadata).map(([key]) => key)).toEqual([
    "metadata_version",
    "name",
    "version",
    "license",
    "classifiers",
    "classifiers",
    "project_urls",
    "provides_extras",
    "requires_dist",
    "description_content_type",
    "description",
  ]);
});
