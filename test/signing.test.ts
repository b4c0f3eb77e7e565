import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGitHub, startSigstore, type GitHubStandIn, type SigstoreSandbox } from "@ferry/sandbox";
import { ferry, scriptProject } from "./cli.ts";

let github: GitHubStandIn;
let sigstore: SigstoreSandbox;
const dirs: string[] = [];
beforeAll(async () => {
  github = await startGitHub();
  sigstore = await startSigstore({ serverUrl: github.url, repository: "ferry-test/signed" });
});
afterAll(async () => {
  await Promise.all([github?.stop(), sigstore?.stop(), ...dirs.map((dir) => rm(dir, { recursive: true, force: true }))]);
});

const githubEnv = () => ({ GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: github.token });

async function project(name: string, extra = ""): Promise<string> {
  github.createRepo(`ferry-test/${name}`);
  const dir = await scriptProject(name, "  {}");
  dirs.push(dir);
  if (extra) await writeFile(join(dir, "ferry.yaml"), `${await readFile(join(dir, "ferry.yaml"), "utf8")}${extra}`);
  return dir;
}

const download = async (name: string, tag: string, file: string) =>
  Buffer.from(await (await fetch(`${github.url}/ferry-test/${name}/releases/download/${tag}/${file}`)).arrayBuffer());

/** sigstore's own verifier, trusting only the stand-ins' root, for the identity of the release workflow. */
async function verifyBundle(bundle: Buffer, data: Buffer): Promise<void> {
  const root = TrustedRoot.fromJSON(JSON.parse(await readFile(sigstore.trustedRoot, "utf8")));
  const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 });
  verifier.verify(toSignedEntity(bundleFromJSON(JSON.parse(bundle.toString("utf8"))), data), {
    subjectAlternativeName: sigstore.identity(),
    extensions: { issuer: sigstore.issuer },
  });
}

it("a release from CI signs checksums.txt keylessly; sigstore's verifier accepts it and rejects a tampered file", async () => {
  const dir = await project("signed");
  const run = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env: { ...githubEnv(), ...sigstore.env } });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stderr).toContain("signing checksums.txt with Sigstore (GitHub Actions OIDC)");
  expect(run.stdout).toContain(
    `\n  signature    checksums.txt  ${github.url}/ferry-test/signed/releases/download/v1.0.0/checksums.txt.sigstore.json\n`,
  );
  expect(run.stdout + run.stderr).not.toContain(sigstore.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);

  const assets = github.release("ferry-test/signed", "v1.0.0")!.assets.map((a) => a.name);
  expect(assets).toContain("checksums.txt.sigstore.json");
  const manifest = JSON.parse((await download("signed", "v1.0.0", "manifest.json")).toString()) as { files: unknown[] };
  expect(manifest.files).toEqual([
    expect.objectContaining({ name: "checksums.txt.sigstore.json", kind: "signature", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
  ]);
  const checksums = await download("signed", "v1.0.0", "checksums.txt");
  expect(checksums.toString()).not.toContain("sigstore.json");
  const bundle = await download("signed", "v1.0.0", "checksums.txt.sigstore.json");
  await verifyBundle(bundle, checksums);
  await expect(verifyBundle(bundle, Buffer.from(checksums.toString().replace(/^./, (c) => (c === "0" ? "1" : "0"))))).rejects.toThrow();
  await expect(
    (async () => {
      const root = TrustedRoot.fromJSON(JSON.parse(await readFile(sigstore.trustedRoot, "utf8")));
      new Verifier(toTrustMaterial(root)).verify(toSignedEntity(bundleFromJSON(JSON.parse(bundle.toString())), checksums), {
        subjectAlternativeName: `${github.url}/someone-else/signed/.github/workflows/release.yml@refs/heads/main`,
      });
    })(),
  ).rejects.toThrow();

  // The archives are what checksums.txt says (sha256sum -c), and an altered one is caught.
  const dist = join(dir, ".ferry");
  expect((await execa("sha256sum", ["-c", "checksums.txt"], { cwd: dist, reject: false })).exitCode).toBe(0);
  await writeFile(join(dist, "signed_1.0.0_linux_amd64.tar.gz"), "not the archive");
  const check = await execa("sha256sum", ["-c", "checksums.txt"], { cwd: dist, reject: false });
  expect(check.exitCode).toBe(1);
  expect(check.stdout).toContain("signed_1.0.0_linux_amd64.tar.gz: FAILED");

  // A re-run keeps the release's signature: published assets never change.
  await rm(dist, { recursive: true });
  const again = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env: { ...githubEnv(), ...sigstore.env } });
  expect(again.code, again.stdout + again.stderr).toBe(0);
  expect(again.stderr).toContain("keeping the release's checksums.txt.sigstore.json");
  expect(await readFile(join(dist, "checksums.txt.sigstore.json"))).toEqual(bundle);
});

