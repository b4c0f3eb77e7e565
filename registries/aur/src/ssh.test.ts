import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FerryError } from "@ferry/core";
import { normalizePrivateKey } from "./ssh.ts";

const dir = mkdtempSync(join(tmpdir(), "ferry-aur-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", join(dir, "key")]);
const key = readFileSync(join(dir, "key"), "utf8");

/** The public key ssh-keygen derives from a private key text: proof that ssh can load it. */
function publicOf(text: string): string {
  const file = join(dir, "candidate");
  rmSync(file, { force: true });
  execFileSync("sh", ["-c", `umask 077; cat > "${file}"`], { input: text });
  return execFileSync("ssh-keygen", ["-y", "-f", file], { encoding: "utf8" }).trim();
}

describe("normalizePrivateKey", () => {
  const expected = publicOf(key);

  it("keeps an intact key byte for byte", () => {
    expect(normalizePrivateKey(key)).toBe(key);
  });

  it.each([
    ["CRLF line ends", key.replace(/\n/g, "\r\n")],
    ["a key pasted on one line", key.trim().replace(/\n/g, " ")],
    ["a key whose newlines were lost entirely", key.trim().split("\n").join("")],
    ["no final newline", key.trimEnd()],
    ["literal \\n escapes", key.trim().replace(/\n/g, "\\n")],
    ["surrounding blank lines and indentation", `\n\n  ${key.replace(/\n/g, "\n  ")}\n`],
  ])("repairs %s", (_, mangled) => {
    const repaired = normalizePrivateKey(mangled);
    expect(repaired).toBe(key);
    expect(publicOf(repaired)).toBe(expected);
  });

  it("refuses a value with no key block, without echoing it", () => {
    const canary = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAcanarycanarycanary not-a-private-key";
    let error: unknown;
    try {
      normalizePrivateKey(canary);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe("SecretMissing");
    expect(JSON.stringify((error as FerryError).details) + (error as Error).message).not.toContain("canary");
  });
});
