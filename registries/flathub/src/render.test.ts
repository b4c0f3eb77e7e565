import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { schemaValidator } from "../../../test/schemas.ts";
import { downloadsOf, parseReleases, renderManifest, renderMetainfo, type FlathubApp } from "./render.ts";

const run = promisify(execFile);
const validManifest = schemaValidator("flatpak/flatpak-manifest.schema.json");

const app: FlathubApp = {
  appId: "com.example.Hello",
  runtime: "org.freedesktop.Platform",
  runtimeVersion: "24.08",
  sdk: "org.freedesktop.Sdk",
  command: "hello",
  finishArgs: [],
  name: "hello",
  summary: "Says hello & prints its version",
  description: "Says hello and prints its version.",
  homepage: "https://example.com/hello",
  license: "MIT",
  developer: "Ferry Test",
  releases: [
    { version: "1.2.3", date: "2025-02-01" },
    { version: "1.2.2", date: "2025-01-01" },
  ],
  downloads: [
    { arch: "x86_64", url: "https://example.com/hello_1.2.3_linux_amd64.tar.gz", sha256: "ab".repeat(32), size: 1234, binary: "hello" },
    { arch: "aarch64", url: "https://example.com/hello_1.2.3_linux_arm64.tar.gz", sha256: "cd".repeat(32), size: 1240, binary: "hello" },
  ],
};

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function written(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-flathub-"));
  dirs.push(dir);
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

describe("flatpak manifest", () => {
  const manifest = renderManifest(app);

  it("passes flatpak-builder's schema", () => {
    expect(validManifest(JSON.parse(manifest))).toEqual([]);
  });

  it("is read by flatpak-builder --show-manifest", async () => {
    const { stdout } = await run("flatpak-builder", ["--show-manifest", await written("com.example.Hello.json", manifest)]);
    expect(JSON.parse(stdout)).toMatchObject({ id: "com.example.Hello", command: "hello" });
  });

  it("downloads each architecture's archive as extra-data with its size and sha256", () => {
    expect(downloadsOf(manifest)).toBe(
      [
        `https://example.com/hello_1.2.3_linux_amd64.tar.gz ${"ab".repeat(32)} 1234`,
        `https://example.com/hello_1.2.3_linux_arm64.tar.gz ${"cd".repeat(32)} 1240`,
      ].join("\n"),
    );
    const sources = (JSON.parse(manifest) as { modules: Array<{ sources: Array<Record<string, unknown>> }> }).modules[0]!.sources;
    expect(sources.filter((s) => s.type === "extra-data").map((s) => s["only-arches"])).toEqual([["x86_64"], ["aarch64"]]);
  });

  it("renders the same bytes twice", () => {
    expect(renderManifest(structuredClone(app))).toBe(manifest);
  });
});

describe("AppStream metainfo", () => {
  const metainfo = renderMetainfo(app);

  it("has no errors under appstreamcli validate", async () => {
    const file = await written("com.example.Hello.metainfo.xml", metainfo);
    // Exit status 3 means warnings only; anything with an error exits 1 or 2 and rejects.
    const result = await run("appstreamcli", ["validate", "--no-net", "--no-color", file]).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect("code" in result ? result.code : 0, "stdout" in result ? result.stdout : "").not.toBeOneOf([1, 2]);
    expect(result.stdout).not.toMatch(/^E:/m);
  });

  it("lists releases newest first and reads them back", () => {
    expect(parseReleases(metainfo)).toEqual(app.releases);
    expect(metainfo).toContain("<summary>Says hello &amp; prints its version</summary>");
  });
});