it("without an OIDC token, auto signs nothing and says why; keyless refuses the run (exit 2) before anything is published", async () => {
  const plain = await project("unsigned");
  const run = await ferry(["release", "--tag", "v1.0.0"], { cwd: plain, env: githubEnv() });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stderr).toContain("checksums.txt is not signed: no OIDC token");
  expect(github.release("ferry-test/unsigned", "v1.0.0")!.assets.map((a) => a.name)).not.toContain("checksums.txt.sigstore.json");

  const strict = await project("must-sign", "sign:\n  checksums: keyless\n");
  const refused = await ferry(["release", "--tag", "v1.0.0"], { cwd: strict, env: githubEnv() });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("sign.checksums is keyless, but this run has no OIDC token to sign with.");
  expect(refused.stderr).not.toMatch(/\n\s+at /);
  expect(github.release("ferry-test/must-sign", "v1.0.0")).toBeUndefined();
});

it("with a minisign key, checksums.txt.minisig is made; minisign -V accepts it and rejects a tampered checksums.txt", async () => {
  const keys = await mkdtemp(join(tmpdir(), "ferry-minisign-"));
  dirs.push(keys);
  await execa("minisign", ["-G", "-W", "-p", join(keys, "ferry.pub"), "-s", join(keys, "ferry.key")]);
  const secretKey = await readFile(join(keys, "ferry.key"), "utf8");
  const dir = await project("minisigned", "sign:\n  checksums: minisign\n");
  const run = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env: { ...githubEnv(), FERRY_MINISIGN_KEY: secretKey } });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stderr).toContain("signing checksums.txt with minisign");
  expect(run.stdout + run.stderr).not.toContain(secretKey.split("\n")[1]);

  const downloaded = join(keys, "release");
  await mkdir(downloaded);
  for (const file of ["checksums.txt", "checksums.txt.minisig", "manifest.json"])
    await writeFile(join(downloaded, file), await download("minisigned", "v1.0.0", file));
  const manifest = JSON.parse(await readFile(join(downloaded, "manifest.json"), "utf8")) as { files: unknown[] };
  expect(manifest.files).toEqual([expect.objectContaining({ name: "checksums.txt.minisig", kind: "signature" })]);
  const verify = () => execa("minisign", ["-V", "-p", join(keys, "ferry.pub"), "-m", "checksums.txt"], { cwd: downloaded, reject: false });
  const verified = await verify();
  expect(verified.exitCode, verified.stderr).toBe(0);
  expect(verified.stdout).toContain("file:checksums.txt");
  await writeFile(join(downloaded, "checksums.txt"), `${await readFile(join(downloaded, "checksums.txt"), "utf8")}0000  extra\n`);
  expect((await verify()).exitCode).toBe(1);

  const keyless = await project("minisign-keyless", "sign:\n  checksums: minisign\n");
  const refused = await ferry(["release", "--tag", "v1.0.0"], { cwd: keyless, env: githubEnv() });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("sign.checksums is minisign, but FERRY_MINISIGN_KEY is not set.");
});

