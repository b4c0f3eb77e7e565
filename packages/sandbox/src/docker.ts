import { execFile, spawn } from "node:child_process";
import { randomUUID, sign } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import bcrypt from "bcryptjs";

export interface DockerRegistrySandbox {
  /** FERRY_DOCKER_REGISTRY (and, with auth, DOCKER_USERNAME/DOCKER_PASSWORD). */
  env: Record<string, string>;
  /** `127.0.0.1:<port>`: the host part of image references, as skopeo takes it. */
  host: string;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  stop(): Promise<void>;
}

export interface DockerRegistryOptions {
  /**
   * "basic": the registry answers 401 with a Basic challenge (htpasswd with one user).
   * "token": it answers with a Bearer challenge and trusts tokens from a token service started
   * beside it. Either way the user is `ferry`, and `env` holds DOCKER_USERNAME/DOCKER_PASSWORD.
   * @default "none"
   */
  auth?: "none" | "basic" | "token";
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const user = { name: "ferry", password: "ferry-sandbox-registry-password" };
const service = "ferry-sandbox";

/**
 * Starts Debian's docker-registry (distribution) on 127.0.0.1 with filesystem storage in a temp
 * dir. With auth "basic" it checks an htpasswd file; with auth "token" it also starts a token service (the realm of the registry's Bearer
 * challenge) that checks Basic credentials and issues RS256 tokens signed by a throwaway key
 * whose self-signed certificate the registry trusts.
 */
export async function startDockerRegistry({ auth = "none" }: DockerRegistryOptions = {}): Promise<DockerRegistrySandbox> {
  const root = await mkdtemp(join(tmpdir(), "ferry-docker-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  let tokens: Server | undefined;
  let authConfig = "";
  if (auth === "token") {
    const started = await startTokenService(root);
    tokens = started.server;
    authConfig = [
      "auth:",
      "  token:",
      `    realm: ${started.url}/token`,
      `    service: ${service}`,
      `    issuer: ${service}`,
      `    rootcertbundle: ${started.certificate}`,
    ].join("\n");
  } else if (auth === "basic") {
    // distribution's htpasswd accepts bcrypt only.
    await writeFile(join(root, "htpasswd"), `${user.name}:${bcrypt.hashSync(user.password, 10)}\n`);
    authConfig = ["auth:", "  htpasswd:", `    realm: ${service}`, `    path: ${join(root, "htpasswd")}`].join("\n");
  }
  const config = [
    "version: 0.1",
    "log:",
    "  level: error",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(root, "storage")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${host}`,
    authConfig,
  ].join("\n");
  await writeFile(join(root, "config.yml"), `${config}\n`);
  const child = spawn("/usr/bin/docker-registry", ["serve", join(root, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
    if (tokens) await new Promise<void>((resolve) => tokens.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  };

  for (let attempt = 0; ; attempt++) {
    const answer = await fetch(`${url}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (answer === 200 || answer === 401) break;
    if (child.exitCode !== null || attempt > 100) {
      await stop();
      throw new Error(`docker-registry did not start: ${stderr.trim()}`);
    }
    await sleep(100);
  }
  const env: Record<string, string> = { FERRY_DOCKER_REGISTRY: host };
  if (auth !== "none") Object.assign(env, { DOCKER_USERNAME: user.name, DOCKER_PASSWORD: user.password });
  return { env, host, url, stop };
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

async function startTokenService(root: string): Promise<{ server: Server; url: string; certificate: string }> {
  const key = join(root, "token.key");
  const certificate = join(root, "token.crt");
  await promisify(execFile)("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    `/CN=${service}`,
    "-keyout",
    key,
    "-out",
    certificate,
  ]);
  const privateKey = await readFile(key, "utf8");
  const der = (await readFile(certificate, "utf8")).replace(/-----[^-]+-----|\s/g, "");

  const server = createServer((request, response) => {
    const requestUrl = new URL(request.url ?? "/", "http://token");
    const expected = `Basic ${Buffer.from(`${user.name}:${user.password}`).toString("base64")}`;
    if (requestUrl.pathname !== "/token" || request.headers.authorization !== expected) {
      response.writeHead(401, { "content-type": "application/json" }).end('{"details":"bad credentials"}');
      return;
    }
    // scope = repository:<name>:pull,push (possibly several, space-separated); grant what is asked.
    const access = requestUrl.searchParams
      .getAll("scope")
      .flatMap((scope) => scope.split(" "))
      .filter(Boolean)
      .map((scope) => {
        const [type, ...rest] = scope.split(":");
        const actions = rest.pop() ?? "";
        return { type, name: rest.join(":"), actions: actions.split(",") };
      });
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ typ: "JWT", alg: "RS256", x5c: [der] }));
    const claims = base64url(
      JSON.stringify({ iss: service, sub: user.name, aud: service, exp: now + 600, nbf: now - 10, iat: now, jti: randomUUID(), access }),
    );
    const signature = sign("sha256", Buffer.from(`${header}.${claims}`), privateKey).toString("base64url");
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ token: `${header}.${claims}.${signature}`, expires_in: 600 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, certificate };
}
