import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runServer } from "verdaccio";
import { startProvenanceProxy } from "./npm-provenance.ts";

export interface VerdaccioSandbox {
  /** The registry URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** A publish token of a user created for this run. */
  token: string;
  stop(): Promise<void>;
}

/**
 * Starts a real npm registry (Verdaccio) on 127.0.0.1 with an empty temporary storage and no
 * uplinks: nothing is proxied from npmjs.org, so every package it serves was published to it.
 * Verdaccio accepts only tokens it issued, so a user is registered and its token returned.
 * It is served through a proxy that keeps provenance as npmjs.org does (npm-provenance.ts),
 * verified against `trustedRoot` (a Sigstore trusted root's path) when given.
 */
export async function startVerdaccio({ trustedRoot }: { trustedRoot?: string } = {}): Promise<VerdaccioSandbox> {
  const root = await mkdtemp(join(tmpdir(), "ferry-verdaccio-"));
  const config = {
    // Inside a file of root, so that whatever Verdaccio resolves beside its configuration stays in root.
    self_path: join(root, "config.yaml"),
    config_path: join(root, "config.yaml"),
    storage: join(root, "storage"),
    plugins: join(root, "plugins"),
    auth: { htpasswd: { file: join(root, "htpasswd"), max_users: 100 } },
    uplinks: {},
    packages: {
      "**": { access: "$all", publish: "$authenticated", unpublish: "$authenticated" },
    },
    web: { enable: false },
    log: { type: "stdout", format: "json", level: "fatal" },
  };
  const server = (await runServer(config)) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  let proxy: Server | undefined;
  const stop = async () => {
    for (const s of [proxy, server]) {
      if (!s) continue;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await rm(root, { recursive: true, force: true });
  };

  try {
    proxy = await startProvenanceProxy(port, trustedRoot ? { trustedRoot } : {});
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
    return { url, token: await addUser(url, "ferry", "ferry-sandbox-password"), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Registers a user the way `npm adduser` does, answering with the user's token. */
async function addUser(url: string, name: string, password: string): Promise<string> {
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: "user", roles: [] }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(`Verdaccio refused to create a user (${response.status}): ${body.error ?? ""}`);
  return body.token;
}
