import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildLayer } from "./layer.ts";
import { parseReference, pushRepository } from "./reference.ts";
import { platformOf, renderConfig, renderIndex, renderManifest } from "./render.ts";

const dir = await mkdtemp(join(tmpdir(), "ferry-docker-render-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

const labels = { "org.opencontainers.image.title": "hello", "org.opencontainers.image.version": "1.2.3" };
const layer = {
  mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
  digest: `sha256:${"a".repeat(64)}`,
  size: 1234,
  diffId: `sha256:${"b".repeat(64)}`,
};

describe("rendering", () => {
  it("renders the config, manifest and index as compact, ordered JSON", () => {
    const config = renderConfig({ platform: platformOf("arm64"), binary: "hello", layer, labels });
    expect(config.bytes.toString()).toMatchInlineSnapshot(
      `"{"created":"1970-01-01T00:00:00Z","architecture":"arm64","variant":"v8","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":["/usr/local/bin/hello"],"Labels":{"org.opencontainers.image.title":"hello","org.opencontainers.image.version":"1.2.3"}},"rootfs":{"type":"layers","diff_ids":["sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"ferry: COPY hello /usr/local/bin/hello"}]}"`,
    );
    const manifest = renderManifest(config.descriptor, [layer], labels);
    expect(manifest.bytes.toString()).toMatchInlineSnapshot(
      `"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:604d8d1b37aaab3c88527f02109f8a5a71f8350251e4e1e4699ff876df96de31","size":520},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","size":1234}],"annotations":{"org.opencontainers.image.title":"hello","org.opencontainers.image.version":"1.2.3"}}"`,
    );
    const index = renderIndex([{ manifest: manifest.descriptor, platform: platformOf("arm64") }], labels);
    expect(index.bytes.toString()).toMatchInlineSnapshot(
      `"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:279f901b4058904db99f31d3b4ed602ab97d2ad82f6711b01b8cacf00c668094","size":502,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}],"annotations":{"org.opencontainers.image.title":"hello","org.opencontainers.image.version":"1.2.3"}}"`,
    );
  });

  it("keeps a base image's config, drops its Cmd and appends the layer", () => {
    const base = {
      architecture: "amd64",
      os: "linux",
      config: { Env: ["A=1"], Cmd: ["/bin/sh"], User: "65532", Labels: { keep: "yes" } },
      rootfs: { type: "layers", diff_ids: [`sha256:${"c".repeat(64)}`] },
      history: [{ created_by: "base" }],
    };
    const config = renderConfig({ platform: platformOf("amd64"), binary: "hello", layer, labels, base });
    expect(JSON.parse(config.bytes.toString())).toMatchInlineSnapshot(`
      {
        "architecture": "amd64",
        "config": {
          "Entrypoint": [
            "/usr/local/bin/hello",
          ],
          "Env": [
            "A=1",
          ],
          "Labels": {
            "keep": "yes",
            "org.opencontainers.image.title": "hello",
            "org.opencontainers.image.version": "1.2.3",
          },
          "User": "65532",
        },
        "created": "1970-01-01T00:00:00Z",
        "history": [
          {
            "created_by": "base",
          },
          {
            "created": "1970-01-01T00:00:00Z",
            "created_by": "ferry: COPY hello /usr/local/bin/hello",
          },
        ],
        "os": "linux",
        "rootfs": {
          "diff_ids": [
            "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
            "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
          ],
          "type": "layers",
        },
      }
    `);
  });

  it("builds the same layer bytes twice, hashing the tar and the gzip", async () => {
    const binary = join(dir, "hello");
    await writeFile(binary, "#!/bin/sh\necho hello\n", { mode: 0o755 });
    const first = await buildLayer(binary, "hello", join(dir, "one.tar.gz"));
    const second = await buildLayer(binary, "hello", join(dir, "two.tar.gz"));
    expect(second).toEqual(first);
    expect(await readFile(join(dir, "two.tar.gz"))).toEqual(await readFile(join(dir, "one.tar.gz")));
    expect(first.digest).not.toBe(first.diffId);
  });
});

describe("references", () => {
  it("follows Docker's host and library rules", () => {
    expect(parseReference("hello", "docker")).toEqual({ host: "docker.io", api: "https://registry-1.docker.io", name: "library/hello" });
    expect(parseReference("owner/hello", "docker").name).toBe("owner/hello");
    expect(parseReference("ghcr.io/owner/hello", "docker")).toMatchObject({ host: "ghcr.io", api: "https://ghcr.io", name: "owner/hello" });
    expect(parseReference("localhost:5000/a/b:1.0@sha256:" + "d".repeat(64), "docker")).toMatchObject({
      host: "localhost:5000",
      api: "http://localhost:5000",
      name: "a/b",
      tag: "1.0",
    });
    expect(() => parseReference("ghcr.io/Owner/Hello", "docker")).toThrow(/not an image reference/);
  });

  it("replaces the host with the registry override, over http only on loopback", () => {
    expect(pushRepository("ghcr.io/owner/hello", "127.0.0.1:5000", "docker")).toEqual({
      host: "127.0.0.1:5000",
      api: "http://127.0.0.1:5000",
      name: "owner/hello",
    });
    expect(pushRepository("owner/hello", "registry.example.com", "docker").api).toBe("https://registry.example.com");
    expect(() => pushRepository("ghcr.io/owner/hello:1.0", undefined, "docker")).toThrow(/names a tag/);
  });
});
