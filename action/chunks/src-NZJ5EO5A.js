import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  addSecret,
  checkStep,
  cratesVersion,
  defineRegistry,
  external_exports,
  hashFile,
  idToken,
  idTokenAvailable,
  innerPath,
  makeTempDir,
  parse,
  pass,
  readJson,
  secretCheck,
  toolCheck
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import "./chunk-BHGG6FRM.js";

// registries/crates/src/index.ts
import { copyFile, rm, stat, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { basename, join as join2, resolve as resolve2 } from "node:path";

// registries/crates/src/cargo.ts
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
var registry = "crates";
var cratesIo = "sparse+https://index.crates.io/";
function indexUrl(ctx) {
  const url = ctx.options.index ?? ctx.env("FERRY_CRATES_INDEX") ?? cratesIo;
  if (!url.startsWith("sparse+http")) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `The index "${url}" is not a sparse index URL.`,
      why: "ferry reads crates through the sparse protocol only.",
      fix: "Set `index` (or FERRY_CRATES_INDEX) to a URL of the form sparse+https://host/path/."
    });
  }
  return url.endsWith("/") ? url : `${url}/`;
}
function cargoRegistry(ctx, token) {
  const url = indexUrl(ctx);
  const env = {};
  const home = ctx.env("CARGO_HOME");
  if (home) env.CARGO_HOME = home;
  if (url === cratesIo) {
    if (token) env.CARGO_REGISTRY_TOKEN = token;
    return { args: [], env };
  }
  env.CARGO_REGISTRIES_FERRY_INDEX = url;
  if (token) env.CARGO_REGISTRIES_FERRY_TOKEN = token;
  return { args: ["--registry", "ferry"], env };
}
var readToml = async (path) => parse(await readFile(path, "utf8"));
async function manifestVersion(manifest, path) {
  let file;
  try {
    file = await readToml(path);
  } catch (error) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `${manifest} cannot be read as TOML.`,
      why: error.message.split("\n")[0],
      fix: "Fix Cargo.toml (`cargo metadata --no-deps` shows what cargo makes of it)."
    });
  }
  const version = file.package?.version;
  if (!file.package) throw noPackage(manifest);
  if (typeof version === "string") return version;
  if (version === void 0) return "0.0.0";
  const rootDir = typeof file.package.workspace === "string" ? resolve(dirname(path), file.package.workspace) : void 0;
  for (let dir = rootDir ?? dirname(path); ; dir = dirname(dir)) {
    const root = await readToml(join(dir, "Cargo.toml")).catch(() => void 0);
    const inherited = root?.workspace?.package?.version;
    if (root?.workspace) {
      if (typeof inherited === "string") return inherited;
      break;
    }
    if (rootDir || dir === dirname(dir)) break;
  }
  throw new FerryError("ConfigInvalid", {
    registry,
    what: `${manifest} takes its version from the workspace, but no workspace Cargo.toml above it has [workspace.package] version.`,
    fix: "Give the workspace's Cargo.toml `[workspace.package] version`, or the crate a version of its own."
  });
}
var noPackage = (manifest) => new FerryError("ConfigInvalid", {
  registry,
  what: `${manifest} has no [package] to publish.`,
  fix: "Point the option `manifest` at the Cargo.toml of the crate itself, not a virtual workspace manifest."
});
async function checkManifestVersion(options2, path, version) {
  const found = await manifestVersion(options2.manifest, path);
  const expected = cratesVersion(version);
  if (found !== expected) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `registries.crates.manifest: ${options2.manifest} says version ${found}, but the release is ${expected}.`,
      why: "crates.io publishes the version in Cargo.toml, and it must match the tag.",
      fix: `Set \`version = "${expected}"\` in ${options2.manifest}, commit, and tag again.`
    });
  }
}
async function readMetadata(ctx) {
  const manifestPath = resolve(ctx.project.dir, ctx.options.manifest);
  const { env } = cargoRegistry(ctx);
  const { stdout } = await ctx.exec("cargo", ["metadata", "--no-deps", "--format-version", "1", "--manifest-path", manifestPath], { env });
  const metadata = JSON.parse(stdout);
  const pkg = metadata.packages.find((p) => resolve(p.manifest_path) === manifestPath);
  if (!pkg) throw noPackage(ctx.options.manifest);
  return { name: pkg.name, version: pkg.version, manifestPath, targetDirectory: metadata.target_directory };
}
async function packageCrate(ctx, crate, { verify, targetDir }) {
  const { args, env } = cargoRegistry(ctx);
  const flags = ["--manifest-path", crate.manifestPath, "--target-dir", targetDir, ...args, ...verify ? [] : ["--no-verify"]];
  await ctx.exec("cargo", ["package", ...flags], { env });
  const path = join(targetDir, "package", `${crate.name}-${crate.version}.crate`);
  return { path, sha256: await hashFile(path) };
}
async function packageList(ctx, crate) {
  const { args, env } = cargoRegistry(ctx);
  const { stdout } = await ctx.exec("cargo", ["package", "--list", "--manifest-path", crate.manifestPath, ...args], { env });
  return `${stdout.trim()}
`;
}

