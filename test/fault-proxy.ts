/**
 * Fault proxies for the stand-ins: an HTTP proxy that forwards to one server and injects a fault
 * into the requests a rule matches, and a TCP proxy (for git daemon) that drops connections or
 * loses a push's answer. Both listen on 127.0.0.1, port 0.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";

export type Fault =
  /** The first matching request is answered 503. */
  | "5xx-once"
  /** Every matching request is answered 503. */
  | "5xx-always"
  /** The first matching request is answered 429 with Retry-After: 1. */
  | "429"
  /** The first matching request's connection is reset while its body is arriving. */
  | "reset"
  /** The first matching request reaches the server, and its answer is dropped (the connection is reset). */
  | "lost-answer"
  /** Matching requests are never answered. */
  | "hang";

export const transientFaults: readonly Fault[] = ["5xx-once", "429", "reset", "lost-answer"];

/**
 * A registry that echoes credentials: every matching request that carries one (Authorization,
 * X-NuGet-ApiKey, a cookie…) is answered 401 or 500 with those headers in its reason phrase, its
 * body (JSON, in the fields registries put their messages in) and a header. Requests without
 * credentials are forwarded.
 */
export type EchoFault = "echo-401" | "echo-500";

interface FaultRule {
  fault: Fault | EchoFault;
  /** Which requests get the fault. @default every request that writes (not GET or HEAD) */
  match?: (method: string, path: string, headers: IncomingHttpHeaders) => boolean;
  /** An echo fault answers the matching requests without credentials 401 with a Basic challenge, as a registry that wants a login. */
  challenge?: boolean;
}

const credentialHeader = /authorization|api-?key|token|cookie|secret|password/i;

