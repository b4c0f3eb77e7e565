import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { createGitHub, findRelease, uploadAsset } from "@ferry/core";
import { startFixtureReplay } from "@ferry/sandbox";

// The hub's own release lookup and asset upload, replayed against real GitHub interactions
// recorded by @octokit/fixtures: the requests must be exactly the recorded ones.
const owner = "octokit-fixture-org";

async function assetFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-fixture-asset-"));
  const path = join(dir, "test-upload.txt");
  await writeFile(path, "Hello, world!\n");
  return path;
}

it("release-assets: finds the release by tag and streams the upload to its upload_url", async () => {
  const replay = await startFixtureReplay("release-assets");
  try {
    const github = createGitHub({ token: "0000000000000000000000000000000000000001", api: replay.url });
    const release = (await findRelease(github, `${owner}/release-assets`, "v1.0.0"))!;
    const asset = await uploadAsset(github, release, await assetFile(), { label: "test" });
    expect(asset).toMatchObject({ id: 1000, name: "test-upload.txt", state: "uploaded", size: 14 });
    // The rest of the recording (list, get, rename, delete) is not the hub's; it is replayed as recorded.
    const repo = "release-assets";
    await github.rest.repos.listReleaseAssets({ owner, repo, release_id: release.id });
    await github.rest.repos.getReleaseAsset({ owner, repo, asset_id: asset.id });
    await github.rest.repos.updateReleaseAsset({ owner, repo, asset_id: asset.id, name: "new-filename.txt", label: "new label" });
    await github.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: asset.id });
    replay.done();
  } finally {
    await replay.stop();
  }
});

it("release-assets-conflict: a taken name is replaced only when the caller allows it", async () => {
  const replay = await startFixtureReplay("release-assets-conflict");
  try {
    const github = createGitHub({ token: "0000000000000000000000000000000000000001", api: replay.url });
    const release = (await findRelease(github, `${owner}/release-assets-conflict`, "v1.0.0"))!;
    const replaced: string[] = [];
    const asset = await uploadAsset(github, release, await assetFile(), {
      label: "test",
      replace: (existing) => (replaced.push(existing.name), true),
    });
    expect(replaced).toEqual(["test-upload.txt"]);
    expect(asset.id).toBe(1001);
    replay.done();
  } finally {
    await replay.stop();
  }
});