// registries/crates/src/sparse.ts
var registry2 = "crates";
function indexPath(name2) {
  const lower = name2.toLowerCase();
  if (lower.length <= 2) return `${lower.length}/${lower}`;
  if (lower.length === 3) return `3/${lower[0]}/${lower}`;
  return `${lower.slice(0, 2)}/${lower.slice(2, 4)}/${lower}`;
}
async function readIndex(ctx, index, name2) {
  const url = new URL(indexPath(name2), index.replace(/^sparse\+/, ""));
  const response = await ctx.http(url, { headers: { "cache-control": "no-cache" } });
  if ([404, 410, 451].includes(response.status)) {
    await response.body?.cancel();
    return [];
  }
  const text = await response.text();
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry: registry2,
      what: `${url.host} answered ${response.status} to GET ${url.pathname}.`,
      why: text.slice(0, 200),
      fix: "Check the index URL (option `index` or FERRY_CRATES_INDEX), then re-run."
    });
  }
  try {
    return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
  } catch {
    throw new FerryError("RegistryRefused", {
      registry: registry2,
      what: `${url.href} is not a sparse index file (one JSON object per line).`,
      fix: "Point the option `index` (or FERRY_CRATES_INDEX) at a cargo sparse index."
    });
  }
}

// registries/crates/src/trusted.ts
var registry3 = "crates";
var tokenFix = "Create a token with the publish-update scope (publish-new for a first release) at https://crates.io/settings/tokens and set it as CARGO_REGISTRY_TOKEN, or add this workflow as the crate's trusted publisher on crates.io (Settings \u2192 Trusted Publishing) and give the job `permissions: id-token: write`.";
var trustedPublishing = (ctx) => !ctx.secret("CARGO_REGISTRY_TOKEN") && idTokenAvailable(ctx);
async function publishToken(ctx, crate) {
  const stored = ctx.secret("CARGO_REGISTRY_TOKEN");
  if (stored) return { token: stored, trusted: false, release: () => Promise.resolve() };
  if (!idTokenAvailable(ctx)) {
    throw new FerryError("SecretMissing", {
      registry: registry3,
      what: "CARGO_REGISTRY_TOKEN is not set, and no OIDC ID token is available for trusted publishing.",
      fix: tokenFix
    });
  }
  const index = indexUrl(ctx);
  await publishedBefore(ctx, crate);
  const endpoint = new URL("api/v1/trusted_publishing/tokens", `${await apiUrl(ctx, index)}/`);
  const audience = endpoint.host;
  const response = await ctx.http(endpoint, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json" },
    // An ID token is exchanged once (crates.io records its jti): each attempt asks for a fresh one.
    body: async () => JSON.stringify({ jwt: await idToken(ctx, audience, { registry: registry3, http: ctx.http }) })
  });
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry: registry3,
      what: `${endpoint.host} refused to exchange this workflow's OIDC ID token for a publish token (${response.status}).`,
      why: await errorDetail(response),
      fix: `On crates.io, open ${crate.name}'s Settings \u2192 Trusted Publishing and add this repository and workflow file (and environment, if the job has one); or set CARGO_REGISTRY_TOKEN.`
    });
  }
  const { token } = await readJson(response, registry3);
  if (!token) throw new FerryError("RegistryRefused", { registry: registry3, what: `${endpoint.host} exchanged the OIDC ID token for no token.` });
  addSecret(token);
  return {
    token,
    trusted: true,
    async release() {
      const revoked = await ctx.http(endpoint, { method: "DELETE", headers: { authorization: `Bearer ${token}` } }).then(
        async (r) => r.ok ? void 0 : `${r.status}: ${await errorDetail(r)}`,
        (error) => error.message
      );
      if (revoked) ctx.log(`could not revoke the trusted publishing token (${revoked}); it expires by itself within 30 minutes`);
    }
  };
}
async function publishedBefore(ctx, crate) {
  const versions = (await readIndex(ctx, indexUrl(ctx), crate.name)).length;
  if (versions === 0) {
    throw new FerryError("SecretMissing", {
      registry: registry3,
      what: `${crate.name} has never been published, and trusted publishing cannot create a crate.`,
      fix: "Publish the crate's first version with CARGO_REGISTRY_TOKEN (a token with the publish-new scope), then add this workflow as its trusted publisher."
    });
  }
  return versions;
}
async function apiUrl(ctx, index) {
  if (index === cratesIo) return "https://crates.io";
  const url = new URL("config.json", index.replace(/^sparse\+/, ""));
  const response = await ctx.http(url);
  const { api } = response.ok ? await readJson(response, registry3) : {};
  if (!api) {
    throw new FerryError("RegistryRefused", {
      registry: registry3,
      what: `${url.href} names no API (answered ${response.status}), so there is nowhere to exchange an OIDC ID token.`,
      fix: "Set CARGO_REGISTRY_TOKEN, or point `index` at a registry that has an API."
    });
  }
  return api.replace(/\/+$/, "");
}
async function errorDetail(response) {
  const text = (await response.text()).trim();
  try {
    const { errors } = JSON.parse(text);
    if (errors?.length) return errors.map((e) => e.detail).join("; ");
  } catch {
  }
  return text.slice(0, 300);
}

