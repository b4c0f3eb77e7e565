// Replays an @octokit/fixtures scenario (requests recorded against the real api.github.com and
// uploads.github.com) from a local HTTP server, so code under test can be held to the exact request
// sequence GitHub saw. The package itself only offers nock interception, which patches node:http in the
// whole process and does not see fetch; so this reads the same normalized recording that its
// `fixtures.get(name)` returns and serves it over a real socket.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { isDeepStrictEqual } from "node:util";

interface Interaction {
  scope: string;
  method: string;
  path: string;
  body: unknown;
  status: number;
  response: unknown;
  reqheaders: Record<string, string | number>;
  headers: Record<string, string | number>;
}

export interface FixtureReplay {
  /** Base URL standing for https://api.github.com; uploads.github.com is served under `${url}/api/uploads`. */
  url: string;
  /** Throws if a recorded request was not made, or a request matched no recording. */
  done(): void;
  stop(): Promise<void>;
}

const API = "https://api.github.com";
const UPLOADS = "https://uploads.github.com";
const UPLOADS_PREFIX = "/api/uploads";
const HOP_BY_HOP = new Set(["connection", "content-length", "transfer-encoding", "keep-alive"]);

function recording(scenario: string): Interaction[] {
  const name = scenario.includes("/") ? scenario : `api.github.com/${scenario}`;
  const require = createRequire(import.meta.url);
  const file = require.resolve(`@octokit/fixtures/scenarios/${name}/normalized-fixture.json`);
  return JSON.parse(readFileSync(file, "utf8")) as Interaction[];
}

const mediaType = (value: unknown): string => (typeof value === "string" ? value : "").split(";")[0]!.trim().toLowerCase();

function sameQuery(a: URLSearchParams, b: URLSearchParams): boolean {
  const sorted = (q: URLSearchParams) => [...q.entries()].sort().join("&");
  return sorted(a) === sorted(b);
}

/** Why a request does not satisfy a recorded interaction, or undefined if it does. */
function mismatch(recorded: Interaction, req: IncomingMessage, body: Buffer): string | undefined {
  const contentType = recorded.reqheaders["content-type"];
  if (contentType !== undefined && mediaType(contentType) !== mediaType(req.headers["content-type"])) {
    return `content-type ${String(req.headers["content-type"])}, recorded ${String(contentType)}`;
  }
  if (recorded.reqheaders.authorization !== undefined && !req.headers.authorization) return "no authorization header";
  if (typeof recorded.body === "string") {
    if (body.toString("utf8") !== recorded.body)
      return `body ${JSON.stringify(body.toString("utf8"))}, recorded ${JSON.stringify(recorded.body)}`;
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return `body is not JSON, recorded ${JSON.stringify(recorded.body)}`;
    }
    if (!isDeepStrictEqual(parsed, recorded.body)) return `body ${JSON.stringify(parsed)}, recorded ${JSON.stringify(recorded.body)}`;
  }
  return undefined;
}

export async function startFixtureReplay(scenario: string): Promise<FixtureReplay> {
  const pending = recording(scenario);
  const problems: string[] = [];
  let base = "";
  // Recorded bodies and headers name github.com hosts; point them at this server instead.
  const rewrite = (text: string) =>
    text.replaceAll(UPLOADS, `${base}${UPLOADS_PREFIX}`).replaceAll(API, base).replaceAll("https://github.com", base);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      const upload = url.pathname.startsWith(`${UPLOADS_PREFIX}/`);
      const scope = `${upload ? UPLOADS : API}:443`;
      const path = upload ? url.pathname.slice(UPLOADS_PREFIX.length) : url.pathname;
      const method = (req.method ?? "GET").toLowerCase();
      const body = Buffer.concat(chunks);
      const candidates = pending.filter((i) => {
        const recorded = new URL(i.path, "http://recorded");
        return i.scope === scope && i.method === method && recorded.pathname === path && sameQuery(recorded.searchParams, url.searchParams);
      });
      const reasons = candidates.map((i) => mismatch(i, req, body));
      const index = reasons.findIndex((r) => r === undefined);
      const label = `${method.toUpperCase()} ${upload ? UPLOADS : API}${path}${url.search}`;
      if (index < 0) {
        const why = reasons.length > 0 ? `: ${reasons.join("; ")}` : "";
        problems.push(`${label} matches no recorded request${why}`);
        res.writeHead(501, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ message: `No recorded request matches ${label}${why}` }));
        return;
      }
      const interaction = candidates[index]!;
      pending.splice(pending.indexOf(interaction), 1);
      const headers = Object.fromEntries(
        Object.entries(interaction.headers)
          .filter(([k]) => !HOP_BY_HOP.has(k))
          .map(([k, v]) => [k, rewrite(String(v))]),
      );
      res.writeHead(interaction.status, headers);
      res.end(interaction.response === "" ? undefined : rewrite(JSON.stringify(interaction.response)));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    done() {
      const left = pending.map((i) => `${i.method.toUpperCase()} ${i.scope.replace(/:443$/, "")}${i.path} not requested`);
      if (problems.length > 0 || left.length > 0) {
        throw new Error(`Replay of ${scenario} not satisfied:\n${[...problems, ...left].join("\n")}`);
      }
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
