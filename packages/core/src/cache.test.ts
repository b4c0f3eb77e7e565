import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chmod, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeArchive } from "./archive.ts";
import { createArchiveCache } from "./cache.ts";
import type { Artifact } from "./manifest.ts";

let root: string;
const served = new Map<string, Buffer>();
const server = createServer((request, response) => {
  const body = served.get(request.url ?? "");
  response.writeHead(body ? 200 : 404).end(body);
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ferry-cache-"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

/** A release's archive in `output`, as the hub leaves it: a binary printing the version, and its manifest entry. */
async function release(output: string, version: string, format: "tar.gz" | "zip" = "tar.gz"): Promise<Artifact> {
  const staging = await mkdtemp(join(root, "staging-"));
  const binary = format === "zip" ? "hello.exe" : "hello";
  await writeFile(join(staging, binary), `#!/bin/sh\necho "hello ${version}"\n${"#".repeat(100_000)}\n`);
  await chmod(join(staging, binary), 0o755);
  const os = format === "zip" ? "windows" : "linux";
  const name = `hello_${version}_${os}_amd64.${format}`;
  await mkdir(output, { recursive: true });
  const written = await writeArchive(format, staging, [binary], join(output, name));
  served.set(`/${name}`, await readFile(join(output, name)));
  const port = (server.address() as AddressInfo).port;
  return { name, os, arch: "amd64", format, binary, ...written, url: `http://127.0.0.1:${port}/${name}` };
}

const firstLine = async (path: string) => (await readFile(path, "utf8")).split("\n")[1];

describe("the archive cache", () => {
  it("extracts each binary once for every registry of a run, and a new version never gets the previous one's binary", async () => {
    const output = join(root, "versions");
    const v1 = await release(output, "1.0.0");
    const cache = createArchiveCache(output);
    const [a, b] = await Promise.all([cache.binary(v1), cache.binary(v1)]);
    expect(a).toBe(b);
    expect(await firstLine(a)).toBe('echo "hello 1.0.0"');

    const v2 = await release(output, "1.0.1");
    for (const run of [cache, createArchiveCache(output)]) expect(await firstLine(await run.binary(v2))).toBe('echo "hello 1.0.1"');
  });

  it.each(["tar.gz", "zip"] as const)("a truncated %s binary in the cache is detected and extracted again, never used", async (format) => {
    const output = join(root, `truncated-${format}`);
    const artifact = await release(output, "2.0.0", format);
    const path = await createArchiveCache(output).binary(artifact);
    const whole = await readFile(path);
    await truncate(path, 1000);
    const again = await createArchiveCache(output).binary(artifact);
    expect(again).toBe(path);
    expect((await readFile(again)).equals(whole)).toBe(true);
  });

  it("an archive in the output directory that differs from the manifest is not used: the release's is downloaded and checked", async () => {
    const output = join(root, "rebuilt");
    const artifact = await release(output, "3.0.0");
    await writeFile(join(output, artifact.name), "rebuilt with other bytes");
    const cache = createArchiveCache(output);
    const archive = await cache.archive(artifact);
    expect(archive).toBe(join(output, "cache", artifact.sha256, artifact.name));
    expect((await readFile(archive)).equals(served.get(`/${artifact.name}`)!)).toBe(true);
    expect(await firstLine(await cache.binary(artifact))).toBe('echo "hello 3.0.0"');
  });

  it("a download with other bytes than the manifest's is refused and leaves nothing behind", async () => {
    const output = join(root, "corrupt-download");
    const artifact = await release(output, "4.0.0");
    await rm(join(output, artifact.name));
    served.set(`/${artifact.name}`, Buffer.from("not the release's archive"));
    const error = await createArchiveCache(output)
      .binary(artifact)
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
    expect(error?.code).toBe("ArtifactCorrupt");
    expect(error?.message).toContain(`but the manifest says ${artifact.sha256}`);
    await expect(readFile(join(output, "cache", artifact.sha256, artifact.name))).rejects.toThrow(/ENOENT/);
  });
});
