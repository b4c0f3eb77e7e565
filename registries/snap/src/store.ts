import { openAsBlob } from "node:fs";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FerryError, readJson, type Context } from "@ferry/core";
import { FormData } from "undici";
import { authorizationHeader } from "./credentials.ts";
import type { SnapOptions } from "./options.ts";
import { snapName } from "./render.ts";

/** One entry of the dashboard's channel map: which revision an architecture gets on a channel. */
interface ChannelMapEntry {
  architecture: string;
  channel: string;
  revision: number;
}

export interface StoreRevision {
  revision: number;
  version: string;
  architectures: string[];
  "sha3-384": string;
  status: string;
}

export interface ChannelMap {
  "channel-map": ChannelMapEntry[];
  revisions: StoreRevision[];
}

/** What the store says about an upload once it has looked at it. */
export interface UploadStatus {
  code: string;
  processed: boolean;
  revision?: number | string | null;
  errors?: Array<{ code?: string; message?: string }> | null;
  can_release?: boolean;
}

const endpoint = (ctx: Context<SnapOptions>, option: "storage" | "dashboard", variable: string, fallback: string) =>
  (ctx.options[option] ?? ctx.env(variable) ?? fallback).replace(/\/+$/, "");

const storageUrl = (ctx: Context<SnapOptions>) =>
  endpoint(ctx, "storage", "FERRY_SNAP_STORAGE_URL", "https://storage.snapcraftcontent.com");
export const dashboardUrl = (ctx: Context<SnapOptions>) =>
  endpoint(ctx, "dashboard", "FERRY_SNAP_DASHBOARD_URL", "https://dashboard.snapcraft.io");

function authorization(ctx: Context<SnapOptions>): string {
  const credentials = ctx.secret("SNAPCRAFT_STORE_CREDENTIALS");
  if (!credentials) {
    throw new FerryError("SecretMissing", {
      registry: ctx.registry,
      what: "SNAPCRAFT_STORE_CREDENTIALS is not set.",
      why: "Uploading and releasing a snap, and reading its unreleased revisions, need a store login.",
      fix: "Run `snapcraft export-login --snaps=<name> --acls package_access,package_push,package_update,package_release -` and store the output as the secret SNAPCRAFT_STORE_CREDENTIALS.",
    });
  }
  return authorizationHeader(credentials, ctx.registry);
}

async function refused(
  ctx: Context<SnapOptions>,
  response: { status: number; text(): Promise<string> },
  what: string,
): Promise<FerryError> {
  const body = (await response.text()).slice(0, 500);
  const denied = response.status === 401 || response.status === 403;
  return new FerryError("RegistryRefused", {
    registry: ctx.registry,
    what: `${what} answered ${response.status}.`,
    why: body || undefined,
    fix: denied
      ? `Check that SNAPCRAFT_STORE_CREDENTIALS is current and allows package_access, package_push and package_release for ${snapName(ctx)}.`
      : response.status === 404
        ? `Register the name first with \`snapcraft register ${snapName(ctx)}\`.`
        : "Re-run later; if it persists, check the store's status page.",
  });
}

/** Every revision of the snap and what each channel holds, including revisions never released. */
export async function readChannelMap(ctx: Context<SnapOptions>): Promise<ChannelMap> {
  const url = `${dashboardUrl(ctx)}/api/v2/snaps/${encodeURIComponent(snapName(ctx))}/channel-map`;
  const response = await ctx.http(url, { headers: { authorization: authorization(ctx), accept: "application/json" } });
  if (!response.ok) throw await refused(ctx, response, `Reading the channel map of ${snapName(ctx)}`);
  const body = await readJson<Partial<ChannelMap>>(response, ctx.registry);
  if (!Array.isArray(body["channel-map"]) || !Array.isArray(body.revisions)) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: "The store's channel map has no channel-map or revisions list.",
      fix: "Re-run later; if it persists, the store's API changed and ferry needs an update.",
    });
  }
  return body as ChannelMap;
}

/** Uploads a .snap to the storage service and registers it as a new revision; answers the status URL. */
export async function pushSnap(ctx: Context<SnapOptions>, file: string): Promise<string> {
  const blob = await openAsBlob(file);
  // A fresh form for each attempt: a 5xx, a 429 or a dropped connection sends the file again.
  const upload = await ctx.http(`${storageUrl(ctx)}/unscanned-upload/`, {
    method: "POST",
    body: () => {
      const form = new FormData();
      form.set("binary", blob, basename(file));
      return form;
    },
  });
  if (!upload.ok) throw await refused(ctx, upload, `Uploading ${basename(file)}`);
  const uploaded = await readJson<{ successful?: boolean; upload_id?: string }>(upload, ctx.registry);
  if (!uploaded.successful || !uploaded.upload_id) {
    throw new FerryError("RegistryRefused", { registry: ctx.registry, what: `The storage service did not accept ${basename(file)}.` });
  }
  const push = await ctx.http(`${dashboardUrl(ctx)}/dev/api/snap-push/`, {
    method: "POST",
    headers: { authorization: authorization(ctx), "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ name: snapName(ctx), updown_id: uploaded.upload_id, series: "16" }),
  });
  if (!push.ok) throw await refused(ctx, push, `Registering the upload of ${basename(file)}`);
  const pushed = await readJson<{ status_details_url?: string }>(push, ctx.registry);
  if (!pushed.status_details_url) {
    throw new FerryError("RegistryRefused", { registry: ctx.registry, what: "snap-push answered without a status_details_url." });
  }
  return pushed.status_details_url;
}

/** Polls an upload's status until the store has processed it (review included). */
export async function waitForProcessing(ctx: Context<SnapOptions>, statusUrl: string, intervalMs = 2000): Promise<UploadStatus> {
  for (;;) {
    const status = await readStatus(ctx, statusUrl);
    if (status.processed) return status;
    await sleep(intervalMs, undefined, { signal: ctx.signal });
  }
}

async function readStatus(ctx: Context<SnapOptions>, statusUrl: string): Promise<UploadStatus> {
  const response = await ctx.http(statusUrl, { headers: { authorization: authorization(ctx), accept: "application/json" } });
  if (!response.ok) throw await refused(ctx, response, "Reading the upload's status");
  return readJson<UploadStatus>(response, ctx.registry);
}

export async function releaseRevision(ctx: Context<SnapOptions>, revision: number, channel: string): Promise<void> {
  const response = await ctx.http(`${dashboardUrl(ctx)}/dev/api/snap-release/`, {
    method: "POST",
    headers: { authorization: authorization(ctx), "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ name: snapName(ctx), revision: String(revision), channels: [channel] }),
  });
  if (!response.ok) throw await refused(ctx, response, `Releasing revision ${revision} to ${channel}`);
  const body = await readJson<{ success?: boolean }>(response, ctx.registry);
  if (body.success !== true) {
    throw new FerryError("RegistryRefused", {
      registry: ctx.registry,
      what: `The store did not release revision ${revision} to ${channel}.`,
    });
  }
}
