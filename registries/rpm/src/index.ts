import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import {
  checkStep,
  defineRegistry,
  FerryError,
  packageRepositoryCheckout,
  packageRepositoryOptions,
  readIfPresent,
  releasePackages,
  requireGpgSigner,
  verifyDetached,
  type AssetFile,
  type Context,
  type GpgSigner,
  type Prepared,
} from "@ferry/core";
import { z } from "zod";
import { readRpm } from "./header.ts";
import { parsePrimary, parseRepomd, renderRepodata, repoPackage, sha256, type RepoPackage } from "./metadata.ts";

const options = z
  .object({
    ...packageRepositoryOptions("rpm", "RPM"),
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({
        description:
          "The URL users reach the repository's root at, written into the .repo file. Default: the FERRY_RPM_URL environment variable, else GitHub Pages' URL of `repository`, https://<owner>.github.io/<name>/<directory>.",
      }),
  })
  .strict();

type Options = z.infer<typeof options>;

interface RpmPrepared extends Prepared {
  /** Path from the repository root → local .rpm. */
  rpms: Map<string, string>;
  /** The .repo file and the public key, by path from the repository root. */
  extras: Map<string, string>;
  signer: GpgSigner;
}

const rpmFiles = (ctx: Context<Options>) => releasePackages(ctx, "rpm", "RPM");

const packagePath = (file: AssetFile) => `Packages/${file.name}`;

const requireSigner = (ctx: Context<Options>) => requireGpgSigner(ctx, "an RPM repository and its packages");

/** Where users reach the repository: `url` (or FERRY_RPM_URL), else GitHub Pages' URL of the repository's directory. */
function baseUrl(ctx: Context<Options>): string {
  const { repository, directory } = ctx.options;
  const url = ctx.options.url ?? ctx.env("FERRY_RPM_URL");
  if (url) return url.replace(/\/+$/, "");
  if (!repository) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: "The RPM repository's URL is unknown: the .repo file users add must name it.",
      fix: "Set `url` (where the branch's files are served) in the rpm section of ferry.yaml, or `repository` to use GitHub Pages' URL.",
    });
  }
  const [owner, name] = repository.split("/") as [string, string];
  const site = `https://${owner.toLowerCase()}.github.io`;
  return name.toLowerCase() === `${owner.toLowerCase()}.github.io` ? `${site}/${directory}` : `${site}/${name}/${directory}`;
}

const keyFile = (ctx: Context<Options>) => `RPM-GPG-KEY-${ctx.project.name}`;

/** The .repo file users drop into /etc/yum.repos.d/: packages and metadata checked against the key. */
function repoFile(ctx: Context<Options>): string {
  const url = baseUrl(ctx);
  return [
    `[${ctx.project.name}]`,
    `name=${ctx.project.name}`,
    `baseurl=${url}`,
    "enabled=1",
    "gpgcheck=1",
    "repo_gpgcheck=1",
    `gpgkey=${url}/${keyFile(ctx)}`,
    "",
  ].join("\n");
}

/** The packages primary.xml lists (location → sha256), when repomd.xml names a primary that is there. */
async function listed(root: string): Promise<Map<string, string>> {
  const repomd = await readIfPresent(join(root, "repodata/repomd.xml"));
  const primary = repomd && parseRepomd(repomd.toString()).get("primary");
  const gz = primary && (await readIfPresent(join(root, primary.href)));
  return gz ? parsePrimary(gz) : new Map();
}

/** A package's signature header holds an OpenPGP signature (RSA or other) of its main header by this key. */
async function signedBy(rpm: Buffer, name: string, signer: GpgSigner): Promise<boolean> {
  const { signature, header } = readRpm(name, rpm);
  const packet = signature.get(268) ?? signature.get(267);
  return Buffer.isBuffer(packet) && verifyDetached(header, packet, signer.publicKey);
}

