import { chmod, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FerryError, addSecret, makeTempDir } from "@ferry/core";

/**
 * The host keys aur.archlinux.org publishes (fingerprints on https://aur.archlinux.org, under
 * "SSH key fingerprints": ED25519 SHA256:RFzBCUItH9LZS0cKB5UE6ceAYhBD5C8GeOBip8Z11+4,
 * ECDSA SHA256:uTa/0PndEgPZTf76e1DFqXKJEXKsn7m9ivhLQtzGOCI, RSA SHA256:5s5cIyReIfNNVGRFdDbe3hdYiI5OelHGpw2rOUud3Q8).
 */
export const aurKnownHosts = [
  "aur.archlinux.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuBKrPzbawxA/k2g6NcyV5jmqwJ2s+zpgZGZ7tpLIcN",
  "aur.archlinux.org ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLMiLrP8pVi5BFX2i3vepSUnpedeiewE5XptnUnau+ZoeUOPkpoCgZZuYfpaIQfhhJJI5qgnjJmr4hyJbe/zxow=",
  "aur.archlinux.org ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDKF9vAFWdgm9Bi8uc+tYRBmXASBb5cB5iZsB7LOWWFeBrLp3r14w0/9S2vozjgqY5sJLDPONWoTTaVTbhe3vwO8CBKZTEt1AcWxuXNlRnk9FliR1/eNB9uz/7y1R0+c1Md+P98AJJSJWKN12nqIDIhjl2S1vOUvm7FNY43fU2knIhEbHybhwWeg+0wxpKwcAd/JeL5i92Uv03MYftOToUijd1pqyVFdJvQFhqD4v3M157jxS5FTOBrccAEjT+zYmFyD8WvKUa9vUclRddNllmBJdy4NyLB8SvVZULUPrP3QOlmzemeKracTlVOUG1wsDbxknF1BwSCU7CmU6UFP90kpWIyz66bP0bl67QAvlIc52Yix7pKJPbw85+zykvnfl2mdROsaT8p8R9nwCdFsBc9IiD0NhPEHcyHRwB8fokXTajk2QnGhL+zP5KnkmXnyQYOCUYo3EKMXIlVOVbPDgRYYT/XqvBuzq5S9rrU70KoI/S5lDnFfx/+lPLdtcnnEPk=",
].join("\n");

const block = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * Repairs the ways a private key gets mangled on its way into a CI secret: CRLF line ends,
 * literal `\n` escapes, every newline turned into a space (a key pasted on one line), or a lost
 * final newline. The base64 body is re-wrapped the way ssh-keygen (70 columns) or PEM (64) writes it.
 * Throws, without echoing the value, when there is no key block at all.
 */
export function normalizePrivateKey(raw: string, registry = "aur"): string {
  const text = raw.replace(/\\r\\n|\\n/g, "\n").replace(/\r\n?/g, "\n");
  const match = block.exec(text);
  if (!match) {
    throw new FerryError("SecretMissing", {
      registry,
      what: "AUR_SSH_PRIVATE_KEY does not hold an SSH private key.",
      why: "It has no `-----BEGIN ... PRIVATE KEY-----` ... `-----END ... PRIVATE KEY-----` block.",
      fix: "Store the whole private key file (for example the contents of ~/.ssh/aur), including its BEGIN and END lines.",
    });
  }
  const [, label = "", inner = ""] = match;
  const lines = inner
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  // PEM headers ("Proc-Type: 4,ENCRYPTED") come first and end with a blank line; a key that lost its
  // newlines cannot be told apart from them, so only a key with intact lines keeps them.
  const headers = lines.filter((line) => line.includes(":"));
  const body = lines
    .filter((line) => !line.includes(":"))
    .join("")
    .replace(/\s+/g, "");
  const width = label === "OPENSSH PRIVATE KEY" ? 70 : 64;
  const wrapped = body.match(new RegExp(`.{1,${width}}`, "g")) ?? [];
  const head = headers.length ? [...headers, ""] : [];
  return [`-----BEGIN ${label}-----`, ...head, ...wrapped, `-----END ${label}-----`, ""].join("\n");
}