/** The request's credential headers, as `name: value` lines. */
const credentials = (headers: IncomingHttpHeaders) =>
  Object.entries(headers)
    .filter(([name, value]) => credentialHeader.test(name) && value !== undefined)
    .map(([name, value]) => `${name}: ${String(value)}`);

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>` */
  host: string;
  /**
   * Sets the fault for the requests that follow (undefined: forward everything). Several rules: each
   * request gets the first rule that matches it, and each rule counts its own faults.
   */
  set(rule: FaultRule | FaultRule[] | undefined): void;
  /** How many faults were injected since the last set(). */
  readonly injected: number;
  /** How many faults each rule of the last set() injected, in order. */
  readonly injectedEach: readonly number[];
  /** Every credential header value an echo fault sent back, since the proxy started. */
  readonly echoed: ReadonlySet<string>;
  stop(): Promise<void>;
}

const writes = (method: string) => method !== "GET" && method !== "HEAD";

/** An HTTP proxy in front of `target` (an origin such as http://127.0.0.1:1234). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rules: FaultRule[] = [];
  let counts: number[] = [];
  let origin = "";
  const echoed = new Set<string>();

  const forward = (req: IncomingMessage, res: ServerResponse | undefined, body: Buffer) =>
    new Promise<void>((resolve) => {
      const headers = { ...req.headers, host: upstream.host };
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          if (!res) {
            req.socket.destroy();
            return resolve();
          }
          // Links the server gives (Location, upload URLs in JSON) point back through the proxy.
          let bytes = Buffer.concat(chunks);
          const type = String(answer.headers["content-type"] ?? "");
          if (!answer.headers["content-encoding"] && /json|text|xml/.test(type)) {
            bytes = Buffer.from(bytes.toString("utf8").split(upstream.origin).join(origin));
          }
          const outHeaders = { ...answer.headers };
          if (typeof outHeaders.location === "string") outHeaders.location = outHeaders.location.replace(upstream.origin, origin);
          delete outHeaders["transfer-encoding"];
          if (req.method !== "HEAD") outHeaders["content-length"] = String(bytes.length);
          res.writeHead(answer.statusCode ?? 502, outHeaders);
          res.end(req.method === "HEAD" ? undefined : bytes);
          resolve();
        });
      });
      out.on("error", () => {
        if (res && !res.headersSent) res.writeHead(502).end();
        resolve();
      });
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const echoing = credentials(req.headers);
    const index = rules.findIndex(
      (rule) =>
        (rule.match ?? writes)(method, path, req.headers) && (!rule.fault.startsWith("echo-") || echoing.length > 0 || rule.challenge),
    );
    const active = rules[index];
    const always = ["5xx-always", "hang", "echo-401", "echo-500"];
    const once = active && !always.includes(active.fault) && counts[index]! > 0 ? undefined : active;
    const fault = once?.fault;
    const count = () => counts[index]!++;
    if (fault === "hang") {
      count();
      return;
    }
    if (fault === "reset") {
      count();
      req.once("data", () => req.socket.destroy());
      req.once("end", () => req.socket.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (fault === "5xx-once" || fault === "5xx-always") {
      count();
      res.writeHead(503, { "content-type": "text/plain" }).end("fault proxy: service unavailable");
      return;
    }
    if ((fault === "echo-401" || fault === "echo-500") && !echoing.length) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="registry"', "content-type": "text/plain" }).end("log in first");
      return;
    }
    if (fault === "echo-401" || fault === "echo-500") {
      count();
      for (const line of echoing) echoed.add(line.slice(line.indexOf(": ") + 2));
      const text = `denied; you sent ${echoing.join(", ")}`;
      const status = fault === "echo-401" ? 401 : 500;
      res.writeHead(status, `${status === 401 ? "Unauthorized" : "Internal Server Error"}: ${text}`, {
        "content-type": "application/json",
        "www-authenticate": `Basic realm="${text.replace(/"/g, "'")}"`,
      });
      res.end(JSON.stringify({ error: text, message: text, detail: text, errors: [{ code: "DENIED", message: text, detail: text }] }));
      return;
    }
    if (fault === "429") {
      count();
      res.writeHead(429, { "retry-after": "1", "content-type": "text/plain" }).end("fault proxy: slow down");
      return;
    }
    if (fault === "lost-answer") {
      count();
      return forward(req, undefined, body);
    }
    await forward(req, res, body);
  };
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    host: `127.0.0.1:${port}`,
    set(next) {
      rules = next === undefined ? [] : Array.isArray(next) ? next : [next];
      counts = rules.map(() => 0);
    },
    get injected() {
      return counts.reduce((sum, n) => sum + n, 0);
    },
    get injectedEach() {
      return counts;
    },
    echoed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TcpFault =
  /** The first connection is closed as soon as it opens. */
  | "reset"
  /** Every connection is closed as soon as it opens. */
  | "reset-always"
  /** The first connection that sends a pack (a push) reaches the server; the server's answer is dropped. */
  | "lost-answer"
  /** Every connection is accepted and never answered. */
  | "hang";

export interface TcpFaultProxy {
  port: number;
  set(fault: TcpFault | undefined): void;
  readonly injected: number;
  /** How many connections were opened through the proxy since it started. */
  readonly connections: number;
  stop(): Promise<void>;
}

/** A TCP proxy in front of 127.0.0.1:`targetPort`, e.g. a git daemon. */
export async function startTcpFaultProxy(targetPort: number): Promise<TcpFaultProxy> {
  let fault: TcpFault | undefined;
  let injected = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    connections++;
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (fault === "reset-always" || (fault === "reset" && injected === 0)) {
      injected++;
      client.destroy();
      return;
    }
    if (fault === "hang") {
      injected++;
      return;
    }
    const server = connect(targetPort, "127.0.0.1");
    sockets.add(server);
    server.on("close", () => sockets.delete(server));
    server.on("error", () => client.destroy());
    let packSent = false;
    const losing = fault === "lost-answer" && injected === 0;
    client.on("data", (chunk: Buffer) => {
      if (losing && chunk.includes("PACK")) packSent = true;
      server.write(chunk);
    });
    client.on("end", () => server.end());
    server.on("data", (chunk: Buffer) => {
      if (packSent) {
        // The server has the whole pack and answers: the client never hears it.
        if (injected === 0) injected++;
        client.destroy();
        return;
      }
      client.write(chunk);
    });
    server.on("end", () => client.end());
    client.on("close", () => {
      if (!packSent) server.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    set(next) {
      fault = next;
      injected = 0;
    },
    get injected() {
      return injected;
    },
    get connections() {
      return connections;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
