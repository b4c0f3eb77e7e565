import {
  FerryError,
  checkStep,
  contextSigner,
  defineRegistry,
  idTokenAvailable,
  npmDistTag,
  npmVersion,
  pass,
  secretCheck,
  targetNames,
  trustedRoot,
  type Context,
  type Prepared,
  type Published,
  type SupplyChainItem,
} from "@ferry/core";
import { publishToken, putPackage, readVersion, readVersions, registryUrl, sameTarball, whoami, type Remote } from "./client.ts";
import { npmOptions, type NpmOptions } from "./options.ts";
import { checkProvenance, readProvenance, signProvenance } from "./provenance.ts";
import { checkNames, readDirectory, render, type RenderedPackage } from "./render.ts";

interface NpmPrepared extends Prepared {
  packages: RenderedPackage[];
}

/** What publish did: `provenance` names the packages that went up with their provenance, which verify() reads back. */
type NpmPublished = Published & { provenance?: string[] };

type Ctx = Context<NpmOptions>;

/** The packages' checksums, for exists() and verify(): packed once per content, in the output directory's cache. */
const packagesOf = async (ctx: Ctx): Promise<RenderedPackage[]> => (await render(ctx)).packages;

const remotes = (ctx: Ctx, packages: RenderedPackage[]): Promise<Remote[]> =>
  Promise.all(packages.map((p) => readVersion(ctx, p.name, p.version)));

const differs = (ctx: Ctx, pkg: RenderedPackage) =>
  new FerryError("PublishedContentDiffers", {
    registry: ctx.registry,
    what: `${pkg.name}@${pkg.version} is already on the registry with different contents.`,
    why: "npm never lets a published version change, and ferry does not overwrite.",
    fix: "Release a new version; if the published one is wrong, deprecate it with `npm deprecate`.",
  });

