import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGitHub, FerryError, parseVersion, publishRelease } from "@ferry/core";
import { startGitHub, type GitHubStandIn } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.ts";

let github: GitHubStandIn;
let proxy: FaultProxy;
let dir: string;
beforeAll(async () => {
  github = await startGitHub();
  proxy = await startFaultProxy(github.url);
  dir = await mkdtemp(join(tmpdir(), "ferry-hub-faults-"));
});
afterAll(async () => {
  await proxy?.stop();
  await github?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function release(name: string, timeoutMs?: number) {
  const path = join(dir, `${name}.tar.gz`);
  const bytes = Buffer.from(`${name} archive\n`);
  await writeFile(path, bytes);
  github.createRepo(`ferry-test/${name}`);
  const client = createGitHub({ token: github.token, api: proxy.url, ...(timeoutMs ? { timeoutMs } : {}) });
  return publishRelease({
    github: client,
    repository: `ferry-test/${name}`,
    version: parseVersion("v1.0.0"),
    name: "v1.0.0",
    notes: "",
    files: [{ path, sha256: createHash("sha256").update(bytes).digest("hex") }],
    log: () => {},
  });
}

describe("the hub behind a faulty GitHub", () => {
  it("keeps an asset GitHub stored when the answer to its upload was lost (422 already_exists, same digest)", async () => {
    proxy.set({ fault: "lost-answer", match: (method, path) => method === "POST" && /\/assets\?/.test(path) });
    const { url, changed } = await release("lost");
    expect(proxy.injected).toBe(1);
    const published = github.release("ferry-test/lost", "v1.0.0")!;
    expect([url, changed]).toEqual([expect.stringMatching(/\/ferry-test\/lost\/releases\/tag\/v1\.0\.0$/), true]);
    expect(published.draft).toBe(false);
    expect(published.assets.map((a) => a.name)).toEqual(["lost.tar.gz"]);
  });

  it("gives up on a GitHub that stops answering, with a clear reason", async () => {
    proxy.set({ fault: "hang", match: (method) => method === "POST" });
    const started = Date.now();
    const error = await release("hang", 500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).message).toMatch(/\[github\] GitHub answered nothing while creating the release v1\.0\.0/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