it("ferry plan lists the signatures and attestation a release would make here, and why not without an OIDC token", async () => {
  const dir = await project("planned");
  const asset = (name: string) => `${github.url}/ferry-test/planned/releases/download/v1.0.0/${name}`;
  const withOidc = await ferry(["plan", "--tag", "v1.0.0"], { cwd: dir, env: { ...githubEnv(), ...sigstore.env } });
  expect(withOidc.code, withOidc.stdout + withOidc.stderr).toBe(0);
  expect(withOidc.stdout).toContain(
    [
      `  signature    checksums.txt  ${asset("checksums.txt.sigstore.json")}`,
      "  sbom         each archive  not made: ferry.yaml has no sbom section",
      `  attestation  4 release files  ${github.url}/ferry-test/planned/attestations`,
    ].join("\n"),
  );
  expect(withOidc.stdout + withOidc.stderr).not.toContain(sigstore.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);

  const without = await ferry(["plan", "--tag", "v1.0.0", "--json"], { cwd: dir, env: githubEnv() });
  expect(without.code, without.stderr).toBe(0);
  expect((JSON.parse(without.stdout) as { release: { supplyChain: unknown } }).release.supplyChain).toEqual([
    {
      kind: "signature",
      subject: "checksums.txt",
      skipped: "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write`) and no FERRY_MINISIGN_KEY",
    },
    { kind: "sbom", subject: "each archive", skipped: "ferry.yaml has no sbom section" },
    {
      kind: "attestation",
      subject: "4 release files",
      skipped: "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write` and `attestations: write`)",
    },
  ]);
  const refused = await ferry(["plan", "--tag", "v1.0.0"], {
    cwd: await project("refused", "sign:\n  checksums: keyless\n"),
    env: githubEnv(),
  });
  expect(refused.stdout).toContain(
    "  signature    checksums.txt  not made: ferry release would refuse to run: sign.checksums is keyless, but this run has no OIDC token to sign with.",
  );
});

it("ferry doctor says what this environment signs, and fails what the config requires but the workflow or keys cannot give", async () => {
  const dir = await project("doctored", "sign:\n  checksums: keyless\n");
  await mkdir(join(dir, ".github", "workflows"), { recursive: true });
  const workflow = (permissions: string) =>
    `on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: {${permissions}}\n    steps:\n      - run: npx ferry release\n`;
  await writeFile(join(dir, ".github", "workflows", "release.yml"), workflow("contents: write, id-token: write"));
  const checks = (run: { stdout: string }) => run.stdout.split("\n").filter((line) => /^(ok|fail) +signing /.test(line));

  const inCi = await ferry(["doctor"], { cwd: dir, env: { ...githubEnv(), ...sigstore.env, FERRY_MINISIGN_KEY: "not a key" } });
  expect(inCi.code).toBe(1);
  expect(checks(inCi)).toEqual([
    "ok    signing  OIDC identity for keyless signing: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are set: the job has `id-token: write`",
    expect.stringMatching(
      /^fail +signing +permissions of \.github\/workflows\/release\.yml job release: no `attestations: write`: GitHub refuses the provenance attestation — fix: Add `attestations: write`/,
    ) as string,
    expect.stringMatching(/^fail +signing +FERRY_MINISIGN_KEY parses: /) as string,
    "ok    signing  checksums.txt signed: with Sigstore (GitHub Actions OIDC)",
    "ok    signing  provenance attestation: signed with Sigstore (GitHub Actions OIDC); storing it needs `attestations: write`",
  ]);
  expect(inCi.stdout + inCi.stderr).not.toContain(sigstore.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);

  await writeFile(join(dir, ".github", "workflows", "release.yml"), workflow("contents: write, id-token: write, attestations: write"));
  const local = await ferry(["doctor"], { cwd: dir, env: githubEnv() });
  expect(local.code).toBe(1);
  expect(checks(local)).toEqual([
    expect.stringMatching(/^ok +signing +OIDC identity for keyless signing: none here/) as string,
    "ok    signing  permissions of .github/workflows/release.yml job release: id-token: write, attestations: write",
    expect.stringMatching(/^fail +signing +checksums\.txt signed: sign\.checksums is keyless, but this run has no OIDC token/) as string,
    expect.stringMatching(/^ok +signing +provenance attestation: not made: no OIDC token/) as string,
  ]);
});
