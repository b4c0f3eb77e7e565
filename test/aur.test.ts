import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { type FerryError, createContext, type Context } from "@ferry/core";
import { startAur, type AurSandbox } from "@ferry/sandbox";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import aur from "../registries/aur/src/index.ts";
import { makeRelease, type FixtureOptions, type FixtureRelease } from "./fixtures.ts";
import { makepkg } from "./makepkg.ts";

// Every step runs ssh, git and (for builds) makepkg; the machine running the suite may be busy.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

type Options = ReturnType<typeof aur.options.parse>;
let sandbox: AurSandbox;
let downloads: Server;
let serverUrl: string;
const cleanup: string[] = [];
const output: string[] = [];

beforeAll(async () => {
  sandbox = await startAur();
  // The release assets, served over HTTP the way GitHub serves release downloads: makepkg fetches them.
  const served = new Map<string, string>();
  downloads = createServer((req, res) => {
    const file = served.get(basename(new URL(req.url ?? "/", "http://x").pathname));
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => downloads.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(downloads.address() as AddressInfo).port}`;
  serve = async (fixture) => {
    for (const file of await readdir(fixture.distDir)) served.set(file, join(fixture.distDir, file));
  };
});

afterAll(async () => {
  await sandbox?.stop();
  downloads?.closeAllConnections();
  await new Promise((resolve) => downloads?.close(resolve));
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

let serve: (fixture: FixtureRelease) => Promise<void>;

async function release(options: FixtureOptions = {}): Promise<FixtureRelease> {
  const fixture = await makeRelease({
    serverUrl,
    targets: [
      ["linux", "amd64"],
      ["linux", "arm64"],
      ["darwin", "arm64"],
    ],
    ...options,
  });
  cleanup.push(fixture.project.dir);
  await serve(fixture);
  return fixture;
}

function context(fixture: FixtureRelease, options: Partial<Options> = {}, env: NodeJS.ProcessEnv = {}): Context<Options> {
  return createContext({
    registry: "aur",
    options: aur.options.parse(options),
    ...fixture,
    env: { ...sandbox.env, ...env },
    log: (message) => output.push(message),
  });
}

/** Runs a step, keeping what a thrown error would show a user. */
async function attempt<T>(step: () => Promise<T>): Promise<FerryError> {
  try {
    await step();
  } catch (error) {
    output.push(String(error), JSON.stringify((error as FerryError).details ?? {}));
    return error as FerryError;
  }
  throw new Error("expected the step to fail");
}

async function publish(ctx: Context<Options>) {
  const prepared = await aur.prepare(ctx);
  for (const file of prepared.files) output.push(await readFile(file, "utf8"));
  const published = await aur.publish(ctx, prepared);
  output.push(published.detail);
  const verified = await aur.verify(ctx, published);
  return { prepared, published, verified };
}

/** What an AUR helper sees: the RPC's info result. */
async function rpcInfo(name: string) {
  const response = await fetch(`${sandbox.env.FERRY_AUR_RPC}/rpc/v5/info?arg[]=${name}`);
  return (await response.json()) as {
    type: string;
    resultcount: number;
    results: Array<{ Name: string; Version: string; Description: string }>;
  };
}

/** A file as pushed to master of the package's AUR repository. */
const pushed = (pkgbase: string, file: string) =>
  execFileSync("git", ["--git-dir", join(sandbox.reposDir, `${pkgbase}.git`), "show", `refs/heads/master:${file}`], { encoding: "utf8" });

describe("aur against an sshd-backed AUR", () => {
  it("publishes a new package, verifies it, finds it present, and pushes nothing on a re-run", async () => {
    const fixture = await release();
    const ctx = context(fixture);
    expect(await aur.exists(ctx)).toEqual({ state: "absent" });
    expect((await rpcInfo("hello-bin")).resultcount).toBe(0);

    const { published, verified } = await publish(ctx);
    expect(published.detail).toMatch(/^hello-bin 1\.2\.3-1: commit [0-9a-f]{12} on master$/);
    expect(verified).toEqual({ state: "verified", detail: expect.stringContaining("hello-bin 1.2.3-1") });

    const info = await rpcInfo("hello-bin");
    expect(info).toMatchObject({ type: "multiinfo", resultcount: 1 });
    expect(info.results[0]).toMatchObject({ Name: "hello-bin", Version: "1.2.3-1", Description: fixture.project.description });
    expect(await aur.exists(ctx)).toEqual({ state: "present", matches: true, detail: "hello-bin 1.2.3-1 with the same sha256sums." });

    // What was pushed is what makepkg itself derives from the pushed PKGBUILD.
    const dir = await mkdtemp(join(tmpdir(), "ferry-aur-pushed-"));
    cleanup.push(dir);
    const printed = await makepkg(pushed("hello-bin", "PKGBUILD"), ["--printsrcinfo"]);
    cleanup.push(printed.dir);
    expect(pushed("hello-bin", ".SRCINFO")).toBe(printed.stdout);
    const commits = await sandbox.commits("hello-bin");
    expect(commits).toHaveLength(1);
    const author = execFileSync(
      "git",
      ["--git-dir", join(sandbox.reposDir, "hello-bin.git"), "log", "-1", "--format=%an <%ae>|%s", "master"],
      { encoding: "utf8" },
    );
    expect(author.trim()).toBe("Ferry Test <test@example.com>|Add 1.2.3-1");

    const again = await publish(context(fixture));
    expect(again.published.detail).toBe("hello-bin 1.2.3-1: the AUR already had these files, nothing pushed");
    expect(await sandbox.commits("hello-bin")).toEqual(commits);
  });

  it("updates an older version, and finds a newer one, which an older release leaves alone", async () => {
    const older = await release({ name: "upd" });
    await publish(context(older));
    const newer = await release({ name: "upd", version: "1.3.0" });
    expect(await aur.exists(context(newer))).toEqual({ state: "absent" });
    await publish(context(newer));
    expect((await rpcInfo("upd-bin")).results[0]?.Version).toBe("1.3.0-1");
    expect(pushed("upd-bin", "PKGBUILD")).toContain("pkgrel=1\n");
    expect(await aur.exists(context(older))).toEqual({ state: "newer", version: "1.3.0-1", where: "upd-bin on the AUR" });
    const error = await attempt(() => aur.prepare(context(older)).then((p) => aur.publish(context(older), p)));
    expect(error.code).toBe("PublishedContentDiffers");
    expect(await sandbox.commits("upd-bin")).toHaveLength(2);
  });

  it("refuses the same pkgver with other checksums, instead of bumping pkgrel", async () => {
    await publish(context(await release({ name: "clash" })));
    const changed = context(await release({ name: "clash", marker: " rebuilt" }));
    expect(await aur.exists(changed)).toMatchObject({ state: "present", matches: false });
    const error = await attempt(async () => aur.publish(changed, await aur.prepare(changed)));
    expect(error.code).toBe("PublishedContentDiffers");
    expect(error.message).toContain("clash-bin 1.2.3 is already on the AUR with other sha256sums");
    expect(await sandbox.commits("clash-bin")).toHaveLength(1);
  });

  it("publishes with a key whose newlines were mangled into spaces and CRLF", async () => {
    const key = sandbox.env.AUR_SSH_PRIVATE_KEY!;
    const fixture = await release({ name: "mangled" });
    await publish(context(fixture, {}, { AUR_SSH_PRIVATE_KEY: key.trim().replace(/\n/g, " ") }));
    const second = await release({ name: "mangled", version: "1.2.4" });
    await publish(context(second, {}, { AUR_SSH_PRIVATE_KEY: key.replace(/\n/g, "\r\n") }));
    expect((await rpcInfo("mangled-bin")).results[0]?.Version).toBe("1.2.4-1");
  });

  it("fails clearly when the host key does not match the pinned one, and pushes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ferry-aur-other-"));
    cleanup.push(dir);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "other")]);
    const other = (await readFile(join(dir, "other.pub"), "utf8")).split(" ").slice(0, 2).join(" ");
    const hostPattern = sandbox.env.FERRY_AUR_KNOWN_HOSTS!.split(" ")[0]!;
    const ctx = context(await release({ name: "pinned" }), { knownHosts: `${hostPattern} ${other}` });
    const error = await attempt(async () => aur.publish(ctx, await aur.prepare(ctx)));
    expect(error.code).toBe("RegistryRefused");
    expect(error.message).toContain("does not match the pinned known_hosts");
    expect(await sandbox.commits("pinned-bin")).toEqual([]);
  });

  it("asks for the key when AUR_SSH_PRIVATE_KEY is not set", async () => {
    const ctx = context(await release({ name: "nokey" }), {}, { AUR_SSH_PRIVATE_KEY: "" });
    const error = await attempt(async () => aur.publish(ctx, await aur.prepare(ctx)));
    expect(error.code).toBe("SecretMissing");
  });

  it("throws when the RPC cannot be reached, instead of answering absent", async () => {
    const ctx = context(await release({ name: "offline" }), { rpc: "http://127.0.0.1:9" });
    expect((await attempt(() => aur.exists(ctx))).code).toBe("RegistryUnreachable");
  });

  it("never shows the private key: not in logs, errors, results, or rendered files", () => {
    const key = sandbox.env.AUR_SSH_PRIVATE_KEY!;
    const body = key.split("\n").filter((line) => line && !line.startsWith("-----"));
    const text = output.join("\n");
    // Everything the tests above saw: rendered files, publish results, logs and every error.
    expect(text).toContain("does not match the pinned known_hosts");
    expect(text).toContain("pkgbase = hello-bin");
    for (const line of body) expect(text).not.toContain(line);
    expect(text).not.toContain(body.join("").slice(20, 90));
  });
});

describe("the PKGBUILD under a real makepkg build", () => {
  it("downloads the release archives, verifies their sha256sums, and packages the binary", async () => {
    const fixture = await release({ name: "built", version: "2.0.0-rc.1" });
    const ctx = context(fixture);
    const prepared = await aur.prepare(ctx);
    const pkgbuild = await readFile(
      prepared.files.find((f) => f.endsWith("PKGBUILD"))!,
      "utf8",
    );
    const build = await makepkg(pkgbuild, ["--nodeps", "--noconfirm", "--noprogressbar"]);
    cleanup.push(build.dir);
    expect(build.stdout).toContain("Validating source_x86_64 files with sha256sums...");
    expect(build.stderr).toMatch(/built-2\.0\.0rc1-x86_64\.tar\.gz \.\.\. Passed/);
    const packages = (await readdir(build.dir)).filter((f) => /\.pkg\.tar\./.test(f));
    expect(packages).toEqual([expect.stringMatching(/^built-bin-2\.0\.0rc1-1-x86_64\.pkg\.tar\./)]);
    const listing = execFileSync("bsdtar", ["-tf", join(build.dir, packages[0]!)], { encoding: "utf8" });
    expect(listing.split("\n")).toContain("usr/bin/built");
    const binary = execFileSync("bsdtar", ["-xOf", join(build.dir, packages[0]!), "usr/bin/built"], { encoding: "utf8" });
    expect(binary).toContain('echo "built 2.0.0-rc.1"');
  });

  it("fails when an archive does not match its sha256sum", async () => {
    const fixture = await release({ name: "tampered" });
    const prepared = await aur.prepare(context(fixture));
    const pkgbuild = (
      await readFile(
        prepared.files.find((f) => f.endsWith("PKGBUILD"))!,
        "utf8",
      )
    ).replace(/sha256sums_x86_64=\('[0-9a-f]{64}'\)/, `sha256sums_x86_64=('${"0".repeat(64)}')`);
    const failure = await makepkg(pkgbuild, ["--nodeps", "--noconfirm", "--noprogressbar"]).then(
      () => undefined,
      (error: { stderr?: string; stdout?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`,
    );
    expect(failure).toMatch(/FAILED/);
    expect(failure).toMatch(/One or more files did not pass the validity check/);
  });
});
