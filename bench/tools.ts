/**
 * ferry's work held against the tools that do the same job on the same bytes: hashing against
 * `openssl dgst`, archives against `tar | gzip`, Docker's layer against `gzip -6` and its push
 * against `skopeo copy` into the same registry, a release asset's upload against `curl -T` to the
 * same GitHub stand-in, an npm publish against `npm publish` of the same tarballs to the same Verdaccio. ferry's side runs in a process of its own
 * (bench/work.ts, bundled for plain node at setup), like the tool it is compared with.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { startDockerRegistry } from "../packages/sandbox/src/docker.ts";
import { startGitHub } from "../packages/sandbox/src/github.ts";
import { createBareRepo } from "../packages/sandbox/src/git.ts";
import { startPyPI } from "../packages/sandbox/src/pypi.ts";
import { startVerdaccio } from "../packages/sandbox/src/verdaccio.ts";
import { createContext, resetDir } from "../packages/core/src/context.ts";
import type { Context, Prepared, Registry } from "../packages/core/src/registry.ts";
import { readManifest } from "../packages/core/src/manifest.ts";
import { parseVersion } from "../packages/core/src/version.ts";
import npm from "../registries/npm/src/index.ts";
import homebrew from "../registries/homebrew/src/index.ts";
import pypi from "../registries/pypi/src/index.ts";
import { bigBinary, bigRelease, project } from "./big.ts";
import { command, type Benchmark, type Measurement, type Side } from "./harness.ts";

/** bench/work.ts bundled into `dir` for plain node as scripts/build.ts bundles ferry: each adapter a chunk of its own. */
async function bundleWork(dir: string): Promise<string> {
  const outdir = join(dir, "work");
  await build({
    entryPoints: { work: join(import.meta.dirname, "work.ts") },
    outdir,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    banner: {
      js: 'import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;',
    },
    external: ["xmlbuilder2", "libxmljs2"],
    logLevel: "warning",
  });
  return join(outdir, "work.mjs");
}

