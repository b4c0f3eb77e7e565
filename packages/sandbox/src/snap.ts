import { createHash, createHmac, randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { readForm } from "./form.ts";

export interface SnapRevision {
  revision: number;
  version: string;
  architectures: string[];
  "sha3-384": string;
  size: number;
  status: "Approved" | "NeedsManualReview";
  "created-at": string;
  confinement: string;
  grade: string;
  base: string | null;
  /** meta/snap.yaml as uploaded. */
  snapYaml: string;
}

export interface SnapStoreSandbox {
  /** FERRY_SNAP_STORAGE_URL, FERRY_SNAP_DASHBOARD_URL, FERRY_SNAP_API_URL and SNAPCRAFT_STORE_CREDENTIALS. */
  env: Record<string, string>;
  url: string;
  /** Every revision uploaded, per snap name. */
  revisions(name: string): SnapRevision[];
  /** channel → architecture → revision, per snap name. */
  channels(name: string): Record<string, Record<string, number>>;
  /** Snap names this account may upload to (`snapcraft register`). */
  register(name: string): void;
  /** While true, every upload is held for manual review (as classic confinement or sensitive plugs are). */
  manualReview: boolean;
  /** Requests received, as "METHOD /path". */
  requests: string[];
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** Macaroon v1 packet: 4 hex digits of the packet's whole length, `key value`, newline. */
function packet(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(`${key} `), value, Buffer.from("\n")]);
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0")), body]);
}

const macaroon = (location: string, identifier: string, signature: Buffer) =>
  Buffer.concat([packet("location", Buffer.from(location)), packet("identifier", Buffer.from(identifier)), packet("signature", signature)]);

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();

/**
 * A stateful Snap Store stand-in for the publisher endpoints snapcraft uses (storage upload,
 * snap-push, upload status, snap-release, the dashboard channel map) and the device API's
 * snap info. It checks the `Macaroon root=…, discharge=…` header of Ubuntu One credentials
 * (the discharge must be bound to the root), and reads each upload's meta/snap.yaml with
 * unsquashfs, as the store's review does.
 */
