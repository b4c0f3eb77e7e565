import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  addSecret,
  checkStep,
  compareVersion,
  defineRegistry,
  external_exports,
  findArtifact,
  httpUrl,
  makeTempDir,
  readJson,
  require_dist,
  require_undici,
  secretCheck,
  snapChannel,
  snapVersion,
  toolCheck
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import {
  __toESM
} from "./chunk-BHGG6FRM.js";

// registries/snap/src/index.ts
import { mkdir as mkdir2, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";

// registries/snap/src/credentials.ts
import { createHmac } from "node:crypto";
function authorizationHeader(credentials, registry) {
  const parsed = decode(credentials);
  const pair = parsed?.t === "u1-macaroon" ? parsed.v : parsed;
  if (isRootAndDischarge(pair)) {
    const bound = bindDischarge(pair.r, pair.d, registry);
    for (const macaroon of [pair.r, pair.d, bound]) addSecret(macaroon);
    return `Macaroon root=${pair.r}, discharge=${bound}`;
  }
  if (parsed?.t === "macaroon" && typeof parsed.v === "string") {
    addSecret(parsed.v);
    return `Macaroons ${parsed.v}`;
  }
  throw unreadable(registry, "It is neither Ubuntu One (u1-macaroon) nor Candid (macaroon) credentials.");
}
function decode(credentials) {
  for (const text of [Buffer.from(credentials.trim(), "base64").toString("utf8"), credentials]) {
    try {
      const value = JSON.parse(text);
      if (value && typeof value === "object") return value;
    } catch {
    }
  }
  return void 0;
}
var isRootAndDischarge = (value) => typeof value?.r === "string" && typeof value?.d === "string";
function unreadable(registry, why) {
  return new FerryError("SecretMissing", {
    registry,
    what: "SNAPCRAFT_STORE_CREDENTIALS cannot be read.",
    why,
    fix: "Set it to the output of `snapcraft export-login --snaps=<name> --acls package_access,package_push,package_update,package_release -`."
  });
}
function parseV1(data) {
  const packets = [];
  for (let at = 0; at < data.length; ) {
    const size = Number.parseInt(data.subarray(at, at + 4).toString("ascii"), 16);
    if (!Number.isInteger(size) || size < 6 || at + size > data.length) throw new Error("bad packet");
    const body = data.subarray(at + 4, at + size - 1);
    const space = body.indexOf(32);
    if (space < 0) throw new Error("bad packet");
    packets.push({ key: body.subarray(0, space).toString("ascii"), value: body.subarray(space + 1) });
    at += size;
  }
  return packets;
}
function serializeV1(packets) {
  return Buffer.concat(
    packets.map(({ key, value }) => {
      const body = Buffer.concat([Buffer.from(`${key} `, "ascii"), value, Buffer.from("\n")]);
      return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0"), "ascii"), body]);
    })
  );
}
var hmac = (key, data) => createHmac("sha256", key).update(data).digest();
function bindDischarge(root, discharge, registry) {
  try {
    const rootSignature = signature(parseV1(Buffer.from(root, "base64")));
    const packets = parseV1(Buffer.from(discharge, "base64"));
    const key = Buffer.alloc(32);
    const bound = hmac(key, Buffer.concat([hmac(key, rootSignature), hmac(key, signature(packets))]));
    const rebuilt = packets.map((p) => p.key === "signature" ? { key: p.key, value: bound } : p);
    return serializeV1(rebuilt).toString("base64url");
  } catch {
    throw unreadable(registry, "Its root or discharge macaroon is not a v1 serialized macaroon.");
  }
}
function signature(packets) {
  const found = packets.find((p) => p.key === "signature");
  if (!found || found.value.length !== 32) throw new Error("no signature");
  return found.value;
}

// registries/snap/src/options.ts
var snapOptions = external_exports.object({
  name: external_exports.string().regex(
    /^(?=.*[a-z])[a-z0-9](?:-?[a-z0-9])*$/,
    "expected a snap name: lower-case letters, digits and single hyphens, at least one letter"
  ).max(40).optional().meta({ description: "The snap's name in the store (registered beforehand with `snapcraft register`). Default: project.name." }),
  summary: external_exports.string().max(78).optional().meta({ description: "One line shown in the store (at most 78 characters). Default: the first line of project.description." }),
  description: external_exports.string().optional().meta({ description: "The store page's description. Default: project.description." }),
  base: external_exports.string().default("core24").meta({ description: "The base snap the binary runs on." }),
  confinement: external_exports.enum(["strict", "classic", "devmode"]).default("strict").meta({ description: "`classic` snaps need the store's manual approval once." }),
  grade: external_exports.enum(["stable", "devel"]).optional().meta({
    description: '`devel` snaps cannot go to the stable or candidate risks. Default: "stable", and "devel" for prereleases that go to beta or edge.'
  }),
  plugs: external_exports.array(external_exports.string()).default([]).meta({ description: "Interfaces the app plugs, e.g. `[network, home]`." }),
  track: external_exports.string().default("latest").meta({ description: "The channel track; the risk comes from the version (stable, candidate, beta, edge)." }),
  storage: httpUrl().optional().meta({ description: "The upload service. Default: $FERRY_SNAP_STORAGE_URL, else https://storage.snapcraftcontent.com." }),
  dashboard: httpUrl().optional().meta({
    description: "The publisher API (push, release, channel map). Default: $FERRY_SNAP_DASHBOARD_URL, else https://dashboard.snapcraft.io."
  }),
  api: httpUrl().optional().meta({ description: "The public device API. Default: $FERRY_SNAP_API_URL, else https://api.snapcraft.io." })
}).strict();

// registries/snap/src/render.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
var import_yaml = __toESM(require_dist(), 1);
var snapName = (ctx) => ctx.options.name ?? ctx.project.name;
var channelOf = (ctx, risk) => `${ctx.options.track}/${risk}`;
var snapArchs = {
  amd64: "amd64",
  arm64: "arm64",
  armv7: "armhf",
  riscv64: "riscv64",
  ppc64le: "ppc64el",
  s390x: "s390x"
};
var snapTargets = Object.keys(snapArchs).flatMap((arch) => [`linux/${arch}`, `linux/${arch}-musl`]);
function linuxArtifacts(ctx) {
  const artifacts = Object.entries(snapArchs).flatMap(([arch, snapArch]) => {
    const artifact = findArtifact(ctx.manifest, "linux", arch);
    return artifact ? [{ ...artifact, snapArch }] : [];
  }).sort((a, b) => a.snapArch.localeCompare(b.snapArch));
  if (artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no linux binary to put in a snap.",
      fix: "Add a linux target to the build, or skip snap for this project."
    });
  }
  return artifacts;
}
function renderSnapYaml(ctx, arch) {
  const { options, project } = ctx;
  const name = snapName(ctx);
  if (!/^(?=.*[a-z])[a-z0-9](?:-?[a-z0-9])*$/.test(name) || name.length > 40) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${name}" is not a valid snap name.`,
      why: "Snap names are at most 40 lower-case letters, digits and single hyphens, with at least one letter.",
      fix: "Set `name:` in the snap section of ferry.yaml."
    });
  }
  const summary = options.summary ?? (project.description.split("\n")[0] ?? "").slice(0, 78);
  const app = { command: `bin/${project.binary}` };
  if (options.plugs.length > 0) app.plugs = options.plugs;
  const yaml = {
    name,
    version: snapVersion(ctx.version),
    summary,
    description: options.description ?? project.description,
    base: options.base,
    grade: options.grade ?? defaultGrade(ctx),
    confinement: options.confinement,
    architectures: [arch],
    apps: { [appName(name, project.binary)]: app }
  };
  return (0, import_yaml.stringify)(yaml, { lineWidth: 0 });
}
var defaultGrade = (ctx) => ["stable", "candidate"].includes(snapChannel(ctx.version)) ? "stable" : "devel";
var appName = (snap, binary) => binary === snap ? snap : binary.toLowerCase().replace(/[^a-z0-9-]/g, "-");
async function buildSnap(ctx, artifact, outDir) {
  const root = join(outDir, `.root-${artifact.snapArch}`);
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, "bin"), { recursive: true });
  await mkdir(join(root, "meta"), { recursive: true });
  const binary = join(root, "bin", ctx.project.binary);
  await copyFile(await ctx.binary(artifact), binary);
  await writeFile(join(root, "meta", "snap.yaml"), renderSnapYaml(ctx, artifact.snapArch));
  await chmod(binary, 493);
  await chmod(join(root, "meta", "snap.yaml"), 420);
  for (const dir of [root, join(root, "bin"), join(root, "meta")]) await chmod(dir, 493);
  const file = join(outDir, `${snapName(ctx)}_${snapVersion(ctx.version)}_${artifact.snapArch}.snap`);
  await rm(file, { force: true });
  await ctx.exec("mksquashfs", [
    root,
    file,
    ...["-noappend", "-comp", "xz", "-all-root", "-no-xattrs", "-no-fragments"],
    ...["-mkfs-time", "0", "-all-time", "0", "-no-progress", "-quiet"]
  ]);
  await rm(root, { recursive: true, force: true });
  return { arch: artifact.snapArch, file, sha3_384: await sha3(file) };
}
async function sha3(file) {
  const hash = createHash("sha3-384");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

// registries/snap/src/store.ts
import { openAsBlob } from "node:fs";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
var import_undici = __toESM(require_undici(), 1);
var endpoint = (ctx, option, variable, fallback) => (ctx.options[option] ?? ctx.env(variable) ?? fallback).replace(/\/+$/, "");
var storageUrl = (ctx) => endpoint(ctx, "storage", "FERRY_SNAP_STORAGE_URL", "https://storage.snapcraftcontent.com");
var dashboardUrl = (ctx) => endpoint(ctx, "dashboard", "FERRY_SNAP_DASHBOARD_URL", "https://dashboard.snapcraft.io");
function authorization(ctx) {
  const credentials = ctx.secret("SNAPCRAFT_STORE_CREDENTIALS");
  if (!credentials) {
    throw new FerryError("SecretMissing", {
      registry: ctx.registry,
      what: "SNAPCRAFT_STORE_CREDENTIALS is not set.",
      why: "Uploading and releasing a snap, and reading its unreleased revisions, need a store login.",
      fix: "Run `snapcraft export-login --snaps=<name> --acls package_access,package_push,package_update,package_release -` and store the output as the secret SNAPCRAFT_STORE_CREDENTIALS."
    });
  }
  return authorizationHeader(credentials, ctx.registry);
}
async function refused(ctx, response, what) {
  const body = (await response.text()).slice(0, 500);
  const denied = response.status === 401 || response.status === 403;
  return new FerryError("RegistryRefused", {
    registry: ctx.registry,
    what: `${what} answered ${response.status}.`,
    why: body || void 0,
    fix: denied ? `Check that SNAPCRAFT_STORE_CREDENTIALS is current and allows package_access, package_push and package_release for ${snapName(ctx)}.` : response.status === 404 ? `Register the name first with \`snapcraft register ${snapName(ctx)}\`.` : "Re-run later; if it persists, check the store's status page."
  });
}
async function readChannelMap(ctx) {
  const url = `${dashboardUrl(ctx)}/api/v2/snaps/${encodeURIComponent(snapName(ctx))}/channel-map`;
  const response = await ctx.http(url, { headers: { authorization: authorization(ctx), accept: "application/json" } });
  if (!response.ok) throw await refused(ctx, response, `Reading the channel map of ${snapName(ctx)}`);
  const body = await readJson(response, ctx.registry);
  if (!Array.isArray(body["channel-map"]) || !Array.isArray(body.revisions)) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: "The store's channel map has no channel-map or revisions list.",
      fix: "Re-run later; if it persists, the store's API changed and ferry needs an update."
    });
  }
  return body;
}
async function pushSnap(ctx, file) {
  const blob = await openAsBlob(file);
  const upload2 = await ctx.http(`${storageUrl(ctx)}/unscanned-upload/`, {
    method: "POST",
    body: () => {
      const form = new import_undici.FormData();
      form.set("binary", blob, basename(file));
      return form;
    }
  });
  if (!upload2.ok) throw await refused(ctx, upload2, `Uploading ${basename(file)}`);
  const uploaded = await readJson(upload2, ctx.registry);
  if (!uploaded.successful || !uploaded.upload_id) {
    throw new FerryError("RegistryRefused", { registry: ctx.registry, what: `The storage service did not accept ${basename(file)}.` });
  }
  const push = await ctx.http(`${dashboardUrl(ctx)}/dev/api/snap-push/`, {
    method: "POST",
    headers: { authorization: authorization(ctx), "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ name: snapName(ctx), updown_id: uploaded.upload_id, series: "16" })
  });
  if (!push.ok) throw await refused(ctx, push, `Registering the upload of ${basename(file)}`);
  const pushed = await readJson(push, ctx.registry);
  if (!pushed.status_details_url) {
    throw new FerryError("RegistryRefused", { registry: ctx.registry, what: "snap-push answered without a status_details_url." });
  }
  return pushed.status_details_url;
}
async function waitForProcessing(ctx, statusUrl, intervalMs = 2e3) {
  for (; ; ) {
    const status = await readStatus(ctx, statusUrl);
    if (status.processed) return status;
    await sleep(intervalMs, void 0, { signal: ctx.signal });
  }
}
async function readStatus(ctx, statusUrl) {
  const response = await ctx.http(statusUrl, { headers: { authorization: authorization(ctx), accept: "application/json" } });
  if (!response.ok) throw await refused(ctx, response, "Reading the upload's status");
  return readJson(response, ctx.registry);
}
async function releaseRevision(ctx, revision, channel) {
  const response = await ctx.http(`${dashboardUrl(ctx)}/dev/api/snap-release/`, {
    method: "POST",
    headers: { authorization: authorization(ctx), "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ name: snapName(ctx), revision: String(revision), channels: [channel] })
  });
  if (!response.ok) throw await refused(ctx, response, `Releasing revision ${revision} to ${channel}`);
  const body = await readJson(response, ctx.registry);
  if (body.success !== true) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The store did not release revision ${revision} to ${channel}.`
    });
  }
}

// registries/snap/src/index.ts
var apiUrl = (ctx) => (ctx.options.api ?? ctx.env("FERRY_SNAP_API_URL") ?? "https://api.snapcraft.io").replace(/\/+$/, "");
var inReview = (revision) => /review/i.test(revision?.status ?? "");
function lookup(ctx, map, arch) {
  const version = snapVersion(ctx.version);
  const channel = channelOf(ctx, snapChannel(ctx.version));
  const entry = map["channel-map"].find((e) => e.channel === channel && e.architecture === arch);
  const current = map.revisions.find((r) => r.revision === entry?.revision);
  const released = current?.version === version ? current : void 0;
  const uploaded = map.revisions.filter((r) => r.version === version && r.architectures.includes(arch)).sort((a, b) => b.revision - a.revision);
  const order = current && !released ? compareVersion(current.version, ctx.version) : -1;
  if (order === void 0) {
    throw new FerryError("PublishedContentDiffers", {
      registry: ctx.registry,
      what: `${channel} holds ${snapName(ctx)} ${current?.version} (revision ${current?.revision}) for ${arch}, which cannot be ordered against ${version}.`,
      why: "ferry releases to a channel only over a version it knows to be older.",
      fix: `Release this version to ${channel} by hand (snapcraft release), or close the channel, then run ferry again.`
    });
  }
  const newer = order === 1 ? current?.version : void 0;
  return { channel, released, uploaded, newer };
}
async function digests(ctx) {
  const dir = await makeTempDir("snap");
  try {
    return await Promise.all(linuxArtifacts(ctx).map((a) => buildSnap(ctx, a, dir)));
  } finally {
    await rm2(dir, { recursive: true, force: true });
  }
}
var src_default = defineRegistry({
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
    const moved = found.find((f) => f.newer && !f.uploaded.length);
    if (moved?.newer) return { state: "newer", version: moved.newer, where: `${snapName(ctx)} on ${moved.channel} (${moved.arch})` };
    if (found.some((f) => !f.released && !(f.newer && f.uploaded.length))) return { state: "absent" };
    const ours = await digests(ctx);
    const digest = (arch) => ours.find((s) => s.arch === arch)?.sha3_384;
    const held = found.map((f) => ({
      ...f,
      revision: f.released ?? f.uploaded.find((r) => r["sha3-384"] === digest(f.arch)) ?? f.uploaded[0]
    }));
    const differs = held.filter((f) => f.revision?.["sha3-384"] !== digest(f.arch));
    const revisions = held.map((f) => `${f.revision?.revision} (${f.arch})`).join(", ");
    const newer = [...new Set(held.map((f) => f.newer).filter(Boolean))];
    const where = newer.length ? `in the store as revisions ${revisions}; ${found[0]?.channel} has moved on to ${newer.join(", ")}` : `on ${found[0]?.channel} as revisions ${revisions}`;
    return {
      state: "present",
      matches: differs.length === 0,
      detail: differs.length ? `${snapVersion(ctx.version)} is ${where}, but the ${differs.map((f) => f.arch).join(", ")} snap differs from this release's` : `${snapVersion(ctx.version)} is ${where}`
    };
  },
  async prepare(ctx) {
    await mkdir2(ctx.outDir, { recursive: true });
    const snaps = [];
    const files = [];
    for (const artifact of linuxArtifacts(ctx)) {
      const yaml = join2(ctx.outDir, `snap.${artifact.snapArch}.yaml`);
      await writeFile2(yaml, renderSnapYaml(ctx, artifact.snapArch));
      const snap = await buildSnap(ctx, artifact, ctx.outDir);
      snaps.push(snap);
      files.push(yaml, snap.file);
    }
    return { files, snaps };
  },
  async publish(ctx, prepared) {
    const map = await readChannelMap(ctx);
    const done = [];
    const waiting = [];
    for (const snap of prepared.snaps) {
      const { channel, released, uploaded, newer } = lookup(ctx, map, snap.arch);
      if (released) {
        done.push(`revision ${released.revision} (${snap.arch}) already on ${channel}`);
        continue;
      }
      const same = uploaded.find((r) => r["sha3-384"] === snap.sha3_384);
      if (newer) {
        if (same) {
          done.push(`revision ${same.revision} (${snap.arch}) in the store; ${channel} keeps the newer ${newer}`);
          continue;
        }
        throw new FerryError("PublishedContentDiffers", {
          registry: ctx.registry,
          what: `${channel} already has ${snapName(ctx)} ${newer} for ${snap.arch}, newer than ${snapVersion(ctx.version)}; not moving it back.`,
          fix: "Release the newer version only, or release this revision to another channel yourself (snapcraft upload, then snapcraft release)."
        });
      }
      if (same && inReview(same)) {
        waiting.push(`revision ${same.revision} (${snap.arch})`);
        continue;
      }
      const revision = same?.revision ?? await upload(ctx, snap, waiting);
      if (revision === void 0) continue;
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
      headers: { "snap-device-series": "16", accept: "application/json" }
    });
    if (!response.ok && response.status !== 404) {
      throw new FerryError("RegistryRefused", { registry: ctx.registry, what: `The store's snap info answered ${response.status}.` });
    }
    const info = response.ok ? await readJson(response, ctx.registry) : {};
    const visible = (arch) => (info["channel-map"] ?? []).find(
      (e) => e.channel.architecture === arch && e.channel.track === ctx.options.track && e.channel.risk === risk && e.version === version
    );
    const arches = linuxArtifacts(ctx).map((a) => a.snapArch);
    const missing = arches.filter((arch) => !visible(arch));
    if (missing.length === 0) {
      return {
        state: "verified",
        detail: `${version} is on ${channelOf(ctx, risk)} for ${arches.map((a) => `${a} (revision ${visible(a)?.revision})`).join(", ")}`
      };
    }
    const map = await readChannelMap(ctx);
    const passed = missing.filter((arch) => {
      const { newer, uploaded } = lookup(ctx, map, arch);
      return newer && uploaded.length;
    });
    if (passed.length === missing.length) {
      const shown = arches.filter((arch) => !passed.includes(arch)).map((a) => `${a} (revision ${visible(a)?.revision})`);
      return {
        state: "verified",
        detail: `${version} is ${shown.length ? `on ${channelOf(ctx, risk)} for ${shown.join(", ")}, and ` : ""}in the store for ${passed.join(", ")}, where ${channelOf(ctx, risk)} has a newer version`
      };
    }
    const held = missing.map((arch) => lookup(ctx, map, arch).uploaded.find(inReview));
    if (held.every(Boolean)) {
      return {
        state: "awaiting-review",
        detail: `revisions ${held.map((r) => r?.revision).join(", ")} of ${version} wait for the store's manual review`
      };
    }
    return void 0;
  },
  async doctor(ctx) {
    const fix = "Run `snapcraft export-login --snaps=<name> --acls package_access,package_push,package_update,package_release -` and store the output as the secret SNAPCRAFT_STORE_CREDENTIALS.";
    const tool = await toolCheck(ctx, "mksquashfs", "Install squashfs-tools (apt-get install squashfs-tools).");
    const set = secretCheck(ctx, ["SNAPCRAFT_STORE_CREDENTIALS"], fix);
    if (!set.ok) return [tool, set];
    const parses = await checkStep("SNAPCRAFT_STORE_CREDENTIALS parses", () => {
      const header = authorizationHeader(ctx.secret("SNAPCRAFT_STORE_CREDENTIALS"), ctx.registry);
      return Promise.resolve(header.startsWith("Macaroons ") ? "Candid credentials" : "Ubuntu One credentials");
    });
    if (!parses.ok) return [tool, set, parses];
    const name = snapName(ctx);
    const accepted = await checkStep(`${new URL(dashboardUrl(ctx)).host} accepts the credentials for ${name}`, async () => {
      const map = await readChannelMap(ctx);
      return `channel map of ${name}: ${map.revisions.length} revisions`;
    });
    return [tool, set, parses, accepted];
  }
});
async function upload(ctx, snap, waiting) {
  const status = await waitForProcessing(ctx, await pushSnap(ctx, snap.file));
  const revision = status.revision == null ? void 0 : Number(status.revision);
  if (status.code === "need_manual_review") {
    waiting.push(`revision ${revision ?? "?"} (${snap.arch})`);
    return void 0;
  }
  if (status.errors?.length || revision === void 0 || !Number.isInteger(revision)) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The store rejected the ${snap.arch} snap (${status.code}).`,
      why: (status.errors ?? []).map((e) => e.message ?? e.code).join("; ") || void 0,
      fix: "Fix what the store's review reports (see the snap's page on the dashboard), then re-run."
    });
  }
  return revision;
}
export {
  src_default as default
};
