import { copyFile, rm, stat, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { basename, join, resolve } from "node:path";
import { checkStep, defineRegistry, FerryError, innerPath, pass, secretCheck, toolCheck, type Context, makeTempDir } from "@ferry/core";
import { z } from "zod";
import {
  cargoRegistry,
  checkManifestVersion,
  indexUrl,
  packageCrate,
  packageList,
  readMetadata,
  type Crate,
  type CrateOptions,
} from "./cargo.ts";
import { readIndex, type IndexEntry } from "./sparse.ts";
import { publishedBefore, publishToken, tokenFix, trustedPublishing } from "./trusted.ts";

const name = "crates";

const options = z
  .object({
    manifest: innerPath().default("Cargo.toml").meta({ description: "Cargo.toml of the crate, relative to the project's directory." }),
    index: z
      .string()
      .regex(/^sparse\+https?:\/\/[^\s]+$/, "expected a sparse index URL, sparse+https://host/path/")
      .optional()
      .meta({ description: "The registry's sparse index. Default: FERRY_CRATES_INDEX, else sparse+https://index.crates.io/." }),
  })
  .strict();

/** The entry of this version in the index, if any. */
async function findVersion(ctx: Context<CrateOptions>, crate: Crate): Promise<IndexEntry | undefined> {
  const entries = await readIndex(ctx, indexUrl(ctx), crate.name);
  return entries.find((e) => e.vers === crate.version);
}

/**
 * How long to wait before publishing again after cargo failed, when the failure is the network's
 * (cargo prints "got 503", "got 429" with the answer's headers, or a dropped connection); undefined
 * for an answer (refused, invalid, denied).
 */
function retryDelay(error: unknown, attempt: number): number | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (
    !/got (429|5\d\d)\b|connection (reset|refused|closed)|timed out|error sending request|Recv failure|Send failure|failed to send request/i.test(
      text,
    )
  )
    return undefined;
  const after = /retry-after:\s*(\d+)/i.exec(text)?.[1];
  return after ? Math.min(Number(after), 60) * 1000 : 1000 * attempt;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);

function differs(crate: Crate, entry: IndexEntry, sha256: string): FerryError {
  return new FerryError("PublishedContentDiffers", {
    registry: name,
    what: `${crate.name} ${crate.version} is published with cksum ${entry.cksum}, but these sources package to ${sha256}.`,
    why: "A crate version can never be replaced, only yanked.",
    fix: "Release a new version (the tag and Cargo.toml both), or check out the sources that were published.",
  });
}

/** Runs `cargo publish` with `token`; the build was verified in prepare(). */
async function publishWith(ctx: Context<CrateOptions>, crate: Crate, sha256: string, token: string) {
  const { args, env } = cargoRegistry(ctx, token);
  for (let attempt = 1; ; attempt++) {
    try {
      // cargo re-packages the same bytes and waits for the index.
      await ctx.exec("cargo", ["publish", "--no-verify", "--manifest-path", crate.manifestPath, ...args], { env });
      return { detail: `${crate.name} ${crate.version} with cksum ${sha256}` };
    } catch (error) {
      // An earlier attempt may have got through: the same cksum in the index is a success.
      const entry = await findVersion(ctx, crate);
      if (entry && entry.cksum !== sha256) throw differs(crate, entry, sha256);
      if (entry) return { detail: `${crate.name} ${crate.version} was already in the index with cksum ${sha256}` };
      // cargo does not retry an upload itself: a 5xx, a 429 or a dropped connection is tried again (three tries in all).
      const wait = retryDelay(error, attempt);
      if (attempt >= 3 || wait === undefined || ctx.signal.aborted) throw error;
      ctx.log(`cargo publish failed (${firstLine(error)}); retrying (${attempt + 1}/3)`);
      await sleep(wait, undefined, { signal: ctx.signal });
    }
  }
}

export default defineRegistry({
  name,
  needs: ["source"],
  options,

  async validate(ctx) {
    const path = resolve(ctx.project.dir, ctx.options.manifest);
    if (
      !(await stat(path).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      throw new FerryError("ConfigInvalid", {
        registry: name,
        what: `registries.crates.manifest: there is no Cargo.toml at ${path}.`,
        fix: "Set `manifest` to the crate's Cargo.toml, relative to ferry.yaml.",
      });
    }
    if (ctx.version) await checkManifestVersion(ctx.options, path, ctx.version);
  },

  async exists(ctx) {
    const crate = await readMetadata(ctx);
    const entry = await findVersion(ctx, crate);
    if (!entry) return { state: "absent" };
    // Only a version that is already there needs our own checksum: package into a scratch dir.
    const scratch = await makeTempDir("crates");
    try {
      const { sha256 } = await packageCrate(ctx, crate, { verify: false, targetDir: scratch });
      const yanked = entry.yanked ? " (yanked)" : "";
      return {
        state: "present",
        matches: entry.cksum === sha256,
        detail: `${crate.name} ${crate.version}${yanked} with cksum ${entry.cksum}${entry.cksum === sha256 ? "" : `, these sources give ${sha256}`}`,
      };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },

  async prepare(ctx) {
    const crate = await readMetadata(ctx);
    await writeFile(join(ctx.outDir, "package-list.txt"), await packageList(ctx, crate));
    // Packaging in the project's own target dir verifies with its build cache, as `cargo package` does.
    const packaged = await packageCrate(ctx, crate, { verify: true, targetDir: crate.targetDirectory });
    const file = basename(packaged.path);
    await copyFile(packaged.path, join(ctx.outDir, file));
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
    if (!entry) return undefined;
    return { state: "verified", detail: `the index lists ${crate.name} ${crate.version} with cksum ${entry.cksum}` };
  },

  async doctor(ctx) {
    const cargo = await toolCheck(ctx, "cargo", "Install Rust's toolchain (https://rustup.rs) so that cargo is on PATH.");
    // Trusted publishing needs no stored token: an OIDC ID token is exchanged at publish time.
    const token = trustedPublishing(ctx)
      ? pass("crates.io credentials", "no token; trusted publishing (an OIDC ID token) is available, exchanged at publish time")
      : secretCheck(ctx, ["CARGO_REGISTRY_TOKEN"], tokenFix);
    if (!cargo.ok) return [cargo, token];
    // crates.io has no read-only call that authenticates a token; the manifest is what can be checked.
    let crate: Crate | undefined;
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
  },
});
