import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readForm } from "./form.ts";

export interface ChocolateySandbox {
  /** FERRY_CHOCOLATEY_SOURCE (the v2 gateway) and CHOCOLATEY_API_KEY. */
  env: Record<string, string>;
  /** The v2 gateway, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** nuget-server's own v3 service index, for real NuGet clients. */
  v3: string;
  /** While true (as on the community repository), new versions wait in moderation (PackageStatus Submitted). */
  moderation: boolean;
  /** A moderator approves a version. */
  approve(id: string, version: string): void;
  /** Requests the gateway received, as "METHOD /path". */
  requests: string[];
  stop(): Promise<void>;
}

/** Rewrites nuget-server's fixed 0.0.0.0 listen to 127.0.0.1 on a free port, and reports the port. */
const loopbackPreload = `data:text/javascript,${encodeURIComponent(`
import net from "node:net";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] && typeof args[0] === "object") args[0] = { ...args[0], host: "127.0.0.1", port: 0 };
  this.once("listening", () => process.stdout.write("FERRY_LISTENING " + this.address().port + "\\n"));
  return listen.apply(this, args);
};`)}`;

/** The sandbox package carries nuget-server bundled beside its own script (scripts/build.ts). */
const bundled = fileURLToPath(new URL("./nuget-server/cli.mjs", import.meta.url));