export interface SshSession {
  /** Environment for git: GIT_SSH_COMMAND with the key, the pinned known_hosts, and no prompts. */
  env: Record<string, string>;
  /** The normalized private key's file (0600), removed by close(). */
  keyFile: string;
  close(): Promise<void>;
}

const quote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;

/**
 * Writes the key (0600) and the pinned known_hosts to a private temporary directory and returns
 * the environment that makes git's ssh use exactly those; close() deletes both.
 */
export async function openSshSession(privateKey: string, knownHosts: string, registry = "aur"): Promise<SshSession> {
  const key = normalizePrivateKey(privateKey, registry);
  // The normalized form has different lines than the stored secret; keep those out of output too.
  addSecret(key);
  const dir = await makeTempDir("aur-ssh");
  await chmod(dir, 0o700);
  const keyFile = join(dir, "key");
  const hostsFile = join(dir, "known_hosts");
  await writeFile(keyFile, key, { mode: 0o600 });
  await writeFile(hostsFile, `${knownHosts.trim()}\n`, { mode: 0o600 });
  const command = [
    "ssh",
    "-F none",
    `-i ${quote(keyFile)}`,
    "-o IdentitiesOnly=yes",
    "-o IdentityAgent=none",
    "-o BatchMode=yes",
    `-o UserKnownHostsFile=${quote(hostsFile)}`,
    "-o GlobalKnownHostsFile=/dev/null",
    "-o StrictHostKeyChecking=yes",
    "-o UpdateHostKeys=no",
  ].join(" ");
  return {
    env: { GIT_SSH_COMMAND: command, GIT_SSH_VARIANT: "ssh", GIT_TERMINAL_PROMPT: "0" },
    keyFile,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Whether known_hosts has a line for the host of an ssh:// URL, as ssh looks it up: `host`, or
 * `[host]:port` for a port other than 22 (hashed entries are not recognized). undefined when the
 * URL is not an ssh:// URL.
 */
export function pinsHost(knownHosts: string, gitUrl: string): { host: string; pinned: boolean } | undefined {
  let url: URL;
  try {
    url = new URL(gitUrl);
  } catch {
    return undefined;
  }
  const host = url.port && url.port !== "22" ? `[${url.hostname}]:${url.port}` : url.hostname;
  const pinned = knownHosts
    .split("\n")
    .map((line) => line.trim())
    .some((line) => line !== "" && !line.startsWith("#") && (line.split(/\s+/)[0] ?? "").split(",").includes(host));
  return { host, pinned };
}

/** Turns ssh's own failure messages (inside a failed git command) into errors that say what to do. */
export function explainSshFailure(error: unknown, host: string, registry = "aur"): unknown {
  // repo-files reports git's (redacted) output as `why`, whatever code it chose.
  if (!(error instanceof FerryError)) return error;
  const output = error.details.why ?? "";
  if (
    /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* is not known|No .* host key is known/i.test(output)
  ) {
    return new FerryError("RegistryRefused", {
      registry,
      what: `The SSH host key of ${host} does not match the pinned known_hosts, so nothing was pushed.`,
      why: "ferry checks the git host's key against `knownHosts` (or FERRY_AUR_KNOWN_HOSTS, else the keys aur.archlinux.org publishes) and never trusts an unknown key.",
      fix: "If the host really changed its keys, compare them with the fingerprints it publishes and set `knownHosts`; otherwise something is intercepting the connection.",
      cause: error,
    });
  }
  if (/Permission denied \(publickey|Load key .*: (invalid format|error in libcrypto)|incorrect passphrase/i.test(output)) {
    return new FerryError("RegistryRefused", {
      registry,
      what: `${host} refused the SSH key in AUR_SSH_PRIVATE_KEY.`,
      why: /Load key/i.test(output)
        ? "ssh could not read the key (a passphrase-protected or damaged key)."
        : "The key is not registered on the account that may push this package.",
      fix: "Add the key's public half under My Account → SSH Public Key on the AUR, and store the private key without a passphrase.",
      cause: error,
    });
  }
  return error;
}