// registries/crates/src/index.ts
var name = "crates";
var options = external_exports.object({
  manifest: innerPath().default("Cargo.toml").meta({ description: "Cargo.toml of the crate, relative to the project's directory." }),
  index: external_exports.string().regex(/^sparse\+https?:\/\/[^\s]+$/, "expected a sparse index URL, sparse+https://host/path/").optional().meta({ description: "The registry's sparse index. Default: FERRY_CRATES_INDEX, else sparse+https://index.crates.io/." })
}).strict();
async function findVersion(ctx, crate) {
  const entries = await readIndex(ctx, indexUrl(ctx), crate.name);
  return entries.find((e) => e.vers === crate.version);
}
function retryDelay(error, attempt) {
  const text = error instanceof Error ? error.message : String(error);
  if (!/got (429|5\d\d)\b|connection (reset|refused|closed)|timed out|error sending request|Recv failure|Send failure|failed to send request/i.test(
    text
  ))
    return void 0;
  const after = /retry-after:\s*(\d+)/i.exec(text)?.[1];
  return after ? Math.min(Number(after), 60) * 1e3 : 1e3 * attempt;
}
var firstLine = (error) => (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 200);
function differs(crate, entry, sha256) {
  return new FerryError("PublishedContentDiffers", {
    registry: name,
    what: `${crate.name} ${crate.version} is published with cksum ${entry.cksum}, but these sources package to ${sha256}.`,
    why: "A crate version can never be replaced, only yanked.",
    fix: "Release a new version (the tag and Cargo.toml both), or check out the sources that were published."
  });
}
async function publishWith(ctx, crate, sha256, token) {
  const { args, env } = cargoRegistry(ctx, token);
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.exec("cargo", ["publish", "--no-verify", "--manifest-path", crate.manifestPath, ...args], { env });
      return { detail: `${crate.name} ${crate.version} with cksum ${sha256}` };
    } catch (error) {
      const entry = await findVersion(ctx, crate);
      if (entry && entry.cksum !== sha256) throw differs(crate, entry, sha256);
      if (entry) return { detail: `${crate.name} ${crate.version} was already in the index with cksum ${sha256}` };
      const wait = retryDelay(error, attempt);
      if (attempt >= 3 || wait === void 0 || ctx.signal.aborted) throw error;
      ctx.log(`cargo publish failed (${firstLine(error)}); retrying (${attempt + 1}/3)`);
      await sleep(wait, void 0, { signal: ctx.signal });
    }
  }
}
var src_default = defineRegistry({
  name,
  needs: ["source"],
  options,
  async validate(ctx) {
    const path = resolve2(ctx.project.dir, ctx.options.manifest);
    if (!await stat(path).then(
      (s) => s.isFile(),
      () => false
    )) {
      throw new FerryError("ConfigInvalid", {
        registry: name,
        what: `registries.crates.manifest: there is no Cargo.toml at ${path}.`,
        fix: "Set `manifest` to the crate's Cargo.toml, relative to ferry.yaml."
      });
    }
    if (ctx.version) await checkManifestVersion(ctx.options, path, ctx.version);
  },
  async exists(ctx) {
    const crate = await readMetadata(ctx);
    const entry = await findVersion(ctx, crate);
    if (!entry) return { state: "absent" };
    const scratch = await makeTempDir("crates");
    try {
      const { sha256 } = await packageCrate(ctx, crate, { verify: false, targetDir: scratch });
      const yanked = entry.yanked ? " (yanked)" : "";
      return {
        state: "present",
        matches: entry.cksum === sha256,
        detail: `${crate.name} ${crate.version}${yanked} with cksum ${entry.cksum}${entry.cksum === sha256 ? "" : `, these sources give ${sha256}`}`
      };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
  async prepare(ctx) {
    const crate = await readMetadata(ctx);
    await writeFile(join2(ctx.outDir, "package-list.txt"), await packageList(ctx, crate));
    const packaged = await packageCrate(ctx, crate, { verify: true, targetDir: crate.targetDirectory });
    const file = basename(packaged.path);
    await copyFile(packaged.path, join2(ctx.outDir, file));
    return { files: [file, "package-list.txt"], crate, sha256: packaged.sha256 };
  },
  async publish(ctx, prepared) {
    const { crate, sha256 } = prepared;
    const { token, trusted, release } = await publishToken(ctx, crate);
    try {
      const { detail } = await publishWith(ctx, crate, sha256, token);
      return { detail: trusted ? `${detail}, through trusted publishing` : detail };
    } finally {
      await release();
    }
  },
  async verify(ctx) {
    const crate = await readMetadata(ctx);
    const entry = await findVersion(ctx, crate);
    if (!entry) return void 0;
    return { state: "verified", detail: `the index lists ${crate.name} ${crate.version} with cksum ${entry.cksum}` };
  },
  async doctor(ctx) {
    const cargo = await toolCheck(ctx, "cargo", "Install Rust's toolchain (https://rustup.rs) so that cargo is on PATH.");
    const token = trustedPublishing(ctx) ? pass("crates.io credentials", "no token; trusted publishing (an OIDC ID token) is available, exchanged at publish time") : secretCheck(ctx, ["CARGO_REGISTRY_TOKEN"], tokenFix);
    if (!cargo.ok) return [cargo, token];
    let crate;
    const manifest = await checkStep(`${ctx.options.manifest} readable`, async () => {
      crate = await readMetadata(ctx);
      return `${crate.name} ${crate.version}; the release tag must be this version`;
    });
    if (!crate || !trustedPublishing(ctx)) return [cargo, token, manifest];
    const published = crate;
    const first = await checkStep(`${published.name} published before`, async () => {
      const versions = await publishedBefore(ctx, published);
      return `the index lists ${versions} version${versions === 1 ? "" : "s"}; trusted publishing publishes new ones`;
    });
    return [cargo, token, manifest, first];
  }
});
export {
  src_default as default
};
