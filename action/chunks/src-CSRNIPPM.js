import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  addSecret,
  aurVersion,
  checkStep,
  compareVersion,
  defineRegistry,
  external_exports,
  fail,
  findArtifact,
  getUnlessAbsent,
  httpUrl,
  makeTempDir,
  openRepoFiles,
  pass,
  readJson,
  secretCheck,
  toolCheck
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import "./chunk-BHGG6FRM.js";

// registries/aur/src/index.ts
import { mkdir, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";

// registries/aur/src/options.ts
var aurOptions = external_exports.object({
  package: external_exports.string().regex(/^[a-z0-9@_+][a-z0-9@._+-]*$/, "lowercase letters, digits and @ . _ + -, not starting with - or .").optional().meta({
    description: "The AUR package name (and pkgbase). The `-bin` suffix is the AUR's convention for packages that install prebuilt binaries. Default: `${project.name}-bin`."
  }),
  git: external_exports.string().optional().meta({
    description: 'Where package repositories are cloned from and pushed to: `<git>/<pkgbase>.git`. Default: $FERRY_AUR_GIT, else "ssh://aur@aur.archlinux.org".'
  }),
  rpc: httpUrl().optional().meta({
    description: 'The AUR web base, for the RPC (`/rpc/v5/info`) and the published files (`/cgit/aur.git/plain`). Default: $FERRY_AUR_RPC, else "https://aur.archlinux.org".'
  }),
  knownHosts: external_exports.string().optional().meta({
    description: "known_hosts lines that pin the git host's SSH keys (host key checking is never disabled). Default: $FERRY_AUR_KNOWN_HOSTS, else the host keys aur.archlinux.org publishes."
  }),
  maintainer: external_exports.string().optional().meta({ description: "The `# Maintainer:` line of the PKGBUILD and the commit author, as `Name <email>`. Default: project.author." })
}).strict();

// registries/aur/src/render.ts
var archNames = [
  ["amd64", "x86_64"],
  ["arm64", "aarch64"],
  ["386", "i686"],
  ["armv7", "armv7h"],
  ["riscv64", "riscv64"],
  ["ppc64le", "powerpc64le"]
];
var aurTargets = archNames.flatMap(([arch]) => [`linux/${arch}`, `linux/${arch}-musl`]);
function semverOfAur(pkgver) {
  const match = /^(\d+\.\d+\.\d+)([A-Za-z][A-Za-z0-9.]*)?$/.exec(pkgver);
  if (!match) return pkgver;
  const [, core, pre] = match;
  return pre ? `${core}-${pre.replace(/^([A-Za-z]+)(\d)/, "$1.$2")}` : core;
}
var clean = (text) => text.replace(/\s+/g, " ").trim();
var packageName = (ctx) => ctx.options.package ?? `${ctx.project.name.toLowerCase()}-bin`;
function describePackage(ctx) {
  const { project, manifest, options } = ctx;
  const pkgver = aurVersion(ctx.version);
  const found = archNames.flatMap(([arch, aurArch]) => {
    const artifact = findArtifact(manifest, "linux", arch);
    return artifact ? [{ artifact, aurArch }] : [];
  });
  if (found.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no Linux amd64 or arm64 archive (nor one for another CPU Arch Linux runs) to package for the AUR.",
      fix: "Add a linux/amd64 or linux/arm64 target to the build, or leave the aur target out."
    });
  }
  const binaries = new Set(found.map((f) => f.artifact.binary));
  if (binaries.size > 1) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: `The Linux archives hold the binary under different paths (${[...binaries].join(", ")}).`,
      why: "The PKGBUILD installs one path for every architecture.",
      fix: "Build every Linux target with the same archive layout."
    });
  }
  const name = project.name.toLowerCase();
  const pkgname = packageName(ctx);
  if (!/^[a-z0-9@_+][a-z0-9@._+-]*$/.test(pkgname)) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${pkgname}" is not a valid AUR package name.`,
      why: "Package names hold lowercase letters, digits and @ . _ + -, and do not start with - or .",
      fix: "Set `package` in the aur section of ferry.yaml."
    });
  }
  return {
    pkgname,
    pkgver,
    pkgrel: 1,
    pkgdesc: clean(project.description),
    url: clean(project.homepage),
    license: clean(project.license),
    provides: name,
    maintainer: clean(options.maintainer ?? project.author),
    binary: found[0].artifact.binary,
    command: project.binary,
    sources: found.map(({ artifact, aurArch }) => ({
      arch: aurArch,
      file: `${name}-${pkgver}-${aurArch}.${artifact.format}`,
      url: artifact.url,
      sha256: artifact.sha256
    }))
  };
}
var escape = (text) => text.replace(/[\\"$`]/g, "\\$&");
var dq = (text) => `"${escape(text)}"`;
var sq = (text) => `'${text.replace(/'/g, `'\\''`)}'`;
function renderPkgbuild(pkg) {
  const lines = [
    `# Maintainer: ${pkg.maintainer}`,
    "",
    `pkgname=${pkg.pkgname}`,
    `pkgver=${pkg.pkgver}`,
    `pkgrel=${pkg.pkgrel}`,
    `pkgdesc=${dq(pkg.pkgdesc)}`,
    `arch=(${pkg.sources.map((s) => sq(s.arch)).join(" ")})`,
    `url=${dq(pkg.url)}`,
    `license=(${sq(pkg.license)})`,
    `provides=(${sq(pkg.provides)})`,
    `conflicts=(${sq(pkg.provides)})`,
    ...pkg.sources.flatMap((s) => [`source_${s.arch}=(${dq(`${s.file}::${s.url}`)})`, `sha256sums_${s.arch}=(${sq(s.sha256)})`]),
    "",
    "package() {",
    `  install -Dm755 "$srcdir/${escape(pkg.binary)}" "$pkgdir/usr/bin/${escape(pkg.command)}"`,
    "}"
  ];
  return `${lines.join("\n")}
`;
}
function renderSrcinfo(pkg) {
  const attr = (key, value) => `	${key} = ${clean(String(value))}
`;
  return [
    `pkgbase = ${pkg.pkgname}
`,
    attr("pkgdesc", pkg.pkgdesc),
    attr("pkgver", pkg.pkgver),
    attr("pkgrel", pkg.pkgrel),
    attr("url", pkg.url),
    ...pkg.sources.map((s) => attr("arch", s.arch)),
    attr("license", pkg.license),
    attr("provides", pkg.provides),
    attr("conflicts", pkg.provides),
    ...pkg.sources.flatMap((s) => [attr(`source_${s.arch}`, `${s.file}::${s.url}`), attr(`sha256sums_${s.arch}`, s.sha256)]),
    "\n",
    `pkgname = ${pkg.pkgname}
`
  ].join("");
}
function parseSrcinfo(text) {
  const result = { sha256sums: {} };
  for (const line of text.split("\n")) {
    const match = /^\s*([a-z0-9_]+) = (.*)$/.exec(line);
    if (!match) continue;
    const [, key = "", value = ""] = match;
    if (key === "pkgname") break;
    if (key === "pkgbase" || key === "pkgver" || key === "pkgrel") result[key] = value;
    const sums = /^sha256sums(?:_(.+))?$/.exec(key);
    if (sums) (result.sha256sums[sums[1] ?? "any"] ??= []).push(value);
  }
  return result;
}
var packageSums = (pkg) => Object.fromEntries(pkg.sources.map((s) => [s.arch, [s.sha256]]));

