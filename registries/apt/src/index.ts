import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import {
  checkStep,
  defineRegistry,
  FerryError,
  packageRepositoryCheckout,
  packageRepositoryOptions,
  readIfPresent,
  releasePackages,
  requireGpgSigner,
  verifyClearsigned,
  type AssetFile,
  type Context,
  type GpgSigner,
  type Prepared,
} from "@ferry/core";
import { z } from "zod";
import { field, parsePackages, poolEntry, releaseSums, renderIndexes, sha256, type PoolEntry } from "./metadata.ts";

const options = z
  .object({
    ...packageRepositoryOptions("apt", "APT"),
    suite: z
      .string()
      .regex(/^[\w.-]+$/)
      .default("stable")
      .meta({ description: "The suite (and codename): dists/<suite>/." }),
    component: z
      .string()
      .regex(/^[\w.-]+$/)
      .default("main")
      .meta({ description: "The component: pool/<component>/ and dists/<suite>/<component>/." }),
  })
  .strict();

type Options = z.infer<typeof options>;

interface AptPrepared extends Prepared {
  /** Pool path (from the repository root) → local .deb. */
  debs: Map<string, string>;
  signer: GpgSigner;
}

const debFiles = (ctx: Context<Options>) => releasePackages(ctx, "deb", "APT");

/** Debian's pool layout: pool/<component>/<first letter, lib* by four>/<package>/<file>. */
function poolPath(ctx: Context<Options>, file: AssetFile): string {
  const name = file.name.split("_")[0]!;
  const prefix = name.startsWith("lib") ? name.slice(0, 4) : name.slice(0, 1);
  return `pool/${ctx.options.component}/${prefix}/${name}/${file.name}`;
}

const requireSigner = (ctx: Context<Options>) => requireGpgSigner(ctx, "an APT repository");

/** Every .deb under the pool, as paths from the repository root. */
async function poolFiles(root: string): Promise<string[]> {
  const entries = await readdir(join(root, "pool"), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".deb"))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

