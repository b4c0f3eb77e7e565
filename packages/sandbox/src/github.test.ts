import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { createGitHub } from "@ferry/core";
import { Octokit } from "@octokit/rest";
import { uncompress } from "snappyjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHub } from "./github.ts";
import type { GitHubStandIn } from "./github.ts";
import { openApiChecker } from "./github-openapi.ts";
import { expectServed } from "../../../test/served-urls.ts";

const checker = openApiChecker();
let gh: GitHubStandIn;
const checked = new Set<string>();

/** An Octokit whose every JSON answer, success or error, is validated against GitHub's OpenAPI description. */
function client(token = gh.token): Octokit {
  const quiet = () => {};
  const octokit = new Octokit({ auth: token, baseUrl: gh.url, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
  octokit.hook.wrap("request", async (request, options) => {
    const validate = (status: number, url: string, headers: Record<string, unknown>, data: unknown) => {
      if ((typeof headers["content-type"] === "string" ? headers["content-type"] : "").startsWith("application/json")) {
        checked.add(checker.check(String(options.method), url, status, data));
      }
    };
    try {
      const response = await request(options);
      validate(response.status, response.url, response.headers, response.data);
      return response;
    } catch (error) {
      const r = (error as { response?: { status: number; url: string; headers: Record<string, unknown>; data: unknown } }).response;
      if (r) validate(r.status, r.url, r.headers, r.data);
      throw error;
    }
  });
  return octokit;
}

const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: { status?: number }) => {
      if (error.status === undefined) throw error;
      return error.status;
    },
  );

beforeAll(async () => {
  gh = await startGitHub();
});
afterAll(async () => {
  await gh.stop();
});