// registries/aur/src/rpc.ts
var webBase = (ctx) => (ctx.options.rpc ?? ctx.env("FERRY_AUR_RPC") ?? "https://aur.archlinux.org").replace(/\/+$/, "");
async function readInfo(ctx, pkgname) {
  const url = `${webBase(ctx)}/rpc/v5/info?arg[]=${encodeURIComponent(pkgname)}`;
  const response = await ctx.http(url, { headers: { accept: "application/json" } });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new FerryError("RegistryUnreachable", {
      registry: ctx.registry,
      what: `The AUR RPC answered ${response.status} for ${pkgname}.`,
      fix: "Check that the AUR is up (https://status.archlinux.org), then re-run; nothing was recorded as published."
    });
  }
  const answer = await readJson(response, ctx.registry);
  if (answer.type === "error") {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The AUR RPC refused the query for ${pkgname}.`,
      why: answer.error
    });
  }
  if (answer.type !== "multiinfo" || !Array.isArray(answer.results)) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The AUR RPC answered the query for ${pkgname} with something that is not an info result.`,
      why: JSON.stringify(answer).slice(0, 200)
    });
  }
  return answer.results.find((r) => r.Name === pkgname);
}
async function readPublishedFile(ctx, pkgbase, file) {
  const url = `${webBase(ctx)}/cgit/aur.git/plain/${file}?h=${encodeURIComponent(pkgbase)}`;
  const response = await getUnlessAbsent(ctx.http, url, {
    registry: ctx.registry,
    what: `Reading ${file} of ${pkgbase} from the AUR`,
    fix: "Re-run when the AUR answers again; nothing was recorded as published."
  });
  return response?.text();
}

