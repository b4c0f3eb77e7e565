import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  checkStep,
  compareVersion,
  defineRegistry,
  FerryError,
  readJson,
  secretCheck,
  snapChannel,
  snapVersion,
  toolCheck,
  type Context,
  type Prepared,
  makeTempDir,
} from "@ferry/core";
import { authorizationHeader } from "./credentials.ts";
import { snapOptions, type SnapOptions } from "./options.ts";
import { buildSnap, channelOf, linuxArtifacts, renderSnapYaml, snapName, snapTargets, type BuiltSnap } from "./render.ts";
import {
  dashboardUrl,
  pushSnap,
  readChannelMap,
  releaseRevision,
  waitForProcessing,
  type ChannelMap,
  type StoreRevision,
} from "./store.ts";

/** The device API's public view: what `snap install` would get per channel and architecture. */
interface SnapInfo {
  "channel-map"?: Array<{ channel: { architecture: string; track: string; risk: string }; version: string; revision: number }>;
}

interface SnapPrepared extends Prepared {
  snaps: BuiltSnap[];
}

const apiUrl = (ctx: Context<SnapOptions>) =>
  (ctx.options.api ?? ctx.env("FERRY_SNAP_API_URL") ?? "https://api.snapcraft.io").replace(/\/+$/, "");

/** A revision the store holds back for a human reviewer: it exists but cannot be released yet. */
const inReview = (revision: StoreRevision | undefined) => /review/i.test(revision?.status ?? "");

/**
 * Per architecture: the revision our channel holds when it is this version, any revision of this
 * version the store has, and the newer version the channel has moved on to (a later release), if any.
 * A channel version that is not SemVer cannot be ordered: an error, never a guess.
 */
function lookup(ctx: Context<SnapOptions>, map: ChannelMap, arch: string) {
  const version = snapVersion(ctx.version);
  const channel = channelOf(ctx, snapChannel(ctx.version));
  const entry = map["channel-map"].find((e) => e.channel === channel && e.architecture === arch);
  const current = map.revisions.find((r) => r.revision === entry?.revision);
  const released = current?.version === version ? current : undefined;
  const uploaded = map.revisions
    .filter((r) => r.version === version && r.architectures.includes(arch))
    .sort((a, b) => b.revision - a.revision);
  const order = current && !released ? compareVersion(current.version, ctx.version) : -1;
  if (order === undefined) {
    throw new FerryError("PublishedContentDiffers", {
      registry: ctx.registry,
      what: `${channel} holds ${snapName(ctx)} ${current?.version} (revision ${current?.revision}) for ${arch}, which cannot be ordered against ${version}.`,
      why: "ferry releases to a channel only over a version it knows to be older.",
      fix: `Release this version to ${channel} by hand (snapcraft release), or close the channel, then run ferry again.`,
    });
  }
  const newer = order === 1 ? current?.version : undefined;
  return { channel, released, uploaded, newer };
}