export async function startSnapStore({ names = ["hello"] }: { names?: string[] } = {}): Promise<SnapStoreSandbox> {
  const work = await mkdtemp(join(tmpdir(), "ferry-snapstore-"));
  const registered = new Set(names);
  const uploads = new Map<string, Buffer>();
  /** The bytes of each revision, by download file name (`<name>_<revision>.snap`), as the CDN serves them. */
  const downloads = new Map<string, Buffer>();
  const revisions = new Map<string, SnapRevision[]>();
  const channelMap = new Map<string, Record<string, Record<string, number>>>();
  const statuses = new Map<string, { name: string; revision: number; polls: number }>();
  const requests: string[] = [];

  const rootSignature = randomBytes(32);
  const dischargeSignature = randomBytes(32);
  const root = macaroon("dashboard.snapcraft.io", "sandbox-root", rootSignature);
  const discharge = macaroon("login.ubuntu.com", "sandbox-discharge", dischargeSignature);
  const zero = Buffer.alloc(32);
  const boundDischarge = macaroon(
    "login.ubuntu.com",
    "sandbox-discharge",
    hmac(zero, Buffer.concat([hmac(zero, rootSignature), hmac(zero, dischargeSignature)])),
  );
  const credentials = Buffer.from(
    JSON.stringify({ t: "u1-macaroon", v: { r: root.toString("base64url"), d: discharge.toString("base64url") } }),
  ).toString("base64");

  const authorized = (req: IncomingMessage) => {
    const match = /^Macaroon root=([^,\s]+), discharge=(\S+)$/.exec(req.headers.authorization ?? "");
    return !!match && Buffer.from(match[1]!, "base64").equals(root) && Buffer.from(match[2]!, "base64").equals(boundDischarge);
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  const sandbox: SnapStoreSandbox = {
    env: {},
    url: "",
    revisions: (name) => revisions.get(name) ?? [],
    channels: (name) => channelMap.get(name) ?? {},
    register: (name) => void registered.add(name),
    manualReview: false,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(work, { recursive: true, force: true });
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", sandbox.url);
    const route = `${req.method} ${url.pathname}`;
    requests.push(route);

    if (route === "POST /unscanned-upload/") {
      const form = await readForm(req);
      const binary = form.get("binary");
      if (!(binary instanceof Blob)) return send(res, 400, { successful: false, errors: [{ code: "missing-binary" }] });
      const id = randomBytes(8).toString("hex");
      uploads.set(id, Buffer.from(await binary.arrayBuffer()));
      return send(res, 200, { successful: true, upload_id: id });
    }

    const download = /^GET \/download\/([^/]+\.snap)$/.exec(route);
    if (download) {
      const bytes = downloads.get(decodeURIComponent(download[1]!));
      if (!bytes) return send(res, 404, { "error-list": [{ code: "resource-not-found", message: route }] });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
      return void res.end(bytes);
    }

    const info = /^GET \/v2\/snaps\/info\/([^/]+)$/.exec(route);
    if (info) {
      const name = decodeURIComponent(info[1]!);
      if (req.headers["snap-device-series"] !== "16") return send(res, 400, { "error-list": [{ code: "missing-series" }] });
      const released = Object.entries(channelMap.get(name) ?? {});
      if (released.length === 0)
        return send(res, 404, { "error-list": [{ code: "resource-not-found", message: "No snap named " + name }] });
      const entries = released.flatMap(([channel, arches]) =>
        Object.entries(arches).map(([architecture, number]) => {
          const revision = revisions.get(name)!.find((r) => r.revision === number)!;
          const [track, risk] = channel.split("/");
          return {
            channel: { architecture, name: track === "latest" ? risk : channel, track, risk },
            revision: number,
            version: revision.version,
            type: "app",
            download: { "sha3-384": revision["sha3-384"], size: revision.size, url: `${sandbox.url}/download/${name}_${number}.snap` },
          };
        }),
      );
      return send(res, 200, { name, "snap-id": `sandbox-${name}`, "channel-map": entries });
    }

    if (!authorized(req))
      return send(res, 401, { error_list: [{ code: "macaroon-permission-required", message: "Authentication is required." }] });

    if (route === "POST /dev/api/snap-push/") {
      const body = JSON.parse((await readBody(req)).toString()) as { name?: string; updown_id?: string; series?: string };
      const snap = body.updown_id ? uploads.get(body.updown_id) : undefined;
      if (!body.name || !registered.has(body.name))
        return send(res, 404, { error_list: [{ code: "resource-not-found", message: `Snap not found for name=${body.name}` }] });
      if (!snap || body.series !== "16")
        return send(res, 400, { error_list: [{ code: "invalid-field", message: "updown_id and series 16 are required." }] });
      const revision = await review(body.name, snap);
      const id = randomBytes(8).toString("hex");
      statuses.set(id, { name: body.name, revision: revision.revision, polls: 0 });
      return send(res, 202, { status_details_url: `${sandbox.url}/dev/api/snaps/${body.name}/status/${id}`, success: true });
    }

    const status = /^GET \/dev\/api\/snaps\/[^/]+\/status\/([^/]+)$/.exec(route);
    if (status) {
      const upload = statuses.get(status[1]!);
      if (!upload) return send(res, 404, { error_list: [{ code: "not-found" }] });
      // The first poll finds it still being scanned, as the store does for a while.
      if (upload.polls++ === 0) return send(res, 200, { code: "being_processed", processed: false });
      const revision = revisions.get(upload.name)!.find((r) => r.revision === upload.revision)!;
      const held = revision.status === "NeedsManualReview";
      return send(res, 200, {
        code: held ? "need_manual_review" : "ready_to_release",
        processed: true,
        revision: revision.revision,
        can_release: !held,
        errors: held ? [{ code: "review-required", message: "This snap needs a manual review." }] : [],
        url: `/snaps/${upload.name}/revisions/${revision.revision}`,
      });
    }

    if (route === "POST /dev/api/snap-release/") {
      const body = JSON.parse((await readBody(req)).toString()) as { name?: string; revision?: string; channels?: string[] };
      const revision = (revisions.get(body.name ?? "") ?? []).find((r) => String(r.revision) === body.revision);
      if (!revision) return send(res, 404, { error_list: [{ code: "revision-not-found", message: `No revision ${body.revision}.` }] });
      if (revision.status !== "Approved")
        return send(res, 400, { error_list: [{ code: "invalid-revision", message: "The revision is not approved." }] });
      const channels = (body.channels ?? []).map((c) => (c.includes("/") ? c : `latest/${c}`));
      if (revision.grade === "devel" && channels.some((c) => /\/(stable|candidate)$/.test(c))) {
        return send(res, 400, {
          error_list: [{ code: "invalid-field", message: "devel snaps cannot be released to stable or candidate." }],
        });
      }
      const map = channelMap.get(body.name!) ?? {};
      for (const channel of channels) for (const arch of revision.architectures) (map[channel] ??= {})[arch] = revision.revision;
      channelMap.set(body.name!, map);
      return send(res, 200, {
        success: true,
        channel_map: channels.map((channel) => ({ channel, revision: revision.revision, version: revision.version })),
      });
    }

    const map = /^GET \/api\/v2\/snaps\/([^/]+)\/channel-map$/.exec(route);
    if (map) {
      const name = decodeURIComponent(map[1]!);
      if (!registered.has(name))
        return send(res, 404, { "error-list": [{ code: "resource-not-found", message: `Snap not found for name=${name}` }] });
      const entries = Object.entries(channelMap.get(name) ?? {}).flatMap(([channel, arches]) =>
        Object.entries(arches).map(([architecture, revision]) => ({
          architecture,
          channel,
          revision,
          progressive: { percentage: null, paused: null, "current-percentage": null },
          "expiration-date": null,
          when: new Date(0).toISOString(),
        })),
      );
      const list = (revisions.get(name) ?? []).map(({ snapYaml: _yaml, ...rest }) => rest);
      return send(res, 200, { "channel-map": entries, revisions: list, snap: { name, "default-track": "latest" } });
    }

    return send(res, 404, { error_list: [{ code: "not-found", message: route }] });
  }

  /** Reads meta/snap.yaml from the squashfs, as the store's automated review does, and files a revision. */
  async function review(name: string, snap: Buffer): Promise<SnapRevision> {
    const file = join(work, `${randomBytes(6).toString("hex")}.snap`);
    await writeFile(file, snap);
    const { stdout } = await run("unsquashfs", ["-cat", file, "meta/snap.yaml"]);
    const yaml = parseYaml(stdout) as {
      name: string;
      version: string;
      architectures?: string[];
      confinement?: string;
      grade?: string;
      base?: string;
    };
    if (yaml.name !== name) throw new Error(`snap.yaml names ${yaml.name}, not ${name}`);
    const list = revisions.get(name) ?? [];
    const revision: SnapRevision = {
      revision: list.length + 1,
      version: String(yaml.version),
      architectures: yaml.architectures ?? ["all"],
      "sha3-384": createHash("sha3-384").update(snap).digest("hex"),
      size: snap.length,
      status: sandbox.manualReview ? "NeedsManualReview" : "Approved",
      "created-at": new Date().toISOString(),
      confinement: yaml.confinement ?? "strict",
      grade: yaml.grade ?? "stable",
      base: yaml.base ?? null,
      snapYaml: stdout,
    };
    revisions.set(name, [...list, revision]);
    downloads.set(`${name}_${revision.revision}.snap`, snap);
    return revision;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error_list: [{ code: "internal", message: String(error) }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  sandbox.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.env = {
    FERRY_SNAP_STORAGE_URL: sandbox.url,
    FERRY_SNAP_DASHBOARD_URL: sandbox.url,
    FERRY_SNAP_API_URL: sandbox.url,
    SNAPCRAFT_STORE_CREDENTIALS: credentials,
  };
  return sandbox;
}