// registries/aur/src/ssh.ts
import { chmod, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
var aurKnownHosts = [
  "aur.archlinux.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuBKrPzbawxA/k2g6NcyV5jmqwJ2s+zpgZGZ7tpLIcN",
  "aur.archlinux.org ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLMiLrP8pVi5BFX2i3vepSUnpedeiewE5XptnUnau+ZoeUOPkpoCgZZuYfpaIQfhhJJI5qgnjJmr4hyJbe/zxow=",
  "aur.archlinux.org ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDKF9vAFWdgm9Bi8uc+tYRBmXASBb5cB5iZsB7LOWWFeBrLp3r14w0/9S2vozjgqY5sJLDPONWoTTaVTbhe3vwO8CBKZTEt1AcWxuXNlRnk9FliR1/eNB9uz/7y1R0+c1Md+P98AJJSJWKN12nqIDIhjl2S1vOUvm7FNY43fU2knIhEbHybhwWeg+0wxpKwcAd/JeL5i92Uv03MYftOToUijd1pqyVFdJvQFhqD4v3M157jxS5FTOBrccAEjT+zYmFyD8WvKUa9vUclRddNllmBJdy4NyLB8SvVZULUPrP3QOlmzemeKracTlVOUG1wsDbxknF1BwSCU7CmU6UFP90kpWIyz66bP0bl67QAvlIc52Yix7pKJPbw85+zykvnfl2mdROsaT8p8R9nwCdFsBc9IiD0NhPEHcyHRwB8fokXTajk2QnGhL+zP5KnkmXnyQYOCUYo3EKMXIlVOVbPDgRYYT/XqvBuzq5S9rrU70KoI/S5lDnFfx/+lPLdtcnnEPk="
].join("\n");
var block = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
function normalizePrivateKey(raw, registry = "aur") {
  const text = raw.replace(/\\r\\n|\\n/g, "\n").replace(/\r\n?/g, "\n");
  const match = block.exec(text);
  if (!match) {
    throw new FerryError("SecretMissing", {
      registry,
      what: "AUR_SSH_PRIVATE_KEY does not hold an SSH private key.",
      why: "It has no `-----BEGIN ... PRIVATE KEY-----` ... `-----END ... PRIVATE KEY-----` block.",
      fix: "Store the whole private key file (for example the contents of ~/.ssh/aur), including its BEGIN and END lines."
    });
  }
  const [, label = "", inner = ""] = match;
  const lines = inner.split("\n").map((line) => line.trim()).filter(Boolean);
  const headers = lines.filter((line) => line.includes(":"));
  const body = lines.filter((line) => !line.includes(":")).join("").replace(/\s+/g, "");
  const width = label === "OPENSSH PRIVATE KEY" ? 70 : 64;
  const wrapped = body.match(new RegExp(`.{1,${width}}`, "g")) ?? [];
  const head = headers.length ? [...headers, ""] : [];
  return [`-----BEGIN ${label}-----`, ...head, ...wrapped, `-----END ${label}-----`, ""].join("\n");
}
var quote = (path) => `'${path.replace(/'/g, `'\\''`)}'`;
async function openSshSession(privateKey, knownHosts, registry = "aur") {
  const key = normalizePrivateKey(privateKey, registry);
  addSecret(key);
  const dir = await makeTempDir("aur-ssh");
  await chmod(dir, 448);
  const keyFile = join(dir, "key");
  const hostsFile = join(dir, "known_hosts");
  await writeFile(keyFile, key, { mode: 384 });
  await writeFile(hostsFile, `${knownHosts.trim()}
`, { mode: 384 });
  const command = [
    "ssh",
    "-F none",
    `-i ${quote(keyFile)}`,
    "-o IdentitiesOnly=yes",
    "-o IdentityAgent=none",
    "-o BatchMode=yes",
    `-o UserKnownHostsFile=${quote(hostsFile)}`,
    "-o GlobalKnownHostsFile=/dev/null",
    "-o StrictHostKeyChecking=yes",
    "-o UpdateHostKeys=no"
  ].join(" ");
  return {
    env: { GIT_SSH_COMMAND: command, GIT_SSH_VARIANT: "ssh", GIT_TERMINAL_PROMPT: "0" },
    keyFile,
    close: () => rm(dir, { recursive: true, force: true })
  };
}
function pinsHost(knownHosts, gitUrl) {
  let url;
  try {
    url = new URL(gitUrl);
  } catch {
    return void 0;
  }
  const host = url.port && url.port !== "22" ? `[${url.hostname}]:${url.port}` : url.hostname;
  const pinned = knownHosts.split("\n").map((line) => line.trim()).some((line) => line !== "" && !line.startsWith("#") && (line.split(/\s+/)[0] ?? "").split(",").includes(host));
  return { host, pinned };
}
function explainSshFailure(error, host, registry = "aur") {
  if (!(error instanceof FerryError)) return error;
  const output = error.details.why ?? "";
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* is not known|No .* host key is known/i.test(output)) {
    return new FerryError("RegistryRefused", {
      registry,
      what: `The SSH host key of ${host} does not match the pinned known_hosts, so nothing was pushed.`,
      why: "ferry checks the git host's key against `knownHosts` (or FERRY_AUR_KNOWN_HOSTS, else the keys aur.archlinux.org publishes) and never trusts an unknown key.",
      fix: "If the host really changed its keys, compare them with the fingerprints it publishes and set `knownHosts`; otherwise something is intercepting the connection.",
      cause: error
    });
  }
  if (/Permission denied \(publickey|Load key .*: (invalid format|error in libcrypto)|incorrect passphrase/i.test(output)) {
    return new FerryError("RegistryRefused", {
      registry,
      what: `${host} refused the SSH key in AUR_SSH_PRIVATE_KEY.`,
      why: /Load key/i.test(output) ? "ssh could not read the key (a passphrase-protected or damaged key)." : "The key is not registered on the account that may push this package.",
      fix: "Add the key's public half under My Account \u2192 SSH Public Key on the AUR, and store the private key without a passphrase.",
      cause: error
    });
  }
  return error;
}

// registries/aur/src/index.ts
var keyName = "AUR_SSH_PRIVATE_KEY";
var fullVersion = (pkg) => `${pkg.pkgver}-${pkg.pkgrel}`;
var sameSums = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
var differs = (ctx, pkg) => new FerryError("PublishedContentDiffers", {
  registry: ctx.registry,
  what: `${pkg.pkgname} ${pkg.pkgver} is already on the AUR with other sha256sums than this release.`,
  why: "The same pkgver with different sources means the release assets changed after it was published; ferry does not overwrite it or bump pkgrel to hide that.",
  fix: "Release a new version, or restore the original assets."
});
function orderOf(ctx, pkg, found) {
  const order = compareVersion(semverOfAur(found.replace(/-[^-]*$/, "")), ctx.version);
  if (order !== void 0) return order;
  throw new FerryError("PublishedContentDiffers", {
    registry: ctx.registry,
    what: `The AUR has ${pkg.pkgname} ${found}, which cannot be ordered against ${pkg.pkgver}.`,
    why: "ferry only replaces a version it knows to be older than this release.",
    fix: `Check ${pkg.pkgname} on the AUR; publish it by hand, or delete it there, then run ferry again.`
  });
}
async function presence(ctx, pkg) {
  const info = await readInfo(ctx, pkg.pkgname);
  if (!info) return { state: "absent" };
  const order = orderOf(ctx, pkg, info.Version);
  if (order < 0) {
    ctx.log(`the AUR has ${pkg.pkgname} ${info.Version}; this release updates it to ${fullVersion(pkg)}.`);
    return { state: "absent" };
  }
  if (order > 0) return { state: "newer", version: info.Version, where: `${pkg.pkgname} on the AUR` };
  const published = await readPublishedFile(ctx, info.PackageBase, ".SRCINFO");
  if (published === void 0) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The AUR RPC lists ${pkg.pkgname} ${info.Version}, but its .SRCINFO cannot be read.`,
      fix: "Re-run later; the AUR's git web view may be lagging behind."
    });
  }
  const matches = sameSums(parseSrcinfo(published).sha256sums, packageSums(pkg));
  return {
    state: "present",
    matches,
    detail: matches ? `${pkg.pkgname} ${info.Version} with the same sha256sums.` : `${pkg.pkgname} ${info.Version} with other sha256sums than this release.`
  };
}
var keyFix = `Create a key without a passphrase (ssh-keygen -t ed25519 -N "" -f aur), add aur.pub to your AUR account, and store the private key as ${keyName}.`;
function requireKey(ctx) {
  const key = ctx.secret(keyName);
  if (key) return key;
  throw new FerryError("SecretMissing", {
    registry: ctx.registry,
    what: `${keyName} is not set.`,
    why: "The AUR accepts pushes only over SSH, with a key registered on the maintainer's account.",
    fix: keyFix
  });
}
var gitBase = (ctx) => (ctx.options.git ?? ctx.env("FERRY_AUR_GIT") ?? "ssh://aur@aur.archlinux.org").replace(/\/+$/, "");
var knownHostsOf = (ctx) => ctx.options.knownHosts ?? ctx.env("FERRY_AUR_KNOWN_HOSTS") ?? aurKnownHosts;
async function withRepo(ctx, pkgname, author, use) {
  const key = requireKey(ctx);
  const base = gitBase(ctx);
  const host = base.replace(/^[a-z+]+:\/\/([^@/]*@)?/i, "").split("/")[0] ?? base;
  const session = await openSshSession(key, knownHostsOf(ctx), ctx.registry);
  const sshCtx = { ...ctx, env: (name) => session.env[name] ?? ctx.env(name) };
  try {
    const repo = openRepoFiles(sshCtx, { git: `${base}/${pkgname}.git`, branch: "master", token: keyName, author });
    return await use(repo);
  } catch (error) {
    throw explainSshFailure(error, host, ctx.registry);
  } finally {
    await session.close();
  }
}
var src_default = defineRegistry({
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
    const files = [join2(ctx.outDir, "PKGBUILD"), join2(ctx.outDir, ".SRCINFO")];
    await mkdir(ctx.outDir, { recursive: true });
    await writeFile2(files[0], pkgbuild);
    await writeFile2(files[1], srcinfo);
    return { files, pkg, pkgbuild, srcinfo };
  },
  async publish(ctx, { pkg, pkgbuild, srcinfo }) {
    return withRepo(ctx, pkg.pkgname, pkg.maintainer, async (repo) => {
      const current = await repo.read(".SRCINFO");
      if (current !== void 0) {
        const theirs = parseSrcinfo(current);
        const order = orderOf(ctx, pkg, theirs.pkgver ?? "(no pkgver)");
        if (order > 0) {
          throw new FerryError("PublishedContentDiffers", {
            registry: ctx.registry,
            what: `The AUR already has ${pkg.pkgname} ${theirs.pkgver}-${theirs.pkgrel ?? "?"}, newer than ${pkg.pkgver}; not downgrading it.`
          });
        }
        if (order === 0 && !sameSums(theirs.sha256sums, packageSums(pkg))) throw differs(ctx, pkg);
      }
      const verb = current === void 0 ? "Add" : "Update to";
      const { commit } = await repo.write({ files: { PKGBUILD: pkgbuild, ".SRCINFO": srcinfo }, message: `${verb} ${fullVersion(pkg)}` });
      return {
        detail: commit ? `${pkg.pkgname} ${fullVersion(pkg)}: commit ${commit.slice(0, 12)} on master` : `${pkg.pkgname} ${fullVersion(pkg)}: the AUR already had these files, nothing pushed`
      };
    });
  },
  async verify(ctx) {
    const pkg = describePackage(ctx);
    const found = await presence(ctx, pkg);
    if (found.state === "absent") return void 0;
    if (found.state === "newer") {
      throw new FerryError("PublishedContentDiffers", {
        registry: ctx.registry,
        what: `${pkg.pkgname} ${found.version} replaced this release's ${pkg.pkgver} on the AUR.`
      });
    }
    if (!found.matches) throw new FerryError("PublishedContentDiffers", { registry: ctx.registry, what: found.detail });
    return { state: "verified", detail: `the AUR RPC lists ${found.detail}` };
  },
  async doctor(ctx) {
    const tools = await Promise.all(
      ["git", "ssh", "ssh-keygen"].map((tool) => toolCheck(ctx, tool, `Install ${tool} (OpenSSH and git) and make sure it is on PATH.`))
    );
    const pin = pinsHost(knownHostsOf(ctx), gitBase(ctx));
    const pinned = pin?.pinned ? pass("AUR host key pinned", `known_hosts has ${pin.host}`) : fail(
      "AUR host key pinned",
      pin ? `known_hosts has no line for ${pin.host}` : `${gitBase(ctx)} is not an ssh:// URL`,
      "Set `knownHosts` (or FERRY_AUR_KNOWN_HOSTS) to the host's published keys."
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
    const reach = await checkStep(
      `AUR git reachable as ${pkgname}`,
      () => withRepo(
        ctx,
        pkgname,
        void 0,
        async (repo) => await repo.read(".SRCINFO") === void 0 ? `${pkgname} is new on the AUR; the first publish creates it` : `${pkgname} exists`
      )
    );
    return [...tools, pinned, key, parses, reach];
  }
});
export {
  src_default as default
};
