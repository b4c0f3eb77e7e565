import { execFile } from "node:child_process";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { hashFile } from "@ferry/core";
import { startGitHub, type GitHubStandIn } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
let github: GitHubStandIn;
let dir: string;
beforeAll(async () => {
  github = await startGitHub();
  dir = await mkdtemp(join(tmpdir(), "ferry-hub-upload-"));
});
afterAll(async () => {
  await github?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("the hub's asset upload", () => {
  it("streams a large asset from disk: memory stays bounded, and GitHub stores the file's bytes", { timeout: 180_000 }, async () => {
    const mib = 200;
    const path = join(dir, "big_1.0.0_linux_amd64.tar.gz");
    const file = await open(path, "w");
    await file.truncate(mib * 2 ** 20); // sparse: no disk, nor time, spent writing it
    await file.close();
    const sha256 = await hashFile(path);
    github.createRepo("ferry-test/big");

    // In a process of its own, so that its memory is the upload's alone (the stand-in holds the bytes it receives).
    const child = join(import.meta.dirname, "upload-child.ts");
    const { stdout } = await run(process.execPath, ["--import", "tsx", child, github.url, github.token, "ferry-test/big", path, sha256]);
    const { growthMiB } = JSON.parse(stdout) as { growthMiB: number };
    // Holding the body would grow by the file's size; streamed, a few 1 MiB chunks and socket buffers.
    expect(growthMiB).toBeLessThan(mib / 2);

    const asset = github.release("ferry-test/big", "v1.0.0")!.assets[0]!;
    expect(asset.size).toBe(mib * 2 ** 20);
    expect(asset.sha256).toBe(sha256);
  });
});