/** Starts the npm package nuget-server (storage, nupkg validation, the v3 feed) on 127.0.0.1. */
async function startNugetServer(root: string): Promise<{ url: string; stop(): Promise<void> }> {
  const cli = existsSync(bundled)
    ? bundled
    : join(dirname(createRequire(import.meta.url).resolve("nuget-server/package.json")), "dist", "cli.mjs");
  const child = spawn(
    process.execPath,
    [
      "--import",
      loopbackPreload,
      cli,
      "--port",
      "1",
      "--package-dir",
      join(root, "packages"),
      "--config-file",
      join(root, "config.json"),
      "--users-file",
      join(root, "users.json"),
      "--auth-mode",
      "none",
      "--log-level",
      "error",
    ],
    { cwd: root, env: { ...process.env, NUGET_SERVER_DUPLICATE_PACKAGE_POLICY: "error" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const port = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /FERRY_LISTENING (\d+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`nuget-server exited (${code}): ${output.slice(-1000)}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { url: `http://127.0.0.1:${port}`, stop };
}

/**
 * Chocolatey's community repository is a NuGet v2 (OData) feed with moderation. nuget-server
 * speaks NuGet v3 and stores and validates the packages; a gateway in front of it offers the v2
 * calls ferry makes, from the NuGet v2 protocol: `PUT api/v2/package/` (multipart `package`,
 * `X-NuGet-ApiKey`; 201, or 409 for a version that exists), `Packages(Id='…',Version='…')` and
 * `FindPackagesById()?id='…'` (Atom entries with PackageStatus, IsApproved and PackageHash), and
 * `GET api/v2/package/<id>/<version>`, the download each entry's content src names.
 */
export async function startChocolatey(): Promise<ChocolateySandbox> {
  const root = await mkdtemp(join(tmpdir(), "ferry-chocolatey-"));
  const nuget = await startNugetServer(root);
  const apiKey = `choco-sandbox-${randomBytes(12).toString("hex")}`;
  const approved = new Set<string>();
  const requests: string[] = [];
  const key = (id: string, version: string) => `${id.toLowerCase()}@${version.toLowerCase()}`;

  const sandbox: ChocolateySandbox = {
    env: {},
    url: "",
    v3: `${nuget.url}/v3/index.json`,
    moderation: true,
    approve: (id, version) => void approved.add(key(id, version)),
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nuget.stop();
      await rm(root, { recursive: true, force: true });
    },
  };

  /** The versions nuget-server holds for an id, from its v3 package base address. */
  async function versions(id: string): Promise<string[]> {
    const response = await fetch(`${nuget.url}/v3/package/${id.toLowerCase()}/index.json`);
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`nuget-server answered ${response.status}`);
    return ((await response.json()) as { versions: string[] }).versions;
  }

  /** The .nupkg nuget-server stores for a version, from its v3 package base address. */
  async function nupkg(id: string, version: string): Promise<Buffer> {
    const [lowerId, lowerVersion] = [id.toLowerCase(), version.toLowerCase()];
    const response = await fetch(`${nuget.url}/v3/package/${lowerId}/${lowerVersion}/${lowerId}.${lowerVersion}.nupkg`);
    if (!response.ok) throw new Error(`nuget-server answered ${response.status} for the nupkg`);
    return Buffer.from(await response.arrayBuffer());
  }

  async function entry(id: string, version: string): Promise<string> {
    const bytes = await nupkg(id, version);
    const ok = approved.has(key(id, version));
    return [
      `<entry xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">`,
      `<id>${sandbox.url}api/v2/Packages(Id='${id}',Version='${version}')</id>`,
      `<title type="text">${id}</title>`,
      `<content type="application/zip" src="${sandbox.url}api/v2/package/${id}/${version}"/>`,
      `<m:properties>`,
      `<d:Id>${id}</d:Id><d:Version>${version}</d:Version>`,
      `<d:PackageStatus>${ok ? "Approved" : "Submitted"}</d:PackageStatus>`,
      `<d:IsApproved m:type="Edm.Boolean">${ok}</d:IsApproved>`,
      `<d:PackageSubmittedStatus>${ok ? "Ready" : "Pending"}</d:PackageSubmittedStatus>`,
      `<d:PackageHash>${createHash("sha512").update(bytes).digest("base64")}</d:PackageHash>`,
      `<d:PackageHashAlgorithm>SHA512</d:PackageHashAlgorithm>`,
      `<d:PackageSize m:type="Edm.Int64">${bytes.length}</d:PackageSize>`,
      `</m:properties>`,
      `</entry>`,
    ].join("");
  }

  const atom = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "application/atom+xml;type=entry;charset=utf-8" });
    res.end(`<?xml version="1.0" encoding="utf-8"?>${body}`);
  };
  const text = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", sandbox.url);
    const path = decodeURIComponent(url.pathname);
    requests.push(`${req.method} ${path}`);

    if (req.method === "PUT" && /^\/api\/v2\/package\/?$/.test(path)) {
      if (req.headers["x-nuget-apikey"] !== apiKey) return text(res, 403, "The specified API key is invalid.");
      const form = await readForm(req);
      const file = form.get("package");
      if (!(file instanceof Blob)) return text(res, 400, "A multipart `package` file is required.");
      const published = await fetch(`${nuget.url}/api/publish`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: Buffer.from(await file.arrayBuffer()),
      });
      const answer = (await published.json()) as { id?: string; version?: string; error?: string };
      if (published.status === 201 && answer.id && answer.version && !sandbox.moderation) sandbox.approve(answer.id, answer.version);
      return text(res, published.status, answer.error ?? "Created");
    }

    const download = /^\/api\/v2\/package\/([^/]+)\/([^/]+)$/.exec(path);
    if (req.method === "GET" && download) {
      const [, id, version] = download as unknown as [string, string, string];
      const found = (await versions(id)).find((v) => v.toLowerCase() === version.toLowerCase());
      if (!found) return text(res, 404, "Not found.");
      const bytes = await nupkg(id, found);
      res.writeHead(200, { "content-type": "application/zip", "content-length": bytes.length });
      return void res.end(bytes);
    }

    const single = /^\/api\/v2\/Packages\(Id='([^']+)',Version='([^']+)'\)$/.exec(path);
    if (req.method === "GET" && single) {
      const [, id, version] = single as unknown as [string, string, string];
      const found = (await versions(id)).find((v) => v.toLowerCase() === version.toLowerCase());
      if (!found) return text(res, 404, "Resource not found for the segment 'Packages'.");
      return atom(res, 200, await entry(id, found));
    }

    if (req.method === "GET" && path === "/api/v2/FindPackagesById()") {
      const id = (url.searchParams.get("id") ?? "").replace(/^'|'$/g, "");
      const entries = await Promise.all((await versions(id)).map((v) => entry(id, v)));
      return atom(
        res,
        200,
        `<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">FindPackagesById</title>${entries.join("")}</feed>`,
      );
    }

    return text(res, 404, "Not found.");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => text(res, 500, String(error)));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
  } catch (error) {
    await nuget.stop();
    throw error;
  }
  sandbox.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  sandbox.env = { FERRY_CHOCOLATEY_SOURCE: sandbox.url, CHOCOLATEY_API_KEY: apiKey };
  return sandbox;
}
