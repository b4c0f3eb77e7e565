import { spawn, type ChildProcess } from "node:child_process";
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exec } from "@ferry/core";

export interface AurSandbox {
  /** FERRY_AUR_GIT, FERRY_AUR_RPC, FERRY_AUR_KNOWN_HOSTS and AUR_SSH_PRIVATE_KEY (the one authorized key). */
  env: Record<string, string>;
  /** The directory holding one bare repository per package base (`<pkgbase>.git`). */
  reposDir: string;
  /** Commit ids on master of a package base, newest first (empty when it was never pushed). */
  commits(pkgbase: string): Promise<string[]>;
  stop(): Promise<void>;
}

const scripts = fileURLToPath(new URL("./aur/", import.meta.url));

/**
 * The AUR as a publisher meets it: an OpenSSH server on 127.0.0.1 whose one authorized key is
 * forced into a git-only command (repositories created on first access, pushes checked by a hook
 * imitating aurweb's), and an HTTP stand-in for aurweb's RPC (`/rpc/v5/info`) and cgit's plain
 * file view (`/cgit/aur.git/plain/<file>?h=<pkgbase>`), both answering from what was pushed to
 * master, the way aurweb's database is filled from each pushed .SRCINFO.
 */
export async function startAur(): Promise<AurSandbox> {
  const root = await mkdtemp(join(tmpdir(), "ferry-aur-"));
  const reposDir = join(root, "repos");
  let sshd: ChildProcess | undefined;
  let http: ReturnType<typeof createHttpServer> | undefined;
  const stop = async () => {
    if (sshd && sshd.exitCode === null && sshd.signalCode === null) {
      const exited = new Promise((resolve) => sshd!.once("exit", resolve));
      sshd.kill();
      await exited;
    }
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http!.close(() => resolve()));
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    await mkdir(reposDir);
    await keygen(join(root, "host_ed25519"));
    await keygen(join(root, "client"));
    const user = userInfo().username;
    // git finds hooks by name in core.hooksPath: a directory holding only pre-receive.
    const hooks = join(root, "hooks");
    await mkdir(hooks);
    await writeFile(join(hooks, "pre-receive"), `#!/bin/sh\nexec /bin/sh ${join(scripts, "pre-receive.sh")}\n`, { mode: 0o755 });
    const command = `/bin/sh ${join(scripts, "git-shell.sh")} ${reposDir} ${hooks}`;
    const clientPub = (await readFile(join(root, "client.pub"), "utf8")).trim();
    await writeFile(
      join(root, "authorized_keys"),
      `command="${command}",no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty ${clientPub}\n`,
    );
    const started = await startSshd(root, user);
    sshd = started.child;
    const hostPub = (await readFile(join(root, "host_ed25519.pub"), "utf8")).trim().split(" ").slice(0, 2).join(" ");

    http = createHttpServer((req, res) => {
      handle(reposDir, req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      http!.once("error", reject);
      http!.listen(0, "127.0.0.1", resolve);
    });
    const { port: rpcPort } = http.address() as AddressInfo;

    return {
      env: {
        FERRY_AUR_GIT: `ssh://${user}@127.0.0.1:${started.port}`,
        FERRY_AUR_RPC: `http://127.0.0.1:${rpcPort}`,
        FERRY_AUR_KNOWN_HOSTS: `[127.0.0.1]:${started.port} ${hostPub}`,
        AUR_SSH_PRIVATE_KEY: await readFile(join(root, "client"), "utf8"),
      },
      reposDir,
      async commits(pkgbase) {
        const repo = join(reposDir, `${pkgbase}.git`);
        if (!(await exists(repo))) return [];
        const log = await exec("git", ["--git-dir", repo, "log", "--format=%H", "refs/heads/master"]).catch(() => ({ stdout: "" }));
        return log.stdout.split("\n").filter(Boolean);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const keygen = (file: string) => exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ferry-sandbox", "-f", file]);

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function findSshd(): Promise<string> {
  // sshd re-executes itself, so it must be started by its absolute path.
  for (const path of ["/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd", "/usr/local/sbin/sshd"]) if (await exists(path)) return path;
  throw new Error("sshd is not installed (Debian/Ubuntu: apt-get install openssh-server).");
}

/** Starts sshd on a free port (sshd cannot report an ephemeral one, so pick, try, and retry). */
async function startSshd(root: string, user: string): Promise<{ child: ChildProcess; port: number }> {
  const binary = await findSshd();
  // As root, sshd's privilege separation needs its empty chroot directory.
  if (process.getuid?.() === 0) await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  let output = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = join(root, "sshd_config");
    await writeFile(
      config,
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${join(root, "host_ed25519")}`,
        `PidFile ${join(root, "sshd.pid")}`,
        `AuthorizedKeysFile ${join(root, "authorized_keys")}`,
        `AllowUsers ${user}`,
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PermitUserEnvironment no",
        "AllowTcpForwarding no",
        "X11Forwarding no",
        "LogLevel INFO",
        "",
      ].join("\n"),
    );
    const child = spawn(binary, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    output = "";
    const listening = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (/Server listening on/.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (listening) {
      child.stderr.resume();
      return { child, port };
    }
    child.kill();
  }
  throw new Error(`sshd did not start: ${output.trim()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// aurweb RPC and cgit stand-in

async function handle(reposDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const json = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  if (req.method !== "GET") {
    res.writeHead(405).end();
    return;
  }
  if (url.pathname === "/rpc/v5/info" || url.pathname.startsWith("/rpc/v5/info/")) {
    const args = [...url.searchParams.getAll("arg[]"), ...url.searchParams.getAll("arg")];
    const fromPath = url.pathname.slice("/rpc/v5/info/".length);
    if (fromPath) args.push(decodeURIComponent(fromPath));
    if (args.length === 0) {
      json({ version: 5, type: "error", resultcount: 0, results: [], error: "No request type/data specified." });
      return;
    }
    const packages = await readPackages(reposDir);
    const results = packages.filter((p) => args.includes(String(p.Name)));
    json({ version: 5, type: "multiinfo", resultcount: results.length, results });
    return;
  }
  const plain = /^\/cgit\/aur\.git\/plain\/(.+)$/.exec(url.pathname);
  const pkgbase = url.searchParams.get("h") ?? "";
  if (plain && /^[a-z0-9@._+-]+$/.test(pkgbase)) {
    const text = await show(join(reposDir, `${pkgbase}.git`), decodeURIComponent(plain[1]!));
    if (text === undefined) res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
    else res.writeHead(200, { "content-type": "text/plain; charset=UTF-8" }).end(text);
    return;
  }
  res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
}

async function show(repo: string, path: string): Promise<string | undefined> {
  if (!(await exists(repo))) return undefined;
  return exec("git", ["--git-dir", repo, "show", `refs/heads/master:${path}`], { stripFinalNewline: false }).then(
    (r) => r.stdout,
    () => undefined,
  );
}

/** One RPC info result per pkgname of every pushed package base, in aurweb's v5 shape. */
async function readPackages(reposDir: string): Promise<Array<Record<string, unknown>>> {
  const results: Array<Record<string, unknown>> = [];
  const names = (await readdir(reposDir)).filter((name) => name.endsWith(".git")).sort();
  for (const [index, dir] of names.entries()) {
    const repo = join(reposDir, dir);
    const srcinfo = await show(repo, ".SRCINFO");
    if (srcinfo === undefined) continue;
    const times = (await exec("git", ["--git-dir", repo, "log", "--format=%ct", "refs/heads/master"])).stdout
      .split("\n")
      .filter(Boolean)
      .map(Number);
    const base = parseSrcinfo(srcinfo);
    const one = (key: string) => base.global[key]?.[0];
    const epoch = one("epoch");
    for (const [pkgIndex, name] of base.pkgnames.entries()) {
      const pkg = base.packages[name] ?? {};
      const many = (key: string) => pkg[key] ?? base.global[key] ?? [];
      const lists = Object.fromEntries(
        (
          [
            ["Depends", "depends"],
            ["MakeDepends", "makedepends"],
            ["OptDepends", "optdepends"],
            ["CheckDepends", "checkdepends"],
            ["Provides", "provides"],
            ["Conflicts", "conflicts"],
            ["Replaces", "replaces"],
          ] as const
        ).flatMap(([field, key]) => (many(key).length ? [[field, many(key)]] : [])),
      );
      results.push({
        ID: (index + 1) * 100 + pkgIndex,
        Name: name,
        PackageBaseID: index + 1,
        PackageBase: one("pkgbase") ?? dir.slice(0, -4),
        Version: `${epoch ? `${epoch}:` : ""}${one("pkgver")}-${one("pkgrel")}`,
        Description: pkg.pkgdesc?.[0] ?? one("pkgdesc") ?? null,
        URL: pkg.url?.[0] ?? one("url") ?? null,
        NumVotes: 0,
        Popularity: 0,
        OutOfDate: null,
        Maintainer: "ferry-sandbox",
        Submitter: "ferry-sandbox",
        FirstSubmitted: times.at(-1) ?? 0,
        LastModified: times[0] ?? 0,
        URLPath: `/cgit/aur.git/snapshot/${dir.slice(0, -4)}.tar.gz`,
        ...lists,
        License: many("license"),
        Keywords: [],
        CoMaintainers: [],
      });
    }
  }
  return results;
}

function parseSrcinfo(text: string) {
  const global: Record<string, string[]> = {};
  const packages: Record<string, Record<string, string[]>> = {};
  const pkgnames: string[] = [];
  let section = global;
  for (const line of text.split("\n")) {
    const match = /^\s*([a-z0-9_]+) = (.*)$/.exec(line);
    if (!match) continue;
    const [, key = "", value = ""] = match;
    if (key === "pkgname") {
      pkgnames.push(value);
      section = packages[value] = {};
      continue;
    }
    (section[key] ??= []).push(value);
  }
  return { global, packages, pkgnames };
}