export default defineRegistry<Options, AptPrepared>({
  name: "apt",
  needs: ["binaries"],
  options,

  async exists(ctx) {
    const debs = debFiles(ctx);
    return packageRepositoryCheckout(ctx).inspect(async (dir) => {
      const root = join(dir, ctx.options.directory);
      let found = 0;
      for (const file of debs) {
        const path = poolPath(ctx, file);
        const there = await readIfPresent(join(root, path));
        if (!there) continue;
        const entry = poolEntry(path, there, new Map());
        if (entry.sha256 !== file.sha256) {
          return {
            state: "present",
            matches: false,
            detail: `${path} is in the pool with other content than this release's ${file.name}.`,
          };
        }
        const packages = await readIfPresent(
          join(root, `dists/${ctx.options.suite}/${ctx.options.component}/binary-${entry.architecture}/Packages`),
        );
        if (field(parsePackages(packages?.toString() ?? "").get(path) ?? "", "SHA256") === file.sha256) found++;
      }
      return found === debs.length
        ? { state: "present", matches: true, detail: `every .deb of ${ctx.version.semver} is in the pool and its index.` }
        : { state: "absent" };
    });
  },

  async prepare(ctx) {
    const signer = await requireSigner(ctx);
    const debs = new Map<string, string>();
    const files: string[] = [];
    for (const file of debFiles(ctx)) {
      const path = poolPath(ctx, file);
      const local = await ctx.archive(file);
      debs.set(path, local);
      const out = join(ctx.outDir, path);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, await readFile(local));
      files.push(out);
    }
    return { files, debs, signer };
  },

  async publish(ctx, prepared) {
    const repo = packageRepositoryCheckout(ctx);
    const { suite, component, directory } = ctx.options;
    const { commit } = await repo.update(async (dir) => {
      const root = join(dir, directory);
      for (const [path, local] of prepared.debs) {
        const data = await readFile(local);
        const there = await readIfPresent(join(root, path));
        if (there && !there.equals(data)) {
          throw new FerryError("PublishedContentDiffers", {
            registry: ctx.registry,
            what: `${path} is already in the pool with other content.`,
            fix: "A published package is never replaced: release a new version.",
          });
        }
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), data);
      }
      const dists = join(root, "dists", suite);
      const known = new Map<string, string>();
      for (const packages of await readdir(join(dists, component), { recursive: true }).catch(() => [])) {
        if (packages.endsWith("/Packages"))
          for (const [k, v] of parsePackages(await readFile(join(dists, component, packages), "utf8"))) known.set(k, v);
      }
      const entries: PoolEntry[] = [];
      for (const path of await poolFiles(root)) entries.push(poolEntry(path, await readFile(join(root, path)), known));
      const name = ctx.project.name;
      const { files, release } = renderIndexes(entries, {
        origin: name,
        label: name,
        suite,
        component,
        description: ctx.project.description,
        date: new Date(),
      });
      // Unchanged indexes keep the old Release and its signatures: a re-run writes nothing.
      const old = (await readIfPresent(join(dists, "Release")))?.toString();
      const same =
        old !== undefined &&
        (await readIfPresent(join(dists, "InRelease"))) !== undefined &&
        [...files.keys()].every((path) => releaseSums(old).get(path) === releaseSums(release).get(path)) &&
        releaseSums(old).size === files.size;
      if (!same) {
        for (const [path, data] of files) {
          await mkdir(dirname(join(dists, path)), { recursive: true });
          await writeFile(join(dists, path), data);
        }
        await writeFile(join(dists, "Release"), release);
        await writeFile(join(dists, "InRelease"), await prepared.signer.clearsign(release));
        await writeFile(join(dists, "Release.gpg"), await prepared.signer.detachSign(Buffer.from(release)));
      }
      await writeFile(join(root, "key.asc"), prepared.signer.publicKey);
    }, `${ctx.project.name} ${ctx.version.semver}: APT repository`);
    return {
      detail: commit
        ? `commit ${commit.slice(0, 12)} to ${repo.location}`
        : `the APT repository in ${repo.location} already had ${ctx.version.semver}`,
    };
  },

  async verify(ctx) {
    const signer = await requireSigner(ctx);
    const { suite, component, directory } = ctx.options;
    return packageRepositoryCheckout(ctx).inspect(async (dir) => {
      const root = join(dir, directory);
      const inRelease = (await readIfPresent(join(root, "dists", suite, "InRelease")))?.toString();
      const release = inRelease && (await verifyClearsigned(inRelease, signer.publicKey));
      if (!release) return undefined;
      const sums = releaseSums(release);
      for (const file of debFiles(ctx)) {
        const path = poolPath(ctx, file);
        const deb = await readIfPresent(join(root, path));
        if (!deb) return undefined;
        const entry = poolEntry(path, deb, new Map());
        const index = `${component}/binary-${entry.architecture}/Packages`;
        const packages = await readIfPresent(join(root, "dists", suite, index));
        // The pool file is this release's, the signed Release vouches for the index, and the index lists the file.
        if (!packages || entry.sha256 !== file.sha256 || sums.get(index) !== sha256(packages)) return undefined;
        if (field(parsePackages(packages.toString()).get(path) ?? "", "SHA256") !== file.sha256) return undefined;
      }
      return {
        state: "verified",
        detail: `dists/${suite} in ${directory}/ of the branch lists ${ctx.version.semver}, signed by ${signer.fingerprint}`,
      };
    });
  },

  async doctor(ctx) {
    const key = await checkStep("GPG signing key (FERRY_GPG_KEY)", async () => {
      const signer = await requireSigner(ctx);
      await signer.clearsign("ferry doctor\n");
      return `signs as ${signer.description}`;
    });
    return [key, ...(await packageRepositoryCheckout(ctx).doctor())];
  },
});
