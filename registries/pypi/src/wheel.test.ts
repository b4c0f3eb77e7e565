import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import yauzl from "yauzl";
import {
  buildWheel,
  escapeName,
  normalizeName,
  renderMetadata,
  renderRecord,
  renderWheelFile,
  wheelFilename,
  type WheelMetadata,
} from "./wheel.ts";

const metadata: WheelMetadata = {
  name: "Hello.World",
  version: "1.2.3rc1",
  summary: "Says hello.",
  description: "Says hello.\n\nInstall with `pip install Hello.World`.\n",
  homepage: "https://example.com/hello",
  license: "MIT",
  author: "Ferry Test <test@example.com>",
  projectUrls: { Source: "https://github.com/ferry-test/hello" },
};

const binary = Buffer.from('#!/bin/sh\necho "hello 1.2.3-rc.1"\n');

/** Entry name → [unix mode, contents] of a zip in memory. */
function unzip(bytes: Buffer): Promise<Map<string, [number, string]>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error("unreadable zip"));
      const entries = new Map<string, [number, string]>();
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error("unreadable zip entry"));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            entries.set(entry.fileName, [(entry.externalFileAttributes >>> 16) & 0o777, Buffer.concat(chunks).toString()]);
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => resolve(entries));
      zip.readEntry();
    });
  });
}

describe("names", () => {
  it("normalizes for URLs (PEP 503) and escapes for file names (PEP 427)", () => {
    expect(normalizeName("Hello_World..Tool")).toBe("hello-world-tool");
    expect(escapeName("Hello-World.tool")).toBe("hello_world_tool");
    expect(wheelFilename(metadata, "win_amd64")).toBe("hello_world-1.2.3rc1-py3-none-win_amd64.whl");
  });
});

describe("wheel files", () => {
  it("renders METADATA", () => {
    expect(renderMetadata(metadata)).toMatchInlineSnapshot(`
      "Metadata-Version: 2.1
      Name: Hello.World
      Version: 1.2.3rc1
      Summary: Says hello.
      Home-page: https://example.com/hello
      Author-email: Ferry Test <test@example.com>
      License: MIT
      Project-URL: Source, https://github.com/ferry-test/hello
      Description-Content-Type: text/plain

      Says hello.

      Install with \`pip install Hello.World\`.

      "
    `);
  });

  it("renders WHEEL with one Tag line per compressed platform tag", () => {
    expect(renderWheelFile("manylinux_2_17_x86_64.manylinux2014_x86_64")).toMatchInlineSnapshot(`
      "Wheel-Version: 1.0
      Generator: ferry
      Root-Is-Purelib: false
      Tag: py3-none-manylinux_2_17_x86_64
      Tag: py3-none-manylinux2014_x86_64
      "
    `);
  });

  it("renders RECORD with urlsafe unpadded sha256 and sizes, RECORD itself unhashed", () => {
    expect(renderRecord([{ path: "a-1.data/scripts/a", bytes: Buffer.from("hi\n") }], "a-1.dist-info/RECORD")).toMatchInlineSnapshot(`
      "a-1.data/scripts/a,sha256=mOpuTyFvL7S2n_-bOkSELDhobKaF8_VdxIxdP7EQe-Q,3
      a-1.dist-info/RECORD,,
      "
    `);
  });
});

describe("buildWheel", () => {
  const input = { metadata, platformTag: "manylinux_2_17_x86_64.manylinux2014_x86_64", binaryName: "hello", binary };

  it("gives the same bytes for the same input", async () => {
    const [a, b] = await Promise.all([buildWheel(input), buildWheel(input)]);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.sha256).toBe(createHash("sha256").update(a.bytes).digest("hex"));
    expect(a.filename).toBe("hello_world-1.2.3rc1-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
    // Pinned across runs and machines: fixed timestamps, modes and entry order.
    expect(a.sha256).toMatchInlineSnapshot(`"7a591448536337d7e8611f3ad902ffb64d170a727b13aa0daa67d321300cf815"`);
  });

  it("holds the executable script, METADATA, WHEEL and a RECORD that matches them", async () => {
    const entries = await unzip((await buildWheel(input)).bytes);
    expect([...entries.keys()]).toEqual([
      "hello_world-1.2.3rc1.data/scripts/hello",
      "hello_world-1.2.3rc1.dist-info/METADATA",
      "hello_world-1.2.3rc1.dist-info/WHEEL",
      "hello_world-1.2.3rc1.dist-info/RECORD",
    ]);
    expect(entries.get("hello_world-1.2.3rc1.data/scripts/hello")).toEqual([0o755, binary.toString()]);
    const record = entries.get("hello_world-1.2.3rc1.dist-info/RECORD")![1];
    for (const [name, [, text]] of entries) {
      if (name.endsWith("RECORD")) continue;
      const digest = createHash("sha256").update(text).digest("base64url");
      expect(record).toContain(`${name},sha256=${digest},${Buffer.byteLength(text)}\n`);
    }
  });
});