/** Builds the snaps in a scratch directory, to compare digests with what the store holds. */
async function digests(ctx: Context<SnapOptions>): Promise<BuiltSnap[]> {
  const dir = await makeTempDir("snap");
  try {
    return await Promise.all(linuxArtifacts(ctx).map((a) => buildSnap(ctx, a, dir)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default defineRegistry<SnapOptions, SnapPrepared>({
  name: "snap",
  needs: ["binaries"],
  targets: snapTargets,
  options: snapOptions,

  validate(ctx) {
    if (ctx.version) snapVersion(ctx.version);
  },

  async exists(ctx) {
    const map = await readChannelMap(ctx);
    const arches = linuxArtifacts(ctx).map((a) => a.snapArch);
    const found = arches.map((arch) => ({ arch, ...lookup(ctx, map, arch) }));
    // A channel holds one revision per architecture: one that has moved on to a newer version keeps
    // it, and an older release that never reached the store is skipped.
    const moved = found.find((f) => f.newer && !f.uploaded.length);
    if (moved?.newer) return { state: "newer", version: moved.newer, where: `${snapName(ctx)} on ${moved.channel} (${moved.arch})` };
    // A version released for only some architectures (or uploaded and never released) is not
    // there yet: publish() releases what was uploaded and uploads only what is missing. One the
    // channel has since moved past (a newer release) is there as its uploaded revision.
    if (found.some((f) => !f.released && !(f.newer && f.uploaded.length))) return { state: "absent" };
    const ours = await digests(ctx);
    const digest = (arch: string) => ours.find((s) => s.arch === arch)?.sha3_384;
    const held = found.map((f) => ({
      ...f,
      revision: f.released ?? f.uploaded.find((r) => r["sha3-384"] === digest(f.arch)) ?? f.uploaded[0],
    }));
    const differs = held.filter((f) => f.revision?.["sha3-384"] !== digest(f.arch));
    const revisions = held.map((f) => `${f.revision?.revision} (${f.arch})`).join(", ");
    const newer = [...new Set(held.map((f) => f.newer).filter(Boolean))];
    const where = newer.length
      ? `in the store as revisions ${revisions}; ${found[0]?.channel} has moved on to ${newer.join(", ")}`
      : `on ${found[0]?.channel} as revisions ${revisions}`;
    return {
      state: "present",
      matches: differs.length === 0,
      detail: differs.length
        ? `${snapVersion(ctx.version)} is ${where}, but the ${differs.map((f) => f.arch).join(", ")} snap differs from this release's`
        : `${snapVersion(ctx.version)} is ${where}`,
    };
  },

  async prepare(ctx) {
    await mkdir(ctx.outDir, { recursive: true });
    const snaps: BuiltSnap[] = [];
    const files: string[] = [];
    for (const artifact of linuxArtifacts(ctx)) {
      const yaml = join(ctx.outDir, `snap.${artifact.snapArch}.yaml`);
      await writeFile(yaml, renderSnapYaml(ctx, artifact.snapArch));
      const snap = await buildSnap(ctx, artifact, ctx.outDir);
      snaps.push(snap);
      files.push(yaml, snap.file);
    }
    return { files, snaps };
  },

  async publish(ctx, prepared) {
    const map = await readChannelMap(ctx);
    const done: string[] = [];
    const waiting: string[] = [];
    for (const snap of prepared.snaps) {
      const { channel, released, uploaded, newer } = lookup(ctx, map, snap.arch);
      if (released) {
        done.push(`revision ${released.revision} (${snap.arch}) already on ${channel}`);
        continue;
      }
      const same = uploaded.find((r) => r["sha3-384"] === snap.sha3_384);
      // A channel never moves back to an older version: users on it would be downgraded.
      if (newer) {
        if (same) {
          done.push(`revision ${same.revision} (${snap.arch}) in the store; ${channel} keeps the newer ${newer}`);
          continue;
        }
        throw new FerryError("PublishedContentDiffers", {
          registry: ctx.registry,
          what: `${channel} already has ${snapName(ctx)} ${newer} for ${snap.arch}, newer than ${snapVersion(ctx.version)}; not moving it back.`,
          fix: "Release the newer version only, or release this revision to another channel yourself (snapcraft upload, then snapcraft release).",
        });
      }
      // After an upload whose release never happened (a crash, a timeout), the revision is
      // still in the store: release it instead of uploading the same snap again.
      if (same && inReview(same)) {
        waiting.push(`revision ${same.revision} (${snap.arch})`);
        continue;
      }
      const revision = same?.revision ?? (await upload(ctx, snap, waiting));
      if (revision === undefined) continue;
      await releaseRevision(ctx, revision, channel);
      done.push(`revision ${revision} (${snap.arch}) released to ${channel}`);
    }
    const review = waiting.length ? `; in manual review: ${waiting.join(", ")}` : "";
    return { detail: `${snapName(ctx)} ${snapVersion(ctx.version)}: ${done.join(", ") || "nothing released yet"}${review}` };
  },

  async verify(ctx) {
    const version = snapVersion(ctx.version);
    const risk = snapChannel(ctx.version);
    const response = await ctx.http(`${apiUrl(ctx)}/v2/snaps/info/${encodeURIComponent(snapName(ctx))}`, {
      headers: { "snap-device-series": "16", accept: "application/json" },
    });
    // 404: nothing of this snap is released yet.
    if (!response.ok && response.status !== 404) {
      throw new FerryError("RegistryRefused", { registry: ctx.registry, what: `The store's snap info answered ${response.status}.` });
    }
    const info = response.ok ? await readJson<SnapInfo>(response, ctx.registry) : {};
    const visible = (arch: string) =>
      (info["channel-map"] ?? []).find(
        (e) => e.channel.architecture === arch && e.channel.track === ctx.options.track && e.channel.risk === risk && e.version === version,
      );
    const arches = linuxArtifacts(ctx).map((a) => a.snapArch);
    const missing = arches.filter((arch) => !visible(arch));
    if (missing.length === 0) {
      return {
        state: "verified",
        detail: `${version} is on ${channelOf(ctx, risk)} for ${arches.map((a) => `${a} (revision ${visible(a)?.revision})`).join(", ")}`,
      };
    }
    // Not public: in the store while the channel has a newer version, held back for a reviewer
    // (awaiting review), or not visible yet (asked again).
    const map = await readChannelMap(ctx);
    const passed = missing.filter((arch) => {
      const { newer, uploaded } = lookup(ctx, map, arch);
      return newer && uploaded.length;
    });
    if (passed.length === missing.length) {
      const shown = arches.filter((arch) => !passed.includes(arch)).map((a) => `${a} (revision ${visible(a)?.revision})`);
      return {
        state: "verified",
        detail: `${version} is ${shown.length ? `on ${channelOf(ctx, risk)} for ${shown.join(", ")}, and ` : ""}in the store for ${passed.join(", ")}, where ${channelOf(ctx, risk)} has a newer version`,
      };
    }
    const held = missing.map((arch) => lookup(ctx, map, arch).uploaded.find(inReview));
    if (held.every(Boolean)) {
      return {
        state: "awaiting-review",
        detail: `revisions ${held.map((r) => r?.revision).join(", ")} of ${version} wait for the store's manual review`,
      };
    }
    return undefined;
  },

  async doctor(ctx) {
    const fix =
      "Run `snapcraft export-login --snaps=<name> --acls package_access,package_push,package_update,package_release -` and store the output as the secret SNAPCRAFT_STORE_CREDENTIALS.";
    const tool = await toolCheck(ctx, "mksquashfs", "Install squashfs-tools (apt-get install squashfs-tools).");
    const set = secretCheck(ctx, ["SNAPCRAFT_STORE_CREDENTIALS"], fix);
    if (!set.ok) return [tool, set];
    const parses = await checkStep("SNAPCRAFT_STORE_CREDENTIALS parses", () => {
      const header = authorizationHeader(ctx.secret("SNAPCRAFT_STORE_CREDENTIALS")!, ctx.registry);
      return Promise.resolve(header.startsWith("Macaroons ") ? "Candid credentials" : "Ubuntu One credentials");
    });
    if (!parses.ok) return [tool, set, parses];
    const name = snapName(ctx);
    // Reading the channel map needs the login and the snap's registered name: a read that proves both.
    const accepted = await checkStep(`${new URL(dashboardUrl(ctx)).host} accepts the credentials for ${name}`, async () => {
      const map = await readChannelMap(ctx);
      return `channel map of ${name}: ${map.revisions.length} revisions`;
    });
    return [tool, set, parses, accepted];
  },
});

/** Uploads one snap; answers its revision, or undefined when the store holds it for manual review. */
async function upload(ctx: Context<SnapOptions>, snap: BuiltSnap, waiting: string[]): Promise<number | undefined> {
  const status = await waitForProcessing(ctx, await pushSnap(ctx, snap.file));
  const revision = status.revision == null ? undefined : Number(status.revision);
  if (status.code === "need_manual_review") {
    waiting.push(`revision ${revision ?? "?"} (${snap.arch})`);
    return undefined;
  }
  if (status.errors?.length || revision === undefined || !Number.isInteger(revision)) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The store rejected the ${snap.arch} snap (${status.code}).`,
      why: (status.errors ?? []).map((e) => e.message ?? e.code).join("; ") || undefined,
      fix: "Fix what the store's review reports (see the snap's page on the dashboard), then re-run.",
    });
  }
  return revision;
}
