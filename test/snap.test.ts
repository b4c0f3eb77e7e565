import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { promisify } from "node:util";
import { createContext, type Context } from "@ferry/core";
import { startSnapStore, type SnapStoreSandbox } from "@ferry/sandbox";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import snap from "../registries/snap/src/index.ts";
import type { SnapOptions } from "../registries/snap/src/options.ts";
import { makeRelease, type FixtureOptions } from "./fixtures.ts";
import { expectServed } from "./served-urls.ts";

const run = promisify(execFile);
let store: SnapStoreSandbox;
const dirs: string[] = [];

beforeAll(async () => {
  store = await startSnapStore({ names: ["hello", "hello-review", "hello-crash", "hello-rc", "hello-older"] });
});
afterAll(async () => {
  await store?.stop();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const linux: FixtureOptions["targets"] = [
  ["linux", "amd64"],
  ["linux", "arm64"],
  ["windows", "amd64"],
];

async function context(
  release: FixtureOptions,
  options: Partial<SnapOptions> = {},
  env: NodeJS.ProcessEnv = store.env,
): Promise<Context<SnapOptions>> {
  const fixture = await makeRelease({ targets: linux, ...release });
  dirs.push(fixture.project.dir);
  return createContext({
    registry: "snap",
    options: snap.options.parse(options),
    project: fixture.project,
    version: fixture.version,
    manifest: fixture.manifest,
    distDir: fixture.distDir,
    env,
  });
}

async function release(ctx: Context<SnapOptions>) {
  const prepared = await snap.prepare(ctx);
  const published = await snap.publish(ctx, prepared);
  return { prepared, published, verified: await snap.verify(ctx, published) };
}

const uploads = () => store.requests.filter((r) => r === "POST /unscanned-upload/").length;

// Each upload is polled until processed, as the store is.
describe("snap", { timeout: 60_000 }, () => {
  it("builds one squashfs per linux architecture with meta/snap.yaml, byte for byte the same on a re-run", async () => {
    const ctx = await context({ version: "1.2.3" }, { plugs: ["network"] });
    const { snaps } = await snap.prepare(ctx);
    expect(snaps.map((s) => s.arch)).toEqual(["amd64", "arm64"]);
    const amd64 = snaps[0]!.file;
    const { stdout: listing } = await run("unsquashfs", ["-l", amd64]);
    expect(listing.trim().split("\n")).toEqual([
      "squashfs-root",
      "squashfs-root/bin",
      "squashfs-root/bin/hello",
      "squashfs-root/meta",
      "squashfs-root/meta/snap.yaml",
    ]);
    const { stdout: yaml } = await run("unsquashfs", ["-cat", amd64, "meta/snap.yaml"]);
    expect(parseYaml(yaml)).toEqual({
      name: "hello",
      version: "1.2.3",
      summary: "Says hello and prints its version.",
      description: "Says hello and prints its version.",
      base: "core24",
      grade: "stable",
      confinement: "strict",
      architectures: ["amd64"],
      apps: { hello: { command: "bin/hello", plugs: ["network"] } },
    });
    const { stdout: binary } = await run("unsquashfs", ["-cat", amd64, "bin/hello"]);
    expect(binary).toContain('echo "hello 1.2.3"');
    const { stdout: long } = await run("unsquashfs", ["-lln", amd64, "bin/hello"]);
    expect(long).toMatch(/-rwxr-xr-x 0\/0 .* 1970-01-01 00:00 squashfs-root\/bin\/hello/);

    const again = await snap.prepare(ctx);
    expect(again.snaps.map((s) => s.sha3_384)).toEqual(snaps.map((s) => s.sha3_384));
  });

  it("uploads, releases and verifies; then exists() finds it and a re-run uploads nothing", async () => {
    const ctx = await context({ version: "1.2.3" });
    expect(await snap.exists(ctx)).toEqual({ state: "absent" });
    const { verified } = await release(ctx);
    expect(verified).toMatchObject({ state: "verified" });
    expect(store.channels("hello")["latest/stable"]).toEqual({ amd64: 1, arm64: 2 });
    expect(store.revisions("hello").map((r) => [r.version, r.architectures, r.status])).toEqual([
      ["1.2.3", ["amd64"], "Approved"],
      ["1.2.3", ["arm64"], "Approved"],
    ]);

    expect(await snap.exists(ctx)).toEqual({ state: "present", matches: true, detail: expect.stringContaining("latest/stable") });
    // The snap info names a download per architecture; each serves the revision it describes.
    const info = (await (await fetch(`${store.url}/v2/snaps/info/hello`, { headers: { "Snap-Device-Series": "16" } })).json()) as {
      "channel-map": Array<{ download: { url: string; "sha3-384": string; size: number } }>;
    };
    const served = await expectServed(info, store.url);
    for (const { download } of info["channel-map"]) {
      const bytes = served.get(download.url)!;
      expect([bytes.length, createHash("sha3-384").update(bytes).digest("hex")]).toEqual([download.size, download["sha3-384"]]);
    }
    const before = uploads();
    const { published } = await release(ctx);
    expect(uploads()).toBe(before);
    expect(published.detail).toContain("already on latest/stable");

    const conflicting = await context({ version: "1.2.3", marker: "other" });
    expect(await snap.exists(conflicting)).toMatchObject({ state: "present", matches: false });
  });

  it("releases a revision uploaded by a run that stopped before releasing, without uploading it again", async () => {
    const ctx = await context({ name: "hello-crash", version: "2.0.0" });
    const prepared = await snap.prepare(ctx);
    // What the crashed run left behind: the amd64 snap uploaded and processed, never released.
    const { pushSnap, waitForProcessing } = await import("../registries/snap/src/store.ts");
    await waitForProcessing(ctx, await pushSnap(ctx, prepared.snaps[0]!.file), 10);
    expect(await snap.exists(ctx)).toEqual({ state: "absent" });

    const before = uploads();
    const { verified } = await release(ctx);
    expect(uploads() - before).toBe(1);
    expect(verified).toMatchObject({ state: "verified" });
    expect(store.channels("hello-crash")["latest/stable"]).toEqual({ amd64: 1, arm64: 2 });
  });

  it("never moves a channel back: an older release is present as its revision in the store, and one never uploaded is skipped", async () => {
    const older = await context({ name: "hello-older", version: "1.0.0" });
    await release(older);
    await release(await context({ name: "hello-older", version: "1.1.0" }));
    expect(store.channels("hello-older")["latest/stable"]).toEqual({ amd64: 3, arm64: 4 });

    // Published again later (ferry publish --tag v1.0.0): there, and stable keeps 1.1.0.
    expect(await snap.exists(older)).toEqual({
      state: "present",
      matches: true,
      detail: "1.0.0 is in the store as revisions 1 (amd64), 2 (arm64); latest/stable has moved on to 1.1.0",
    });
    const before = uploads();
    const { published, verified } = await release(older);
    expect(published.detail).toContain("revision 1 (amd64) in the store; latest/stable keeps the newer 1.1.0");
    expect(verified).toMatchObject({ state: "verified", detail: expect.stringContaining("in the store for amd64, arm64") });
    expect(await snap.exists(await context({ name: "hello-older", version: "1.0.0", marker: "other" }))).toMatchObject({ matches: false });

    // One never uploaded is skipped (the channel holds a newer version), and publishing it anyway is refused.
    const never = await context({ name: "hello-older", version: "1.0.5" });
    expect(await snap.exists(never)).toMatchObject({ state: "newer", version: "1.1.0" });
    await expect(release(never)).rejects.toMatchObject({
      code: "PublishedContentDiffers",
      message: expect.stringContaining("latest/stable already has hello-older 1.1.0 for amd64, newer than 1.0.5; not moving it back"),
    });
    expect(uploads()).toBe(before);
    expect(store.channels("hello-older")["latest/stable"]).toEqual({ amd64: 3, arm64: 4 });
  });

  it("reports an upload held for manual review as awaiting review, not published and not failed", async () => {
    const ctx = await context({ name: "hello-review", version: "1.0.0" }, { confinement: "classic" });
    store.manualReview = true;
    try {
      const { published, verified } = await release(ctx);
      expect(published.detail).toContain("in manual review");
      expect(verified).toMatchObject({ state: "awaiting-review" });
      expect(store.channels("hello-review")).toEqual({});
      expect(await snap.exists(ctx)).toEqual({ state: "absent" });
      // A re-run while the review is pending neither uploads again nor fails.
      const before = uploads();
      expect((await release(ctx)).verified).toMatchObject({ state: "awaiting-review" });
      expect(uploads()).toBe(before);
    } finally {
      store.manualReview = false;
    }
  });

  it("sends a release candidate to candidate (grade stable) and a beta to beta (grade devel), on the configured track", async () => {
    const rc = await context({ name: "hello-rc", version: "1.3.0-rc.1" }, { track: "1.x" });
    expect((await release(rc)).verified).toMatchObject({ state: "verified", detail: expect.stringContaining("1.x/candidate") });
    const beta = await context({ name: "hello-rc", version: "1.4.0-beta.2" }, { track: "1.x" });
    expect((await release(beta)).verified).toMatchObject({ state: "verified", detail: expect.stringContaining("1.x/beta") });
    expect(store.channels("hello-rc")).toEqual({ "1.x/candidate": { amd64: 1, arm64: 2 }, "1.x/beta": { amd64: 3, arm64: 4 } });
    expect(store.revisions("hello-rc").map((r) => `${r.version} ${r.grade}`)).toEqual([
      "1.3.0-rc.1 stable",
      "1.3.0-rc.1 stable",
      "1.4.0-beta.2 devel",
      "1.4.0-beta.2 devel",
    ]);
  });

  it("says what to do when the credentials are missing, and throws when the store is unreachable", async () => {
    const { SNAPCRAFT_STORE_CREDENTIALS: _, ...noCredentials } = store.env;
    await expect(snap.exists(await context({}, {}, noCredentials))).rejects.toMatchObject({ code: "SecretMissing" });
    const dead = { ...store.env, FERRY_SNAP_DASHBOARD_URL: "http://127.0.0.1:9" };
    await expect(snap.exists(await context({}, {}, dead))).rejects.toMatchObject({ code: "RegistryUnreachable" });
  });
});