describe("GitHub stand-in", () => {
  it("answers every endpoint with bodies that match GitHub's OpenAPI description", async () => {
    const octokit = client();
    const owner = "acme";
    const repo = "spec";
    gh.createRepo(`${owner}/${repo}`, { files: { "README.md": "hello\n", "docs/a.md": "a" } });

    expect((await octokit.rest.users.getAuthenticated()).data.login).toBe("ferry-sandbox");
    expect((await octokit.rest.repos.get({ owner, repo })).data.default_branch).toBe("main");

    // Releases and assets.
    const created = await octokit.rest.repos.createRelease({ owner, repo, tag_name: "v1.0.0", draft: true });
    const release_id = created.data.id;
    await octokit.rest.repos.getRelease({ owner, repo, release_id });
    await octokit.rest.repos.updateRelease({ owner, repo, release_id, body: "notes" });
    const uploaded = await octokit.rest.repos.uploadReleaseAsset({
      owner,
      repo,
      release_id,
      url: created.data.upload_url,
      name: "tool.tar.gz",
      data: "bytes" as unknown as string,
      headers: { "content-type": "application/gzip" },
    });
    expect(uploaded.data.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await octokit.rest.repos.listReleaseAssets({ owner, repo, release_id });
    await octokit.rest.repos.getReleaseAsset({ owner, repo, asset_id: uploaded.data.id });
    await octokit.rest.repos.updateReleaseAsset({ owner, repo, asset_id: uploaded.data.id, label: "Tool" });
    const spare = await octokit.rest.repos.uploadReleaseAsset({
      owner,
      repo,
      release_id,
      url: created.data.upload_url,
      name: "spare.txt",
      data: "x",
      headers: { "content-type": "text/plain" },
    });
    await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: spare.data.id });
    await octokit.rest.repos.listReleases({ owner, repo, per_page: 1 });
    await octokit.rest.repos.updateRelease({ owner, repo, release_id, draft: false, make_latest: "true" });
    await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: "v1.0.0" });
    expect((await octokit.rest.repos.getLatestRelease({ owner, repo })).data.id).toBe(release_id);
    const notes = await octokit.rest.repos.generateReleaseNotes({ owner, repo, tag_name: "v1.1.0" });
    expect(notes.data).toEqual({ name: "v1.1.0", body: `**Full Changelog**: ${gh.url}/${owner}/${repo}/compare/v1.0.0...v1.1.0` });
    const since = await octokit.rest.repos.generateReleaseNotes({ owner, repo, tag_name: "v1.1.0", previous_tag_name: "v0.1.0" });
    expect(since.data.body).toContain("/compare/v0.1.0...v1.1.0");
    expect(await status(octokit.rest.repos.generateReleaseNotes({ owner, repo, tag_name: "" }))).toBe(422);
    const other = await octokit.rest.repos.createRelease({ owner, repo, tag_name: "v0.9.0" });
    expect(await status(octokit.rest.repos.createRelease({ owner, repo, tag_name: "v0.9.0" }))).toBe(422);
    await octokit.rest.repos.deleteRelease({ owner, repo, release_id: other.data.id });
    expect(await status(octokit.rest.repos.getRelease({ owner, repo, release_id: other.data.id }))).toBe(404);

    // Contents, refs and branches.
    const readme = await octokit.rest.repos.getContent({ owner, repo, path: "README.md" });
    expect(Array.isArray(readme.data)).toBe(false);
    const file = readme.data as { sha: string; content: string };
    expect(Buffer.from(file.content, "base64").toString()).toBe("hello\n");
    expect(file.sha).toBe("ce013625030ba8dba906f756967f9e9ca394464a"); // `git hash-object` of "hello\n"
    const dir = await octokit.rest.repos.getContent({ owner, repo, path: "" });
    expect((dir.data as Array<{ path: string; type: string }>).map((e) => `${e.type}:${e.path}`)).toEqual(["file:README.md", "dir:docs"]);
    const main = await octokit.rest.git.getRef({ owner, repo, ref: "heads/main" });
    await octokit.rest.git.createRef({ owner, repo, ref: "refs/heads/bump", sha: main.data.object.sha });
    const put = await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: "pkg/tool.rb",
      message: "add",
      branch: "bump",
      content: Buffer.from("v1").toString("base64"),
    });
    expect(put.status).toBe(201);
    const update = { owner, repo, path: "pkg/tool.rb", message: "bump", branch: "bump", content: Buffer.from("v2").toString("base64") };
    expect(await status(octokit.rest.repos.createOrUpdateFileContents(update))).toBe(422); // sha missing
    expect(await status(octokit.rest.repos.createOrUpdateFileContents({ ...update, sha: "0".repeat(40) }))).toBe(409);
    const updated = await octokit.rest.repos.createOrUpdateFileContents({ ...update, sha: put.data.content!.sha! });
    expect(updated.status).toBe(200);
    expect(gh.readFile(`${owner}/${repo}`, "pkg/tool.rb", "bump")).toBe("v2");
    expect(gh.readFile(`${owner}/${repo}`, "pkg/tool.rb")).toBeUndefined();
    await octokit.rest.repos.getBranch({ owner, repo, branch: "bump" });
    await octokit.rest.repos.deleteFile({
      owner,
      repo,
      path: "docs/a.md",
      message: "rm",
      branch: "bump",
      sha: "2e65efe2a145dda7ee51d1741299f848e5bf752e",
    });
    expect(gh.readFile(`${owner}/${repo}`, "docs/a.md", "bump")).toBeUndefined();
    expect(await status(octokit.rest.git.updateRef({ owner, repo, ref: "heads/main", sha: updated.data.commit.sha! }))).toBe(200);
    expect(gh.readFile(`${owner}/${repo}`, "pkg/tool.rb")).toBe("v2");
    await octokit.rest.git.deleteRef({ owner, repo, ref: "heads/bump" });
    expect(await status(octokit.rest.git.getRef({ owner, repo, ref: "heads/bump" }))).toBe(404);

    // Forks, pull requests and search.
    const fork = await octokit.rest.repos.createFork({ owner, repo });
    expect(fork.status).toBe(202);
    expect(fork.data.full_name).toBe(`ferry-sandbox/${repo}`);
    expect((await octokit.rest.repos.listForks({ owner, repo })).data.map((f) => f.full_name)).toEqual([`ferry-sandbox/${repo}`]);
    await octokit.rest.repos.mergeUpstream({ owner: "ferry-sandbox", repo, branch: "main" });
    const forkMain = await octokit.rest.git.getRef({ owner: "ferry-sandbox", repo, ref: "heads/main" });
    await octokit.rest.git.createRef({ owner: "ferry-sandbox", repo, ref: "refs/heads/tool-1.0.0", sha: forkMain.data.object.sha });
    await octokit.rest.repos.createOrUpdateFileContents({
      owner: "ferry-sandbox",
      repo,
      path: "pkg/tool.rb",
      message: "tool 1.0.0",
      branch: "tool-1.0.0",
      sha: ((await octokit.rest.repos.getContent({ owner: "ferry-sandbox", repo, path: "pkg/tool.rb" })) as { data: { sha: string } }).data
        .sha,
      content: Buffer.from("v3").toString("base64"),
    });
    const pr = await octokit.rest.pulls.create({
      owner,
      repo,
      title: "tool 1.0.0",
      head: "ferry-sandbox:tool-1.0.0",
      base: "main",
      body: "new version",
    });
    expect((await octokit.rest.pulls.list({ owner, repo, head: "ferry-sandbox:tool-1.0.0" })).data.map((p) => p.number)).toEqual([
      pr.data.number,
    ]);
    await octokit.rest.pulls.get({ owner, repo, pull_number: pr.data.number });
    const found = await octokit.rest.search.issuesAndPullRequests({ q: `repo:${owner}/${repo} is:pr is:open in:title "tool 1.0.0"` });
    expect(found.data.items.map((i) => i.number)).toEqual([pr.data.number]);
    await octokit.rest.pulls.update({ owner, repo, pull_number: pr.data.number, state: "closed" });
    expect(gh.pulls(`${owner}/${repo}`)).toMatchObject([
      { head: "ferry-sandbox:tool-1.0.0", base: "main", state: "closed", files: { "pkg/tool.rb": "v3" } },
    ]);

    expect(await status(octokit.rest.repos.get({ owner, repo: "missing" }))).toBe(404);

    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        "DELETE /repos/{owner}/{repo}/contents/{path} 200",
        "GET /repos/{owner}/{repo} 200",
        "GET /repos/{owner}/{repo} 404",
        "GET /repos/{owner}/{repo}/branches/{branch} 200",
        "GET /repos/{owner}/{repo}/contents/{path} 200",
        "GET /repos/{owner}/{repo}/forks 200",
        "GET /repos/{owner}/{repo}/git/ref/{ref} 200",
        "GET /repos/{owner}/{repo}/git/ref/{ref} 404",
        "GET /repos/{owner}/{repo}/pulls 200",
        "GET /repos/{owner}/{repo}/pulls/{pull_number} 200",
        "GET /repos/{owner}/{repo}/releases 200",
        "GET /repos/{owner}/{repo}/releases/assets/{asset_id} 200",
        "GET /repos/{owner}/{repo}/releases/latest 200",
        "GET /repos/{owner}/{repo}/releases/tags/{tag} 200",
        "GET /repos/{owner}/{repo}/releases/{release_id} 200",
        "GET /repos/{owner}/{repo}/releases/{release_id} 404",
        "GET /repos/{owner}/{repo}/releases/{release_id}/assets 200",
        "GET /search/issues 200",
        "GET /user 200",
        "PATCH /repos/{owner}/{repo}/git/refs/{ref} 200",
        "PATCH /repos/{owner}/{repo}/pulls/{pull_number} 200",
        "PATCH /repos/{owner}/{repo}/releases/assets/{asset_id} 200",
        "PATCH /repos/{owner}/{repo}/releases/{release_id} 200",
        "POST /repos/{owner}/{repo}/forks 202",
        "POST /repos/{owner}/{repo}/git/refs 201",
        "POST /repos/{owner}/{repo}/merge-upstream 200",
        "POST /repos/{owner}/{repo}/pulls 201",
        "POST /repos/{owner}/{repo}/releases 201",
        "POST /repos/{owner}/{repo}/releases 422",
        "POST /repos/{owner}/{repo}/releases/generate-notes 200",
        "POST /repos/{owner}/{repo}/releases/generate-notes 422",
        "POST /repos/{owner}/{repo}/releases/{release_id}/assets 201",
        "PUT /repos/{owner}/{repo}/contents/{path} 200",
        "PUT /repos/{owner}/{repo}/contents/{path} 201",
        "PUT /repos/{owner}/{repo}/contents/{path} 409",
        "PUT /repos/{owner}/{repo}/contents/{path} 422",
      ]),
    );
  }, 60_000); // compiling GitHub's large response schemas takes seconds

  it("stores an attestation under each subject's digest and lists it by digest, as GitHub's attestations API does", async () => {
    const octokit = client();
    const owner = "acme";
    const repo = "attested";
    gh.createRepo(`${owner}/${repo}`);
    const digest = createHash("sha256").update("archive").digest("hex");
    const statement = {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: "tool.tar.gz", digest: { sha256: digest } }],
      predicateType: "https://slsa.dev/provenance/v1",
      predicate: {},
    };
    const bundle = {
      mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
      verificationMaterial: { certificate: { rawBytes: "MA==" }, tlogEntries: [] },
      dsseEnvelope: {
        payload: Buffer.from(JSON.stringify(statement)).toString("base64"),
        payloadType: "application/vnd.in-toto+json",
        signatures: [{ sig: "MA==", keyid: "" }],
      },
    };
    const created = await octokit.rest.repos.createAttestation({ owner, repo, bundle });
    expect(created.status).toBe(201);
    expect(created.data.id).toEqual(expect.any(Number));
    const listed = await octokit.rest.repos.listAttestations({ owner, repo, subject_digest: `sha256:${digest}` });
    // As GitHub answers now: no inline bundle, a bundle_url that serves it snappy-compressed, without a token.
    const [attestation] = listed.data.attestations!;
    expect(attestation!.bundle).toBeUndefined();
    const served = await fetch(attestation!.bundle_url!);
    expect(served.headers.get("content-type")).toBe("application/x-snappy");
    expect(JSON.parse(Buffer.from(uncompress(new Uint8Array(await served.arrayBuffer()))).toString())).toEqual(bundle);
    const otherType = await octokit.rest.repos.listAttestations({
      owner,
      repo,
      subject_digest: `sha256:${digest}`,
      predicate_type: "https://spdx.dev/Document/v2.3",
    });
    expect(otherType.data.attestations).toEqual([]);
    const other = await octokit.rest.repos.listAttestations({ owner, repo, subject_digest: `sha256:${"0".repeat(64)}` });
    expect(other.data.attestations).toEqual([]);
    const unsigned = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, signatures: [] } };
    expect(await status(octokit.rest.repos.createAttestation({ owner, repo, bundle: unsigned }))).toBe(422);
    expect([...checked]).toEqual(
      expect.arrayContaining([
        "POST /repos/{owner}/{repo}/attestations 201",
        "POST /repos/{owner}/{repo}/attestations 422",
        "GET /repos/{owner}/{repo}/attestations/{subject_digest} 200",
      ]),
    );
  }, 60_000);

  it("hides a draft from releases/tags/{tag}, as GitHub does, while the release list shows it", async () => {
    const octokit = client();
    gh.createRepo("acme/draft");
    const draft = await octokit.rest.repos.createRelease({ owner: "acme", repo: "draft", tag_name: "v2.0.0", draft: true });
    expect(draft.data.published_at).toBeNull();
    expect(await status(octokit.rest.repos.getReleaseByTag({ owner: "acme", repo: "draft", tag: "v2.0.0" }))).toBe(404);
    expect(await status(octokit.rest.repos.getLatestRelease({ owner: "acme", repo: "draft" }))).toBe(404);
    const all = await octokit.paginate(octokit.rest.repos.listReleases, { owner: "acme", repo: "draft", per_page: 100 });
    expect(all.map((r) => [r.tag_name, r.draft])).toEqual([["v2.0.0", true]]);
    expect(gh.release("acme/draft", "v2.0.0")).toMatchObject({ draft: true, publishedAt: null, latest: false });
  });

  it("pages the release list with a Link header", async () => {
    const octokit = client();
    gh.createRepo("acme/many");
    for (const tag of ["v1", "v2", "v3"]) await octokit.rest.repos.createRelease({ owner: "acme", repo: "many", tag_name: tag });
    const first = await octokit.rest.repos.listReleases({ owner: "acme", repo: "many", per_page: 2 });
    expect(first.data.map((r) => r.tag_name)).toEqual(["v3", "v2"]);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.repos.listReleases, { owner: "acme", repo: "many", per_page: 2 });
    expect(all.map((r) => r.tag_name)).toEqual(["v3", "v2", "v1"]);
  });

  it("refuses a duplicate asset name, locks assets once published, and serves downloads only when published", async () => {
    const octokit = client();
    gh.createRepo("acme/assets");
    const { data: release } = await octokit.rest.repos.createRelease({ owner: "acme", repo: "assets", tag_name: "v1.0.0", draft: true });
    const bytes = Buffer.from("binary\x00payload");
    const upload = (name: string) =>
      octokit.rest.repos.uploadReleaseAsset({
        owner: "acme",
        repo: "assets",
        release_id: release.id,
        url: release.upload_url,
        name,
        data: bytes as unknown as string,
        headers: { "content-type": "application/octet-stream" },
      });
    const asset = (await upload("tool_linux_amd64.tar.gz")).data;
    const conflict = await upload("tool_linux_amd64.tar.gz").catch((error: { status: number; response: { data: unknown } }) => error);
    expect(conflict).toMatchObject({
      status: 422,
      response: { data: { message: "Validation Failed", errors: [{ resource: "ReleaseAsset", code: "already_exists", field: "name" }] } },
    });

    const download = `${gh.url}/acme/assets/releases/download/v1.0.0/tool_linux_amd64.tar.gz`;
    expect(asset.browser_download_url).toBe(download);
    expect((await fetch(download)).status).toBe(404);
    const viaApi = await fetch(asset.url, { headers: { authorization: `Bearer ${gh.token}`, accept: "application/octet-stream" } });
    expect(Buffer.from(await viaApi.arrayBuffer())).toEqual(bytes);

    await octokit.rest.repos.updateRelease({ owner: "acme", repo: "assets", release_id: release.id, draft: false });
    const published = await fetch(download);
    expect(published.status).toBe(200);
    expect(Buffer.from(await published.arrayBuffer())).toEqual(bytes);
    expect(await status(upload("late.txt"))).toBe(422);
    expect(await status(octokit.rest.repos.deleteReleaseAsset({ owner: "acme", repo: "assets", asset_id: asset.id }))).toBe(422);
    expect(await status(octokit.rest.repos.updateRelease({ owner: "acme", repo: "assets", release_id: release.id, draft: true }))).toBe(
      422,
    );

    const state = gh.release("acme/assets", "v1.0.0");
    expect(state).toMatchObject({ draft: false, latest: true, assets: [{ name: "tool_linux_amd64.tar.gz", size: bytes.length }] });
    expect(state?.assets[0]?.digest).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    expect(state?.assets[0]?.bytes).toEqual(bytes);
  });

  it("serves every URL a release answer lists: the API's, downloads, source archives, users, avatars and pages", async () => {
    const octokit = client();
    gh.createRepo("acme/served", { files: { "README.md": "# served\n" } });
    const { data: draft } = await octokit.rest.repos.createRelease({ owner: "acme", repo: "served", tag_name: "v2.0.0", draft: true });
    const bytes = Buffer.from("served\x00bytes");
    // upload_url is where assets are sent (a POST, through the template), not a document to read.
    await octokit.rest.repos.uploadReleaseAsset({
      owner: "acme",
      repo: "served",
      release_id: draft.id,
      url: draft.upload_url,
      name: "tool.tar.gz",
      data: bytes as unknown as string,
      headers: { "content-type": "application/octet-stream" },
    });
    const { data: release } = await octokit.rest.repos.updateRelease({ owner: "acme", repo: "served", release_id: draft.id, draft: false });
    const readable = Object.fromEntries(Object.entries(release).filter(([key]) => key !== "upload_url"));
    const served = await expectServed(readable, gh.url, { authorization: `Bearer ${gh.token}` });

    const asset = release.assets[0]!;
    expect(served.get(asset.browser_download_url)).toEqual(bytes);
    expect(JSON.parse(served.get(asset.url)!.toString())).toMatchObject({ id: asset.id, name: "tool.tar.gz" });
    expect(JSON.parse(served.get(release.assets_url)!.toString())).toMatchObject([{ id: asset.id }]);
    expect(JSON.parse(served.get(release.author.url)!.toString())).toMatchObject({ login: gh.login });
    expect(served.get(release.html_url)!.toString()).toContain("<html>");
    const top = `acme-served-${(await octokit.rest.repos.getBranch({ owner: "acme", repo: "served", branch: "main" })).data.commit.sha.slice(0, 7)}`;
    expect(gunzipSync(served.get(release.tarball_url!)!).toString("latin1")).toContain(`${top}/README.md`);
    const zip = served.get(release.zipball_url!)!;
    expect([zip.subarray(0, 2).toString(), zip.toString("latin1").includes(`${top}/README.md`)]).toEqual(["PK", true]);
  });

  it("honours make_latest", async () => {
    const octokit = client();
    gh.createRepo("acme/latest");
    const v1 = await octokit.rest.repos.createRelease({ owner: "acme", repo: "latest", tag_name: "v1" });
    await octokit.rest.repos.createRelease({ owner: "acme", repo: "latest", tag_name: "v0.9-backport", make_latest: "false" });
    expect((await octokit.rest.repos.getLatestRelease({ owner: "acme", repo: "latest" })).data.id).toBe(v1.data.id);
    const v2 = await octokit.rest.repos.createRelease({ owner: "acme", repo: "latest", tag_name: "v2", draft: true });
    await octokit.rest.repos.updateRelease({ owner: "acme", repo: "latest", release_id: v2.data.id, draft: false, make_latest: "legacy" });
    expect((await octokit.rest.repos.getLatestRelease({ owner: "acme", repo: "latest" })).data.tag_name).toBe("v2");
    expect(gh.release("acme/latest", "v1")?.latest).toBe(false);
  });

  it("injects faults that the core client retries: a 502, then a secondary rate limit", async () => {
    gh.createRepo("acme/flaky");
    const octokit = createGitHub({ token: gh.token, api: gh.url });
    const before = gh.requests.length;
    gh.failNext("GET", /^\/repos\/acme\/flaky$/, 502);
    expect((await octokit.rest.repos.get({ owner: "acme", repo: "flaky" })).data.full_name).toBe("acme/flaky");
    gh.failNext("GET", /^\/repos\/acme\/flaky$/, 403);
    expect((await octokit.rest.repos.get({ owner: "acme", repo: "flaky" })).status).toBe(200);
    expect(gh.requests.slice(before).map((r) => r.path)).toEqual(Array(4).fill("/repos/acme/flaky"));

    gh.failNext("GET", /^\/repos\/acme\/flaky$/, 403);
    const limited = await fetch(`${gh.url}/repos/acme/flaky`, { headers: { authorization: `Bearer ${gh.token}` } });
    expect(limited.status).toBe(403);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
  });

  it("paces the core client's writes per host, not a second apart, and waits out a secondary limit on a write", async () => {
    gh.createRepo("acme/paced");
    const [first, second] = [createGitHub({ token: gh.token, api: gh.url }), createGitHub({ token: gh.token, api: gh.url })];
    const started = Date.now();
    // Ten writes from two clients: a process-wide queue of one write a second would take at least nine seconds.
    await Promise.all(
      [first, second].flatMap((octokit, c) =>
        [0, 1, 2, 3, 4].map((i) => octokit.rest.repos.createRelease({ owner: "acme", repo: "paced", tag_name: `v${c}.${i}`, draft: true })),
      ),
    );
    expect(Date.now() - started).toBeLessThan(5000);

    gh.failNext("POST", /^\/repos\/acme\/paced\/releases$/, 403);
    const limited = Date.now();
    await first.rest.repos.createRelease({ owner: "acme", repo: "paced", tag_name: "v2.0", draft: true });
    expect(Date.now() - limited).toBeGreaterThanOrEqual(1000);
    expect(gh.requests.filter((r) => r.method === "POST" && r.path === "/repos/acme/paced/releases")).toHaveLength(12);
  });

  it("answers 401 Bad credentials to a wrong or missing token, and accepts extra tokens", async () => {
    gh.createRepo("acme/private");
    const wrong = await client("ghp_wrong")
      .rest.repos.get({ owner: "acme", repo: "private" })
      .catch((e: { status: number; response: { data: unknown } }) => e);
    expect(wrong).toMatchObject({ status: 401, response: { data: { message: "Bad credentials" } } });
    expect((await fetch(`${gh.url}/user`)).status).toBe(401);
    const other = await startGitHub({ token: "ghs_main", extraTokens: ["ghs_rotated"] });
    try {
      const res = await fetch(`${other.url}/user`, { headers: { authorization: "token ghs_rotated" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-oauth-scopes")).toBe("repo, workflow");
      expect(res.headers.get("x-ratelimit-remaining")).toBe("4999");
    } finally {
      await other.stop();
    }
  });

  it("syncs a fork from its parent and refuses a second open PR for the same head", async () => {
    const octokit = client();
    gh.createRepo("winget/pkgs", { defaultBranch: "master", files: { "a.yaml": "1" } });
    await octokit.rest.repos.createFork({ owner: "winget", repo: "pkgs" });
    const parentHead = await octokit.rest.git.getRef({ owner: "winget", repo: "pkgs", ref: "heads/master" });
    const put = await octokit.rest.repos.createOrUpdateFileContents({
      owner: "winget",
      repo: "pkgs",
      path: "b.yaml",
      message: "upstream moves",
      content: Buffer.from("2").toString("base64"),
      branch: "master",
    });
    expect(put.data.commit.parents?.[0]?.sha).toBe(parentHead.data.object.sha);
    expect(gh.readFile("ferry-sandbox/pkgs", "b.yaml")).toBeUndefined();
    const synced = await octokit.rest.repos.mergeUpstream({ owner: "ferry-sandbox", repo: "pkgs", branch: "master" });
    expect(synced.data.merge_type).toBe("fast-forward");
    expect(gh.readFile("ferry-sandbox/pkgs", "b.yaml")).toBe("2");

    const sha = (await octokit.rest.git.getRef({ owner: "ferry-sandbox", repo: "pkgs", ref: "heads/master" })).data.object.sha;
    await octokit.rest.git.createRef({ owner: "ferry-sandbox", repo: "pkgs", ref: "refs/heads/tool-2", sha });
    const open = { owner: "winget", repo: "pkgs", title: "New version: tool 2", head: "ferry-sandbox:tool-2", base: "master" };
    await octokit.rest.pulls.create(open);
    const again = await octokit.rest.pulls.create(open).catch((e: { status: number; response: { data: unknown } }) => e);
    expect(again).toMatchObject({
      status: 422,
      response: { data: { errors: [{ message: "A pull request already exists for ferry-sandbox:tool-2." }] } },
    });
  });

  it("holds its checker to the spec: a body missing a required field is rejected", () => {
    expect(() => checker.check("GET", `${gh.url}/user`, 200, { login: "x" })).toThrow(/must have required property/);
  });
});