export default defineRegistry<Options, RpmPrepared>({
  name: "rpm",
  needs: ["binaries"],
  options,

  async exists(ctx) {
    const rpms = rpmFiles(ctx);
    return packageRepositoryCheckout(ctx).inspect(async (dir) => {
      const root = join(dir, ctx.options.directory);
      const index = await listed(root);
      let found = 0;
      for (const file of rpms) {
        const there = await readIfPresent(join(root, packagePath(file)));
        if (!there) continue;
        if (sha256(there) !== file.sha256) {
          return {
            state: "present",
            matches: false,
            detail: `${packagePath(file)} is in the repository with other content than this release's ${file.name}.`,
          };
        }
        if (index.get(packagePath(file)) === file.sha256) found++;
      }
      return found === rpms.length
        ? { state: "present", matches: true, detail: `every .rpm of ${ctx.version.semver} is in Packages/ and primary.xml.` }
        : { state: "absent" };
    });
  },

  async prepare(ctx) {
    const signer = await requireSigner(ctx);
    const rpms = new Map<string, string>();
    const files: string[] = [];
    for (const file of rpmFiles(ctx)) {
      const local = await ctx.archive(file);
      const data = await readFile(local);
      if (!(await signedBy(data, file.name, signer))) {
        throw new FerryError("ConfigInvalid", {
          registry: ctx.registry,
          what: `${file.name} is not signed by the key in FERRY_GPG_KEY (${signer.fingerprint}), and the repository's .repo file has gpgcheck=1.`,
          fix: "Build the release with FERRY_GPG_KEY set (ferry signs the .rpm packages as it makes them), then release again.",
        });
      }
      rpms.set(packagePath(file), local);
      const out = join(ctx.outDir, packagePath(file));
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, data);
      files.push(out);
    }
    const extras = new Map([
      [`${ctx.project.name}.repo`, repoFile(ctx)],
      [keyFile(ctx), signer.publicKey],
    ]);
    for (const [path, content] of extras) {
      await writeFile(join(ctx.outDir, path), content);
      files.push(join(ctx.outDir, path));
    }
    return { files, rpms, extras, signer };
  },

  async publish(ctx, prepared) {
    const repo = packageRepositoryCheckout(ctx);
    const { commit } = await repo.update(async (dir) => {
      const root = join(dir, ctx.options.directory);
      for (const [path, local] of prepared.rpms) {
        const data = await readFile(local);
        const there = await readIfPresent(join(root, path));
        if (there && !there.equals(data)) {
          throw new FerryError("PublishedContentDiffers", {
            registry: ctx.registry,
            what: `${path} is already in the repository with other content.`,
            fix: "A published package is never replaced: release a new version.",
          });
        }
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), data);
      }
      const packages: RepoPackage[] = [];
      for (const name of (await readdir(join(root, "Packages"))).filter((n) => n.endsWith(".rpm")).sort()) {
        packages.push(repoPackage(`Packages/${name}`, await readFile(join(root, "Packages", name))));
      }
      const repodata = renderRepodata(packages);
      const repomd = repodata.get("repodata/repomd.xml")!;
      // The same packages give the same repodata: a re-run keeps repomd.xml's signature and writes nothing.
      const same =
        (await readIfPresent(join(root, "repodata/repomd.xml")))?.equals(repomd) &&
        (await readIfPresent(join(root, "repodata/repomd.xml.asc")));
      if (!same) {
        await rm(join(root, "repodata"), { recursive: true, force: true });
        await mkdir(join(root, "repodata"), { recursive: true });
        for (const [path, data] of repodata) await writeFile(join(root, path), data);
        await writeFile(join(root, "repodata/repomd.xml.asc"), await prepared.signer.detachSign(repomd));
      }
      for (const [path, content] of prepared.extras) await writeFile(join(root, path), content);
    }, `${ctx.project.name} ${ctx.version.semver}: RPM repository`);
    return {
      detail: commit
        ? `commit ${commit.slice(0, 12)} to ${repo.location}`
        : `the RPM repository in ${repo.location} already had ${ctx.version.semver}`,
    };
  },

  async verify(ctx) {
    const signer = await requireSigner(ctx);
    return packageRepositoryCheckout(ctx).inspect(async (dir) => {
      const root = join(dir, ctx.options.directory);
      const repomd = await readIfPresent(join(root, "repodata/repomd.xml"));
      const signature = (await readIfPresent(join(root, "repodata/repomd.xml.asc")))?.toString();
      if (!repomd || !signature || !(await verifyDetached(repomd, signature, signer.publicKey))) return undefined;
      // repomd.xml is signed; each metadata file it names must have its checksums.
      const data = parseRepomd(repomd.toString());
      for (const type of ["primary", "filelists", "other"]) {
        const entry = data.get(type);
        const file = entry && (await readIfPresent(join(root, entry.href)));
        if (!file || sha256(file) !== entry.sha256 || sha256(gunzipSync(file)) !== entry.openSha256) return undefined;
      }
      const index = await listed(root);
      for (const file of rpmFiles(ctx)) {
        const rpm = await readIfPresent(join(root, packagePath(file)));
        if (!rpm || sha256(rpm) !== file.sha256 || index.get(packagePath(file)) !== file.sha256) return undefined;
      }
      return {
        state: "verified",
        detail: `repodata in ${ctx.options.directory}/ of the branch lists ${ctx.version.semver}, signed by ${signer.fingerprint}`,
      };
    });
  },

  async doctor(ctx) {
    const key = await checkStep("GPG signing key (FERRY_GPG_KEY)", async () => {
      const signer = await requireSigner(ctx);
      await signer.detachSign(Buffer.from("ferry doctor\n"));
      return `signs as ${signer.description}`;
    });
    const url = await checkStep("repository URL", () => Promise.resolve(`the .repo file names ${baseUrl(ctx)}`));
    return [key, url, ...(await packageRepositoryCheckout(ctx).doctor())];
  },
});
