import { openAsBlob } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  checkStep,
  chocolateyVersion,
  defineRegistry,
  FerryError,
  secretCheck,
  type Context,
  type Prepared,
  type Presence,
  makeTempDir,
} from "@ferry/core";
import { countVersions, feedUrl, inModeration, pushUrl, readEntry, type FeedEntry } from "./feed.ts";
import { chocolateyOptions, type ChocolateyOptions } from "./options.ts";
import { packageId, packNupkg, type Nupkg } from "./render.ts";

interface ChocolateyPrepared extends Prepared {
  nupkg: Nupkg;
}

/** Packs the .nupkg in a scratch directory, to compare its hash with the feed's. */
async function ourHash(ctx: Context<ChocolateyOptions>): Promise<string> {
  const dir = await makeTempDir("chocolatey");
  try {
    return (await packNupkg(ctx, dir)).sha512;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function presence(entry: FeedEntry, id: string, version: string, sha512: string): Presence {
  const comparable = entry.hash !== undefined && (entry.hashAlgorithm ?? "SHA512").toUpperCase() === "SHA512";
  const moderation = inModeration(entry) ? ", awaiting moderation" : "";
  return {
    state: "present",
    matches: comparable && entry.hash === sha512,
    detail: comparable
      ? `${id} ${version} is on the feed${moderation}${entry.hash === sha512 ? "" : ", with a different package hash"}`
      : `${id} ${version} is on the feed${moderation}, without a SHA512 hash to compare`,
  };
}

export default defineRegistry<ChocolateyOptions, ChocolateyPrepared>({
  name: "chocolatey",
  needs: ["binaries"],
  // Chocolatey's install script takes one 64-bit x86 zip; Windows on Arm runs it too.
  targets: ["windows/amd64"],
  options: chocolateyOptions,

  validate(ctx) {
    if (ctx.version) chocolateyVersion(ctx.version);
  },

  async exists(ctx) {
    const sha512 = await ourHash(ctx);
    const { id, version } = coordinates(ctx);
    const entry = await readEntry(ctx, id, version);
    return entry ? presence(entry, id, version, sha512) : { state: "absent" };
  },

  async prepare(ctx) {
    await mkdir(ctx.outDir, { recursive: true });
    const nupkg = await packNupkg(ctx, ctx.outDir);
    const files: string[] = [];
    for (const [name, text] of Object.entries(nupkg.parts)) {
      const file = join(ctx.outDir, "content", name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      files.push(file);
    }
    return { files: [...files, nupkg.file], nupkg };
  },

  async publish(ctx, { nupkg }) {
    const apiKey = ctx.secret("CHOCOLATEY_API_KEY");
    if (!apiKey) {
      throw new FerryError("SecretMissing", {
        registry: ctx.registry,
        what: "CHOCOLATEY_API_KEY is not set.",
        fix: "Copy the API key from your account page on community.chocolatey.org and store it as the secret CHOCOLATEY_API_KEY.",
      });
    }
    const form = new FormData();
    form.set("package", await openAsBlob(nupkg.file), basename(nupkg.file));
    const url = `${pushUrl(ctx)}api/v2/package/`;
    // A multipart body is sent once; a failed push is safe to re-run (exists() is asked first).
    const response = await fetch(url, { method: "PUT", body: form, headers: { "X-NuGet-ApiKey": apiKey }, signal: ctx.signal }).catch(
      (error: unknown) => {
        if (ctx.signal.aborted) throw error;
        throw new FerryError("RegistryUnreachable", {
          registry: ctx.registry,
          what: `${new URL(url).host} did not answer the push of ${basename(nupkg.file)}.`,
          why: String((error as Error).cause ?? error),
          fix: "Check that the push endpoint is reachable, then re-run.",
          cause: error,
        });
      },
    );
    if (response.status === 409) {
      // Someone (or an earlier run) pushed this version: fine only if it is this package.
      const entry = await readEntry(ctx, nupkg.id, nupkg.version);
      const found = entry && presence(entry, nupkg.id, nupkg.version, nupkg.sha512);
      if (found?.state === "present" && found.matches) return { detail: `${nupkg.id} ${nupkg.version} was already pushed` };
      throw new FerryError("PublishedContentDiffers", {
        registry: ctx.registry,
        what: `${nupkg.id} ${nupkg.version} is already taken on the feed by a different package.`,
        why: "Chocolatey never replaces a version (a rejected one stays reserved too).",
        fix: "Release a new version.",
      });
    }
    if (response.status !== 200 && response.status !== 201 && response.status !== 202) {
      const denied = response.status === 401 || response.status === 403;
      throw new FerryError("RegistryRefused", {
        registry: ctx.registry,
        what: `Pushing ${basename(nupkg.file)} answered ${response.status}.`,
        why: (await response.text()).slice(0, 300) || undefined,
        fix: denied ? "Check CHOCOLATEY_API_KEY and that the account owns this package id." : "Re-run later.",
      });
    }
    return { detail: `pushed ${nupkg.id} ${nupkg.version} to ${new URL(url).host}` };
  },

  async verify(ctx) {
    const { id, version } = coordinates(ctx);
    const entry = await readEntry(ctx, id, version);
    if (!entry) return undefined;
    if (inModeration(entry)) {
      return {
        state: "awaiting-review",
        detail: `${id} ${version} is in moderation (${entry.status ?? "not approved"}) on ${new URL(feedUrl(ctx)).host}`,
      };
    }
    return { state: "verified", detail: `${id} ${version} is ${entry.status ?? "listed"} on ${new URL(feedUrl(ctx)).host}` };
  },

  async doctor(ctx) {
    // NuGet feeds have no read-only call that authenticates an API key; the first push is what proves it.
    const key = secretCheck(
      ctx,
      ["CHOCOLATEY_API_KEY"],
      "Copy the API key from your account page on community.chocolatey.org and store it as the secret CHOCOLATEY_API_KEY.",
    );
    const id = packageId(ctx);
    const feed = await checkStep(`${new URL(feedUrl(ctx)).host} feed answers`, async () => {
      const count = await countVersions(ctx, id);
      return count ? `${id} has ${count} versions there` : `${id} is not there yet; the first push creates it`;
    });
    return [key, feed];
  },
});

const coordinates = (ctx: Context<ChocolateyOptions>) => ({ id: packageId(ctx), version: chocolateyVersion(ctx.version) });