/** One job of bench/work.ts: the seconds it timed itself and the peak RSS of its whole process. */
async function work(bundle: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Measurement> {
  const { stdout, rssMiB } = await command(process.execPath, [bundle, ...args], { env });
  const timed = JSON.parse(stdout.trim().split("\n").pop()!) as Measurement;
  return { seconds: timed.seconds, cpuSeconds: timed.cpuSeconds, rssMiB };
}

/** A side measured once per round however many figures read it (wall time in one, peak RSS in another). */
function oncePerRound(side: Side): Side {
  const measured = new Map<number, Promise<Measurement>>();
  return {
    label: side.label,
    run(round) {
      if (!measured.has(round)) measured.set(round, side.run(round));
      return measured.get(round)!;
    },
  };
}

/** A large binary and the bundle of ferry's side, set up once for the benchmark that shares them. */
async function setupBig(mib: number): Promise<{ dir: string; file: string; bundle: string }> {
  const big = await bigBinary(mib);
  return { ...big, bundle: await bundleWork(big.dir) };
}

/** An adapter's prepare of the release in `dist`, as ferry makes it, in a fresh output directory: the peer's input. */
async function prepareFor<O, P extends Prepared>(
  adapter: Registry<O, P>,
  section: Record<string, unknown>,
  dist: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ ctx: Context<O>; version: string; prepared: P }> {
  const manifest = await readManifest(join(dist, "manifest.json"));
  const ctx = createContext({
    registry: adapter.name,
    options: adapter.options.parse(section),
    project,
    version: parseVersion(manifest.tag),
    manifest,
    distDir: dist,
    ...(env ? { env } : {}),
  });
  await resetDir(ctx.outDir);
  return { ctx, version: manifest.version, prepared: await adapter.prepare(ctx) };
}

const hash: Benchmark = {
  name: "hash",
  async setup(size) {
    const { dir, file, bundle } = await setupBig(size.mib);
    return {
      figures: [
        {
          title: `hashFile of ${size.mib} MiB / \`openssl dgst -sha256\` (goal: ≥ 0.8× openssl's speed)`,
          ferry: { label: "hashFile", run: () => work(bundle, ["hash", file]) },
          peer: { label: "openssl dgst -sha256", run: () => command("openssl", ["dgst", "-sha256", file]) },
          goal: 1.25,
        },
      ],
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

const archive: Benchmark = {
  name: "archive",
  async setup(size) {
    const { dir, bundle } = await setupBig(size.mib);
    const out = join(dir, "out");
    await mkdir(out);
    return {
      figures: [
        {
          title: `tar.gz archive of a ${size.mib} MiB binary (writeArchive) / \`tar\` + \`gzip -6\``,
          ferry: { label: "writeArchive", run: () => work(bundle, ["archive", dir, "big", join(out, "ferry.tar.gz")]) },
          peer: {
            label: "tar + gzip -6",
            run: () => command(`tar -C ${dir} -cf - big | gzip -6 > ${join(out, "peer.tar.gz")}`, [], { shell: true }),
          },
          goal: 1.2,
        },
      ],
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

/**
 * Docker: the image of a release with one large binary. Each round prepares it afresh (its cache
 * removed), pushes it into a repository of its own, and asks exists() of that one; skopeo copies
 * the OCI layout ferry wrote into another repository of the same registry. Each round has a fresh
 * registry: skopeo remembers where it pushed a blob and would mount it from there, not upload it.
 */
const docker: Benchmark = {
  name: "docker",
  async setup(size) {
    const { dir, file, bundle } = await setupBig(size.mib);
    const dist = await bigRelease(dir);
    let registry = await startDockerRegistry();
    const env = () => ({ ...process.env, ...registry.env });
    const layout = join(dist, "registries", "docker");
    const prepare = oncePerRound({
      label: "ferry prepare",
      async run(round) {
        await rm(join(dist, "cache"), { recursive: true, force: true });
        await rm(join(dist, "registries"), { recursive: true, force: true });
        if (round > 0) {
          await registry.stop();
          registry = await startDockerRegistry();
        }
        return work(bundle, ["docker-prepare", dist, `bench/ferry${round}`], env());
      },
    });
    const publish = oncePerRound({
      label: "ferry publish",
      run: (round) => work(bundle, ["docker-publish", dist, `bench/ferry${round}`], env()),
    });
    const mib = `a ${size.mib} MiB binary`;
    return {
      figures: [
        {
          title: `Docker prepare of ${mib} (extract, tar, gzip, hash) / \`gzip -6\` of the binary`,
          ferry: prepare,
          peer: { label: "gzip -6", run: () => command(`gzip -6 -c ${file} > ${join(dir, "peer.gz")}`, [], { shell: true }) },
          goal: 1.2,
        },
        { title: `Docker prepare of ${mib}, peak RSS`, ferry: prepare, metric: "rssMiB", goal: 100 },
        {
          title: `Docker publish of ${mib} / \`skopeo copy\` of the same OCI layout`,
          ferry: publish,
          peer: {
            label: "skopeo copy",
            run: (round) =>
              command(
                "skopeo",
                [
                  "copy",
                  "--all",
                  "--preserve-digests",
                  "--dest-tls-verify=false",
                  `oci:${layout}:1.0.0`,
                  `docker://${registry.host}/bench/skopeo${round}:1.0.0`,
                ],
                { env: env() },
              ),
          },
          goal: 1,
        },
        { title: `Docker publish of ${mib}, peak RSS`, ferry: publish, metric: "rssMiB", goal: 64 },
        {
          title: `Docker exists() of a present image of ${mib}`,
          ferry: { label: "ferry exists()", run: (round) => work(bundle, ["docker-exists", dist, `bench/ferry${round}`], env()) },
          goal: 1,
        },
      ],
      async stop() {
        await registry.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * A release asset of a large file uploaded to the GitHub stand-in: ferry publishes a release of
 * it (create the draft, upload, publish); curl uploads the same file to a draft made for it. Each
 * release is deleted after its round: the stand-in keeps assets in memory.
 */
const upload: Benchmark = {
  name: "upload",
  async setup(size) {
    const { dir, file, bundle } = await setupBig(size.mib);
    const github = await startGitHub();
    const repository = "bench/big";
    github.createRepo(repository);
    const env = { ...process.env, GITHUB_API_URL: github.url, GITHUB_TOKEN: github.token };
    const auth = { authorization: `token ${github.token}`, "x-github-api-version": "2022-11-28" };
    // curl reads the token from a file, never from its command line.
    const headers = join(dir, "curl-headers");
    await writeFile(headers, `Authorization: token ${github.token}\nContent-Type: application/octet-stream\n`, { mode: 0o600 });
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${github.url}${path}`, {
        method,
        headers: { ...auth, "content-type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
      return response.status === 204 ? undefined : ((await response.json()) as { id: number; upload_url: string });
    };
    const removeRelease = (id: number) => api("DELETE", `/repos/${repository}/releases/${id}`);
    const ferry = oncePerRound({
      label: "ferry",
      async run(round) {
        const tag = `v1.0.${round}`;
        const measured = await work(bundle, ["upload", repository, tag, file], env);
        const release = github.release(repository, tag);
        if (!release || release.assets[0]?.size !== size.mib * 2 ** 20) throw new Error(`the stand-in holds no complete asset for ${tag}`);
        await removeRelease(release.id);
        return measured;
      },
    });
    return {
      figures: [
        {
          title: `upload of a ${size.mib} MiB release asset to the GitHub stand-in / \`curl -T\``,
          ferry,
          peer: {
            label: "curl -T",
            async run(round) {
              const tag = `curl-${round}`;
              const release = await api("POST", `/repos/${repository}/releases`, { tag_name: tag, draft: true });
              const url = release!.upload_url.replace(/\{.*$/, "?name=big");
              const measured = await command("curl", [
                "-sS",
                "--fail",
                "-H",
                `@${headers}`,
                "-X",
                "POST",
                "-T",
                file,
                "-o",
                "/dev/null",
                url,
              ]);
              await removeRelease(release!.id);
              return measured;
            },
          },
          goal: 1.2,
        },
        { title: `upload of a ${size.mib} MiB release asset, peak RSS`, ferry, metric: "rssMiB", goal: 64 },
      ],
      async stop() {
        await github.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * npm: ferry's publish of a small release (the main package and its linux-x64 package: exists,
 * prepare, publish, verify) in a process of its own, start-up included, against `npm publish` of
 * the same two tarballs, as ferry packs them, to the same Verdaccio. Each round is a new version,
 * its release made untimed; npm's tarballs are of another package name, so that both publish.
 */
const npmPublish: Benchmark = {
  name: "npm",
  async setup() {
    const { dir, bundle } = await setupBig(4);
    const verdaccio = await startVerdaccio();
    const env = { ...process.env, NPM_CONFIG_REGISTRY: verdaccio.url, NPM_TOKEN: verdaccio.token };
    const userconfig = join(dir, "npmrc");
    await writeFile(userconfig, `//${new URL(verdaccio.url).host}/:_authToken=${verdaccio.token}\n`, { mode: 0o600 });
    const release = (who: string, round: number) => bigRelease(dir, `1.0.${round}`, join(dir, `${who}-${round}`));
    return {
      figures: [
        {
          title: "npm publish of a package and its linux-x64 package (process wall) / `npm publish` of the same tarballs",
          ferry: {
            label: "ferry",
            async run(round) {
              const dist = await release("ferry", round);
              return command(process.execPath, [bundle, "release", "npm", dist, JSON.stringify({ package: "@bench/ferry" })], { env });
            },
          },
          peer: {
            label: "npm publish",
            async run(round) {
              const dist = await release("npm", round);
              const { prepared } = await prepareFor(npm, { package: "@bench/npm" }, dist, env);
              const { packages } = prepared;
              const total = { seconds: 0, cpuSeconds: 0 };
              for (const { tarball } of packages) {
                const published = await command(
                  "npm",
                  ["publish", tarball, "--registry", verdaccio.url, "--userconfig", userconfig, "--access", "public"],
                  {
                    cwd: dir,
                  },
                );
                total.seconds += published.seconds;
                total.cpuSeconds += published.cpuSeconds;
              }
              return total;
            },
          },
          goal: 0.5,
        },
      ],
      async stop() {
        await verdaccio.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * PyPI: ferry's upload of a small release's wheel (exists, prepare, publish, verify) in a process
 * of its own, start-up included, against `twine upload` of the same wheel, as ferry makes it, to
 * the same index stand-in; as for npm, a new version each round and another project name for twine.
 * It informs: the issue sets no goal.
 */
const pypiUpload: Benchmark = {
  name: "pypi",
  async setup() {
    const { dir, bundle } = await setupBig(4);
    const index = await startPyPI();
    const env = { ...process.env, ...index.env };
    const release = (who: string, round: number) => bigRelease(dir, `1.0.${round}`, join(dir, `${who}-${round}`));
    return {
      figures: [
        {
          title: "PyPI upload of a linux x86_64 wheel (process wall) / `twine upload` of the same wheel",
          ferry: {
            label: "ferry",
            async run(round) {
              const dist = await release("ferry", round);
              return command(process.execPath, [bundle, "release", "pypi", dist, JSON.stringify({ name: "bench-ferry" })], { env });
            },
          },
          peer: {
            label: "twine upload",
            async run(round) {
              const dist = await release("twine", round);
              const { ctx, prepared } = await prepareFor(pypi, { name: "bench-twine" }, dist, env);
              const { dists } = prepared;
              const files = dists.map((d) => join(ctx.outDir, d.filename));
              // The token goes in twine's environment, never on its command line.
              return command(
                "twine",
                ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", index.uploadUrl, ...files],
                {
                  env: { ...process.env, TWINE_USERNAME: "__token__", TWINE_PASSWORD: index.token },
                },
              );
            },
          },
        },
      ],
      async stop() {
        await index.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * A git-based registry: ferry's Homebrew publish of a small release into a bare tap repository
 * (exists, prepare, publish: clone, commit, push; verify), in a process of its own, start-up
 * included, against `git push` of a commit of the same formula from a clone to another bare
 * repository, the commit made untimed. A new version each round. It informs: the issue sets no goal.
 */
const gitPush: Benchmark = {
  name: "git",
  async setup() {
    const { dir, bundle } = await setupBig(4);
    const [ferryTap, peerTap, clone] = ["ferry-tap.git", "peer-tap.git", "clone"].map((name) => join(dir, name)) as [
      string,
      string,
      string,
    ];
    await createBareRepo(ferryTap, "homebrew-tap");
    await createBareRepo(peerTap, "homebrew-tap");
    await command("git", ["clone", "-q", peerTap, clone]);
    const author = {
      ...process.env,
      GIT_AUTHOR_NAME: "bench",
      GIT_AUTHOR_EMAIL: "bench@example.com",
      GIT_COMMITTER_NAME: "bench",
      GIT_COMMITTER_EMAIL: "bench@example.com",
    };
    const release = (who: string, round: number) => bigRelease(dir, `1.0.${round}`, join(dir, `${who}-${round}`));
    return {
      figures: [
        {
          title: "Homebrew publish into a bare tap (process wall) / `git push` of a commit of the same formula",
          ferry: {
            label: "ferry",
            async run(round) {
              const dist = await release("ferry", round);
              return command(process.execPath, [bundle, "release", "homebrew", dist, JSON.stringify({ git: `file://${ferryTap}` })]);
            },
          },
          peer: {
            label: "git push",
            async run(round) {
              const dist = await release("peer", round);
              const { version, prepared } = await prepareFor(homebrew, { git: `file://${peerTap}` }, dist);
              const { commit } = prepared;
              for (const [path, text] of Object.entries(commit)) {
                await mkdir(dirname(join(clone, path)), { recursive: true });
                await writeFile(join(clone, path), text);
              }
              await command("git", ["-C", clone, "add", "-A"]);
              await command("git", ["-C", clone, "-c", "commit.gpgsign=false", "commit", "-q", "-m", `big ${version}`], {
                env: author,
              });
              return command("git", ["-C", clone, "push", "-q", "origin", "main"]);
            },
          },
        },
      ],
      stop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

export const tools: Benchmark[] = [hash, archive, docker, upload, npmPublish, pypiUpload, gitPush];
