import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  aurVersion,
  compareVersion,
  FerryError,
  checkStep,
  defineRegistry,
  fail,
  openRepoFiles,
  pass,
  secretCheck,
  toolCheck,
  type Context,
  type Prepared,
  type Presence,
} from "@ferry/core";
import { aurOptions, type AurOptions } from "./options.ts";
import {
  aurTargets,
  describePackage,
  packageName,
  packageSums,
  parseSrcinfo,
  renderPkgbuild,
  renderSrcinfo,
  semverOfAur,
  type AurPackage,
} from "./render.ts";
import { readInfo, readPublishedFile } from "./rpc.ts";
import { aurKnownHosts, explainSshFailure, openSshSession, pinsHost } from "./ssh.ts";

type Ctx = Context<AurOptions>;

interface AurPrepared extends Prepared {
  pkg: AurPackage;
  pkgbuild: string;
  srcinfo: string;
}

const keyName = "AUR_SSH_PRIVATE_KEY";

const fullVersion = (pkg: AurPackage) => `${pkg.pkgver}-${pkg.pkgrel}`;

const sameSums = (a: Record<string, string[]>, b: Record<string, string[]>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

const differs = (ctx: Ctx, pkg: AurPackage) =>
  new FerryError("PublishedContentDiffers", {
    registry: ctx.registry,
    what: `${pkg.pkgname} ${pkg.pkgver} is already on the AUR with other sha256sums than this release.`,
    why: "The same pkgver with different sources means the release assets changed after it was published; ferry does not overwrite it or bump pkgrel to hide that.",
    fix: "Release a new version, or restore the original assets.",
  });

/** How the AUR's `pkgver[-pkgrel]` orders against this release; one ferry cannot read is an error, never a guess. */
function orderOf(ctx: Ctx, pkg: AurPackage, found: string): -1 | 0 | 1 {
  const order = compareVersion(semverOfAur(found.replace(/-[^-]*$/, "")), ctx.version);
  if (order !== undefined) return order;
  throw new FerryError("PublishedContentDiffers", {
    registry: ctx.registry,
    what: `The AUR has ${pkg.pkgname} ${found}, which cannot be ordered against ${pkg.pkgver}.`,
    why: "ferry only replaces a version it knows to be older than this release.",
    fix: `Check ${pkg.pkgname} on the AUR; publish it by hand, or delete it there, then run ferry again.`,
  });
}

/**
 * Where the AUR stands for this package: absent, ours (compared by the published .SRCINFO's
 * sha256sums, which the RPC does not carry), older (absent: publishing updates it), or newer.
 */
async function presence(ctx: Ctx, pkg: AurPackage): Promise<Presence> {
  const info = await readInfo(ctx, pkg.pkgname);
  if (!info) return { state: "absent" };
  const order = orderOf(ctx, pkg, info.Version);
  if (order < 0) {
    ctx.log(`the AUR has ${pkg.pkgname} ${info.Version}; this release updates it to ${fullVersion(pkg)}.`);
    return { state: "absent" };
  }
  if (order > 0) return { state: "newer", version: info.Version, where: `${pkg.pkgname} on the AUR` };
  const published = await readPublishedFile(ctx, info.PackageBase, ".SRCINFO");
  if (published === undefined) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The AUR RPC lists ${pkg.pkgname} ${info.Version}, but its .SRCINFO cannot be read.`,
      fix: "Re-run later; the AUR's git web view may be lagging behind.",
    });
  }
  const matches = sameSums(parseSrcinfo(published).sha256sums, packageSums(pkg));
  return {
    state: "present",
    matches,
    detail: matches
      ? `${pkg.pkgname} ${info.Version} with the same sha256sums.`
      : `${pkg.pkgname} ${info.Version} with other sha256sums than this release.`,
  };
}

const keyFix = `Create a key without a passphrase (ssh-keygen -t ed25519 -N "" -f aur), add aur.pub to your AUR account, and store the private key as ${keyName}.`;

function requireKey(ctx: Ctx): string {
  const key = ctx.secret(keyName);
  if (key) return key;
  throw new FerryError("SecretMissing", {
    registry: ctx.registry,
    what: `${keyName} is not set.`,
    why: "The AUR accepts pushes only over SSH, with a key registered on the maintainer's account.",
    fix: keyFix,
  });
}

const gitBase = (ctx: Ctx) => (ctx.options.git ?? ctx.env("FERRY_AUR_GIT") ?? "ssh://aur@aur.archlinux.org").replace(/\/+$/, "");
const knownHostsOf = (ctx: Ctx) => ctx.options.knownHosts ?? ctx.env("FERRY_AUR_KNOWN_HOSTS") ?? aurKnownHosts;

/** Opens the package's AUR git repository with the deploy key and the pinned host keys. */
async function withRepo<T>(
  ctx: Ctx,
  pkgname: string,
  author: string | undefined,
  use: (repo: ReturnType<typeof openRepoFiles>) => Promise<T>,
): Promise<T> {
  const key = requireKey(ctx);
  const base = gitBase(ctx);
  const host = base.replace(/^[a-z+]+:\/\/([^@/]*@)?/i, "").split("/")[0] ?? base;
  const session = await openSshSession(key, knownHostsOf(ctx), ctx.registry);
  // repo-files runs git with GIT_SSH_COMMAND from the context's environment: hand it ours.
  const sshCtx: Ctx = { ...ctx, env: (name) => session.env[name] ?? ctx.env(name) };
  try {
    const repo = openRepoFiles(sshCtx, { git: `${base}/${pkgname}.git`, branch: "master", token: keyName, author });
    return await use(repo);
  } catch (error) {
    throw explainSshFailure(error, host, ctx.registry);
  } finally {
    await session.close();
  }
}

export default defineRegistry<AurOptions, AurPrepared>({
  name: "aur",
  needs: ["binaries"],
  targets: aurTargets,
  options: aurOptions,

  validate(ctx) {
    if (ctx.version) aurVersion(ctx.version);
  },
  // The AUR has no channels: a prerelease would become what every AUR helper installs.
  skipsPrereleases: true,

  exists(ctx) {
    return presence(ctx, describePackage(ctx));
  },

  async prepare(ctx) {
    const pkg = describePackage(ctx);
    const pkgbuild = renderPkgbuild(pkg);
    const srcinfo = renderSrcinfo(pkg);
    const files = [join(ctx.outDir, "PKGBUILD"), join(ctx.outDir, ".SRCINFO")];
    await mkdir(ctx.outDir, { recursive: true });
    await writeFile(files[0]!, pkgbuild);
    await writeFile(files[1]!, srcinfo);
    return { files, pkg, pkgbuild, srcinfo };
  },

  async publish(ctx, { pkg, pkgbuild, srcinfo }) {
    return withRepo(ctx, pkg.pkgname, pkg.maintainer, async (repo) => {
      // exists() read the AUR a moment ago; the clone is the truth at push time.
      const current = await repo.read(".SRCINFO");
      if (current !== undefined) {
        const theirs = parseSrcinfo(current);
        const order = orderOf(ctx, pkg, theirs.pkgver ?? "(no pkgver)");
        if (order > 0) {
          throw new FerryError("PublishedContentDiffers", {
            registry: ctx.registry,
            what: `The AUR already has ${pkg.pkgname} ${theirs.pkgver}-${theirs.pkgrel ?? "?"}, newer than ${pkg.pkgver}; not downgrading it.`,
          });
        }
        if (order === 0 && !sameSums(theirs.sha256sums, packageSums(pkg))) throw differs(ctx, pkg);
      }
      const verb = current === undefined ? "Add" : "Update to";
      const { commit } = await repo.write({ files: { PKGBUILD: pkgbuild, ".SRCINFO": srcinfo }, message: `${verb} ${fullVersion(pkg)}` });
      return {
        detail: commit
          ? `${pkg.pkgname} ${fullVersion(pkg)}: commit ${commit.slice(0, 12)} on master`
          : `${pkg.pkgname} ${fullVersion(pkg)}: the AUR already had these files, nothing pushed`,
      };
    });
  },

  async verify(ctx) {
    const pkg = describePackage(ctx);
    const found = await presence(ctx, pkg);
    if (found.state === "absent") return undefined;
    if (found.state === "newer") {
      throw new FerryError("PublishedContentDiffers", {
        registry: ctx.registry,
        what: `${pkg.pkgname} ${found.version} replaced this release's ${pkg.pkgver} on the AUR.`,
      });
    }
    if (!found.matches) throw new FerryError("PublishedContentDiffers", { registry: ctx.registry, what: found.detail });
    return { state: "verified", detail: `the AUR RPC lists ${found.detail}` };
  },

  async doctor(ctx) {
    const tools = await Promise.all(
      ["git", "ssh", "ssh-keygen"].map((tool) => toolCheck(ctx, tool, `Install ${tool} (OpenSSH and git) and make sure it is on PATH.`)),
    );
    const pin = pinsHost(knownHostsOf(ctx), gitBase(ctx));
    const pinned = pin?.pinned
      ? pass("AUR host key pinned", `known_hosts has ${pin.host}`)
      : fail(
          "AUR host key pinned",
          pin ? `known_hosts has no line for ${pin.host}` : `${gitBase(ctx)} is not an ssh:// URL`,
          "Set `knownHosts` (or FERRY_AUR_KNOWN_HOSTS) to the host's published keys.",
        );
    const key = secretCheck(ctx, [keyName], keyFix);
    if (!key.ok || tools.some((t) => !t.ok)) return [...tools, pinned, key];
    const parses = await checkStep(`${keyName} parses`, async () => {
      const session = await openSshSession(requireKey(ctx), knownHostsOf(ctx), ctx.registry);
      try {
        const { stdout } = await ctx.exec("ssh-keygen", ["-y", "-P", "", "-f", session.keyFile]);
        return `a ${stdout.split(" ")[0]} key without a passphrase`;
      } finally {
        await session.close();
      }
    });
    if (!parses.ok) return [...tools, pinned, key, parses];
    const pkgname = packageName(ctx);
    // Reading the package's repository over SSH proves the key, the host key and the connection; pushing rights are the account's.
    const reach = await checkStep(`AUR git reachable as ${pkgname}`, () =>
      withRepo(ctx, pkgname, undefined, async (repo) =>
        (await repo.read(".SRCINFO")) === undefined ? `${pkgname} is new on the AUR; the first publish creates it` : `${pkgname} exists`,
      ),
    );
    return [...tools, pinned, key, parses, reach];
  },
});
