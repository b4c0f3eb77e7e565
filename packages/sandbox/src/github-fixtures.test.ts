import { Octokit } from "@octokit/rest";
import { describe, expect, it } from "vitest";
import { startFixtureReplay } from "./github-fixtures.ts";

const owner = "octokit-fixture-org";
const quiet = () => {};
const github = (url: string) =>
  new Octokit({ auth: "token-under-test", baseUrl: url, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
const hello = "Hello, world!\n";

/** The recorded upload: test-upload.txt, labelled "test", to the release of `repo`. */
const uploadTestFile = (octokit: Octokit, repo: string, release: { id: number; upload_url: string }, data = hello) =>
  octokit.rest.repos.uploadReleaseAsset({
    owner,
    repo,
    release_id: release.id,
    url: release.upload_url,
    name: "test-upload.txt",
    label: "test",
    data,
    headers: { "content-type": "text/plain" },
  });

describe("@octokit/fixtures replay", () => {
  it("release-assets: get by tag, upload, list, get, rename, delete", async () => {
    const replay = await startFixtureReplay("release-assets");
    try {
      const octokit = github(replay.url);
      const repo = "release-assets";
      const { data: release } = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: "v1.0.0" });
      expect(release.upload_url).toBe(`${replay.url}/api/uploads/repos/${owner}/${repo}/releases/1000/assets{?name,label}`);
      const { data: asset } = await uploadTestFile(octokit, repo, release);
      expect(asset).toMatchObject({ id: 1000, name: "test-upload.txt", state: "uploaded" });
      const { data: assets } = await octokit.rest.repos.listReleaseAssets({ owner, repo, release_id: release.id });
      expect(assets.map((a) => a.name)).toEqual(["test-upload.txt"]);
      await octokit.rest.repos.getReleaseAsset({ owner, repo, asset_id: asset.id });
      const renamed = await octokit.rest.repos.updateReleaseAsset({
        owner,
        repo,
        asset_id: asset.id,
        name: "new-filename.txt",
        label: "new label",
      });
      expect(renamed.data.name).toBe("new-filename.txt");
      expect((await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: asset.id })).status).toBe(204);
      replay.done();
    } finally {
      await replay.stop();
    }
  });

  it("release-assets-conflict: a 422 on upload, then delete the old asset and upload again", async () => {
    const replay = await startFixtureReplay("release-assets-conflict");
    try {
      const octokit = github(replay.url);
      const repo = "release-assets-conflict";
      const { data: release } = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: "v1.0.0" });
      const upload = () => uploadTestFile(octokit, repo, release);
      const conflict = await upload().catch((error: { status: number; response: { data: unknown } }) => error);
      expect(conflict).toMatchObject({
        status: 422,
        response: { data: { errors: [{ resource: "ReleaseAsset", code: "already_exists", field: "name" }] } },
      });
      const { data: assets } = await octokit.rest.repos.listReleaseAssets({ owner, repo, release_id: release.id });
      const old = assets.find((a) => a.name === "test-upload.txt");
      await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: old!.id });
      expect((await upload()).data.id).toBe(1001);
      replay.done();
    } finally {
      await replay.stop();
    }
  });

  it("reports recorded requests that were never made, and requests that differ from the recording", async () => {
    const replay = await startFixtureReplay("release-assets");
    try {
      const octokit = github(replay.url);
      const { data: release } = await octokit.rest.repos.getReleaseByTag({ owner, repo: "release-assets", tag: "v1.0.0" });
      const wrongBody = uploadTestFile(octokit, "release-assets", release, "other bytes");
      await expect(wrongBody).rejects.toMatchObject({ status: 501 });
      expect(() => replay.done()).toThrow(
        /matches no recorded request: body "other bytes"[\s\S]*DELETE https:\/\/api.github.com\/repos\/octokit-fixture-org\/release-assets\/releases\/assets\/1000 not requested/,
      );
    } finally {
      await replay.stop();
    }
  });
});
