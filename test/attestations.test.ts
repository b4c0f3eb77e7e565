import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bundleFromJSON, type SerializedBundle } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { uncompress } from "snappyjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGitHub, startSigstore, type GitHubStandIn, type SigstoreSandbox } from "@ferry/sandbox";
import { ferry, scriptProject } from "./cli.ts";

let github: GitHubStandIn;
let sigstore: SigstoreSandbox;
const dirs: string[] = [];
beforeAll(async () => {
  github = await startGitHub();
  sigstore = await startSigstore({ serverUrl: github.url, repository: "ferry-test/attested" });
});
afterAll(async () => {
  await Promise.all([github?.stop(), sigstore?.stop(), ...dirs.map((dir) => rm(dir, { recursive: true, force: true }))]);
});

const githubEnv = () => ({ GITHUB_API_URL: github.url, GITHUB_SERVER_URL: github.url, GITHUB_TOKEN: github.token });
/** The variables a GitHub Actions run of the release workflow sets. */
const workflowEnv = (repository: string) => ({
  GITHUB_REPOSITORY: repository,
  GITHUB_REF: "refs/tags/v1.0.0",
  GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
  GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/release.yml@refs/tags/v1.0.0`,
  GITHUB_EVENT_NAME: "push",
  GITHUB_RUN_ID: "4242",
  GITHUB_RUN_ATTEMPT: "1",
  RUNNER_ENVIRONMENT: "github-hosted",
});

async function project(name: string, extra = ""): Promise<string> {
  github.createRepo(`ferry-test/${name}`);
  const dir = await scriptProject(name, "  {}");
  dirs.push(dir);
  if (extra) await writeFile(join(dir, "ferry.yaml"), `${await readFile(join(dir, "ferry.yaml"), "utf8")}${extra}`);
  return dir;
}

/** What `gh attestation verify` asks GitHub for: the repository's attestations of a digest. */
async function attestationsOf(repository: string, sha256: string): Promise<SerializedBundle[]> {
  const response = await fetch(`${github.url}/repos/${repository}/attestations/sha256:${sha256}`, {
    headers: { authorization: `Bearer ${github.token}` },
  });
  expect(response.status).toBe(200);
  const { attestations } = (await response.json()) as { attestations: Array<{ bundle_url: string }> };
  return Promise.all(attestations.map((a) => bundleAt(a.bundle_url)));
}

/** The bundle a `bundle_url` serves snappy-compressed, read as `gh attestation` reads it. */
async function bundleAt(url: string): Promise<SerializedBundle> {
  const served = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return JSON.parse(Buffer.from(uncompress(served)).toString("utf8")) as SerializedBundle;
}

/** sigstore's own verifier, trusting only the stand-ins' root, for the identity of the release workflow. */
async function verifyBundle(bundle: SerializedBundle): Promise<void> {
  const root = TrustedRoot.fromJSON(JSON.parse(await readFile(sigstore.trustedRoot, "utf8")));
  new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(bundleFromJSON(bundle)), {
    subjectAlternativeName: sigstore.identity(),
    extensions: { issuer: sigstore.issuer },
  });
}

interface Statement {
  subject: Array<{ name: string; digest: { sha256: string } }>;
  predicateType: string;
  predicate: {
    buildDefinition: { externalParameters: { workflow: Record<string, string> }; resolvedDependencies: unknown[] };
    runDetails: { builder: { id: string }; metadata: { invocationId?: string } };
  };
}
const statementOf = (bundle: SerializedBundle) => JSON.parse(Buffer.from(bundle.dsseEnvelope!.payload, "base64").toString()) as Statement;

it("a release from CI attests every file's provenance; sigstore's verifier accepts it and rejects a tampered subject", async () => {
  const repository = "ferry-test/attested";
  const dir = await project("attested");
  const env = { ...githubEnv(), ...sigstore.env, ...workflowEnv(repository) };
  const run = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stderr).toContain("with Sigstore (GitHub Actions OIDC)");
  expect(run.stderr).toContain(`gh attestation verify <file> --repo ${repository}`);
  expect(run.stdout).toContain(`\n  attestation  4 release files  ${github.url}/${repository}/attestations\n`);
  expect(run.stdout + run.stderr).not.toContain(sigstore.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);

  // Every file checksums.txt lists is attested, by one statement that names it with its sha256.
  const assets = github.release(repository, "v1.0.0")!.assets;
  const listed = (await readFile(join(dir, ".ferry", "checksums.txt"), "utf8")).trim().split("\n");
  expect(listed).toHaveLength(4);
  const [bundle] = await attestationsOf(repository, assets.find((a) => a.name === "attested_1.0.0_linux_amd64.tar.gz")!.sha256);
  expect(bundle).toBeDefined();
  const statement = statementOf(bundle!);
  expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");
  expect(statement.subject.map((s) => `${s.digest.sha256}  ${s.name}`).sort()).toEqual(listed.sort());
  for (const line of listed) expect(await attestationsOf(repository, line.split("  ")[0]!)).toEqual([bundle]);
  expect(statement.predicate.buildDefinition.externalParameters.workflow).toEqual({
    ref: "refs/tags/v1.0.0",
    repository: `${github.url}/${repository}`,
    path: ".github/workflows/release.yml",
  });
  expect(statement.predicate.buildDefinition.resolvedDependencies).toEqual([
    { uri: `git+${github.url}/${repository}@refs/tags/v1.0.0`, digest: { gitCommit: workflowEnv(repository).GITHUB_SHA } },
  ]);
  expect(statement.predicate.runDetails.builder.id).toBe(`${github.url}/${workflowEnv(repository).GITHUB_WORKFLOW_REF}`);
  expect(statement.predicate.runDetails.metadata.invocationId).toBe(`${github.url}/${repository}/actions/runs/4242/attempts/1`);
  await verifyBundle(bundle!);

  // A statement whose subject was changed no longer matches its signature.
  const tampered = structuredClone(statement);
  tampered.subject[0]!.digest.sha256 = createHash("sha256").update("another archive").digest("hex");
  const forged = structuredClone(bundle!);
  forged.dsseEnvelope!.payload = Buffer.from(JSON.stringify(tampered)).toString("base64");
  await expect(verifyBundle(forged)).rejects.toThrow();
  // A changed archive has a digest nothing attests.
  expect(await attestationsOf(repository, createHash("sha256").update("not the archive").digest("hex"))).toEqual([]);

  // A re-run finds the files attested and stores nothing.
  await rm(join(dir, ".ferry"), { recursive: true });
  const again = await ferry(["release", "--tag", "v1.0.0"], { cwd: dir, env });
  expect(again.code, again.stdout + again.stderr).toBe(0);
  expect(again.stderr).toContain("keeping the release's provenance attestation of 4 files");
  expect(await attestationsOf(repository, listed[0]!.split("  ")[0]!)).toHaveLength(1);
});

it("without an OIDC token auto attests nothing and says why, on refuses the run (exit 2); a GitHub that refuses attestations leaves auto's release standing", async () => {
  const plain = await project("unattested");
  const run = await ferry(["release", "--tag", "v1.0.0"], { cwd: plain, env: githubEnv() });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stderr).toContain("the release is not attested: no OIDC token");

  const strict = await project("must-attest", "sign:\n  attestations: on\n");
  const refused = await ferry(["release", "--tag", "v1.0.0"], { cwd: strict, env: githubEnv() });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain("sign.attestations is on, but this run has no OIDC token");
  expect(refused.stderr).not.toMatch(/\n\s+at /);
  expect(github.release("ferry-test/must-attest", "v1.0.0")).toBeUndefined();

  const denied = await project("attest-denied");
  github.failNext("POST", /\/attestations$/, 404);
  const skipped = await ferry(["release", "--tag", "v1.0.0"], { cwd: denied, env: { ...githubEnv(), ...sigstore.env } });
  expect(skipped.code, skipped.stdout + skipped.stderr).toBe(0);
  expect(skipped.stderr).toContain("the release is not attested: GitHub answered 404 to the attestation");
});