export default defineRegistry<NpmOptions, NpmPrepared>({
  name: "npm",
  needs: ["binaries"],
  targets: targetNames,
  options: npmOptions,

  async validate(ctx) {
    // A package directory is made by the project's build before the release, so it is read once the tag is known.
    if (!ctx.options.directory) checkNames(ctx);
    else if (ctx.version) await readDirectory(ctx, ctx.options.directory, npmVersion(ctx.version));
  },

  async exists(ctx) {
    const packages = await packagesOf(ctx);
    const found = await remotes(ctx, packages);
    const present = packages.filter((_, i) => found[i]?.state === "present");
    const different = packages.filter((p, i) => found[i]?.state === "present" && !sameTarball(found[i], p));
    if (different.length > 0) {
      return {
        state: "present",
        matches: false,
        detail: `different contents: ${different.map((p) => `${p.name}@${p.version}`).join(", ")}`,
      };
    }
    if (present.length === packages.length) {
      return { state: "present", matches: true, detail: packages.map((p) => `${p.name}@${p.version}`).join(", ") };
    }
    // Some (or none) of the packages went out, each identical to ours: publishing resumes with the rest.
    if (present.length > 0) ctx.log(`${present.length} of ${packages.length} packages are already published; the rest will follow.`);
    return { state: "absent" };
  },

  async prepare(ctx) {
    const { packages, files } = await render(ctx, ctx.outDir);
    return { packages, files };
  },

  async publish(ctx, { packages }): Promise<NpmPublished> {
    const found = await remotes(ctx, packages);
    // As `npm publish --provenance`: only public packages, and only with the CI's OIDC identity.
    const signer = ctx.provenance && ctx.options.provenance && ctx.options.access === "public" ? contextSigner(ctx) : undefined;
    const done: string[] = [];
    const skipped: string[] = [];
    const tags = new Set<string>();
    for (const [i, pkg] of packages.entries()) {
      const remote = found[i];
      if (remote?.state === "present") {
        if (!sameTarball(remote, pkg)) throw differs(ctx, pkg);
        skipped.push(pkg.name);
        continue;
      }
      // "latest" never moves backwards: an older release gets the tag of its own line.
      const tag = npmDistTag(ctx.version, await readVersions(ctx, pkg.name));
      const provenance = signer ? await signProvenance(ctx, signer, pkg) : undefined;
      const result = await putPackage(ctx, pkg, tag, await publishToken(ctx, pkg.name), provenance);
      if (result.state === "conflict") {
        // Published meanwhile (or by an earlier attempt whose answer was lost): fine only if it is ours.
        const now = await readVersion(ctx, pkg.name, pkg.version);
        if (now.state === "absent") {
          throw new FerryError("RegistryRefused", {
            registry: ctx.registry,
            what: `The registry refused ${pkg.name}@${pkg.version}, and it is not published.`,
            why: `It answered ${result.why}`,
            fix: "Check that the token may publish this package (its scope and name must belong to you).",
          });
        }
        if (!sameTarball(now, pkg)) throw differs(ctx, pkg);
        skipped.push(pkg.name);
        continue;
      }
      ctx.log(`published ${pkg.name}@${pkg.version} (${tag})${provenance ? ` with provenance signed by ${signer?.identity}` : ""}`);
      done.push(pkg.name);
      tags.add(tag);
    }
    const version = packages[0]?.version ?? "";
    const already = skipped.length ? `; already there: ${skipped.join(", ")}` : "";
    const under = tags.size ? ` under dist-tag ${[...tags].join(", ")}` : "";
    const proven = signer && done.length ? " with provenance" : "";
    return {
      detail: `${version}${under}: ${done.join(", ") || "nothing new"}${proven}${already}`,
      ...(signer ? { provenance: done } : {}),
    };
  },

  async verify(ctx, published: NpmPublished) {
    const packages = await packagesOf(ctx);
    const found = await remotes(ctx, packages);
    for (const [i, pkg] of packages.entries()) {
      const remote = found[i];
      if (remote?.state !== "present") return undefined;
      if (!sameTarball(remote, pkg)) throw differs(ctx, pkg);
    }
    const served = `${packages.map((p) => `${p.name}@${p.version}`).join(", ")} served with matching shasums`;
    const proven = packages.filter((p) => published.provenance?.includes(p.name));
    if (!proven.length) return { state: "verified", detail: served };
    // The provenance this run sent: served back, naming each package and its tarball's sha512.
    const root = await trustedRoot((name) => ctx.env(name));
    let signer: string | undefined;
    const supplyChain: SupplyChainItem[] = [];
    for (const pkg of proven) {
      const remote = found[packages.indexOf(pkg)];
      const dist = (remote?.state === "present" && remote.attestations) || {};
      const bundle = await readProvenance(ctx, pkg, dist);
      if (!bundle) return undefined;
      signer = checkProvenance(ctx, root, bundle, pkg);
      supplyChain.push({ kind: "provenance", subject: `${pkg.name}@${pkg.version}`, location: dist.url! });
    }
    const what = `and provenance of ${proven.length === packages.length ? "each" : proven.map((p) => p.name).join(", ")}`;
    return {
      state: "verified",
      detail: signer
        ? `${served}, ${what} signed by ${signer}`
        : `${served}, ${what} naming its tarball (set FERRY_SIGSTORE_TRUSTED_ROOT to check the signatures here too)`,
      supplyChain,
    };
  },

  async doctor(ctx) {
    const host = new URL(registryUrl(ctx)).host;
    const token = ctx.secret("NODE_AUTH_TOKEN") ?? ctx.secret("NPM_TOKEN");
    if (!token) {
      // Trusted publishing needs no stored token: an OIDC ID token is exchanged per package at publish time.
      if (idTokenAvailable(ctx, "NPM_ID_TOKEN")) {
        return [pass("npm credentials", "no token; trusted publishing (an OIDC ID token) is available, exchanged at publish time")];
      }
      return [
        secretCheck(
          ctx,
          ["NODE_AUTH_TOKEN", "NPM_TOKEN"],
          "Set NPM_TOKEN to an automation token, or configure trusted publishing on npmjs.com and give the workflow `permissions: id-token: write`.",
        ),
      ];
    }
    const set = secretCheck(ctx, ["NODE_AUTH_TOKEN", "NPM_TOKEN"], "");
    return [set, await checkStep(`npm token accepted by ${host}`, async () => `whoami: ${await whoami(ctx, token)}`)];
  },
});
