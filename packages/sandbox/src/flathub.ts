// A stand-in for the one Flathub API call ferry makes: GET /api/v2/appstream/<app-id>, which answers
// 404 {"detail":"App not found"} for an unknown app and the app's AppStream data (as JSON) otherwise.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FlathubListing {
  id: string;
  name?: string;
  summary?: string;
  /** Newest first, as Flathub lists them. */
  releases: Array<{ version: string; timestamp?: string }>;
}

export interface FlathubSandbox {
  /** `http://127.0.0.1:<port>/api/v2`, the base FERRY_FLATHUB_API points at. */
  api: string;
  env: Record<string, string>;
  /** Makes an app (or a new release of it) visible, as a finished Flathub build would. */
  setApp(app: FlathubListing): void;
  /** The next `times` requests answer `status`. */
  failNext(status: number, times?: number): void;
  stop(): Promise<void>;
}

export async function startFlathub(): Promise<FlathubSandbox> {
  const apps = new Map<string, FlathubListing>();
  const faults: number[] = [];
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const fault = faults.shift();
    if (fault !== undefined) return send(fault, { detail: "Injected failure" });
    const id = /^\/api\/v2\/appstream\/([^/?]+)/.exec(req.url ?? "")?.[1];
    if (req.method !== "GET" || !id) return send(404, { detail: "Not Found" });
    const app = apps.get(decodeURIComponent(id));
    if (!app) return send(404, { detail: "App not found" });
    send(200, {
      type: "console-application",
      id: app.id,
      name: app.name ?? app.id,
      summary: app.summary ?? "",
      releases: app.releases.map((r) => ({ version: r.version, timestamp: r.timestamp ?? "0", type: "stable" })),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
  return {
    api,
    env: { FERRY_FLATHUB_API: api },
    setApp: (app) => void apps.set(app.id, app),
    failNext: (status, times = 1) => faults.push(...Array<number>(times).fill(status)),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
