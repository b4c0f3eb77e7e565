import { afterAll, beforeAll, expect, it } from "vitest";
import { FerryError, gpgSigner, redact } from "@ferry/core";
import { gpgv, makeGpgKey, type TestGpgKey } from "./gpg.ts";

let plain: TestGpgKey;
let protectedKey: TestGpgKey;
beforeAll(async () => {
  plain = await makeGpgKey();
  protectedKey = await makeGpgKey("correct horse", "2099-12-31");
});
afterAll(async () => {
  await Promise.all([plain?.remove(), protectedKey?.remove()]);
});

const release = "Origin: hello\nSuite: stable\nSHA256:\n 0123 12 main/binary-amd64/Packages\n";

it("clearsigns and detach-signs with FERRY_GPG_KEY; gpgv accepts the signatures and rejects altered data", async () => {
  const signer = (await gpgSigner({ FERRY_GPG_KEY: plain.secretKey }))!;
  expect(signer.fingerprint).toBe(plain.fingerprint);
  expect(signer.userId).toBe("Ferry Test <test@example.com>");
  expect(signer.description).toBe(`key ${plain.fingerprint.slice(-16)} (Ferry Test <test@example.com>), never expires`);
  expect(signer.publicKey).toContain("-----BEGIN PGP PUBLIC KEY BLOCK-----");
  expect(redact(plain.secretKey)).toBe("***");

  const inRelease = await signer.clearsign(release);
  expect(inRelease).toMatch(
    /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA(256|512)\n\nOrigin: hello\n[^]*Packages\n-----BEGIN PGP SIGNATURE-----\n/,
  );
  expect(await gpgv(plain.keyring, inRelease)).toMatchObject({ ok: true });
  expect(await gpgv(plain.keyring, inRelease.replace("Suite: stable", "Suite: unstable"))).toMatchObject({ ok: false });

  const detached = await signer.detachSign(Buffer.from(release));
  expect(detached).toMatch(/^-----BEGIN PGP SIGNATURE-----/);
  expect(await gpgv(plain.keyring, detached, release)).toMatchObject({ ok: true });
  expect(await gpgv(plain.keyring, detached, release.replace("stable", "unstable"))).toMatchObject({ ok: false });
});

it("decrypts a key protected by FERRY_GPG_PASSPHRASE, and takes the export in base64", async () => {
  const signer = (await gpgSigner({ FERRY_GPG_KEY: protectedKey.secretKey, FERRY_GPG_PASSPHRASE: "correct horse" }))!;
  expect(await gpgv(protectedKey.keyring, await signer.clearsign(release))).toMatchObject({ ok: true });
  expect(signer.description).toMatch(
    new RegExp(`^key ${protectedKey.fingerprint.slice(-16)} \\(Ferry Test <test@example.com>\\), expires 2099-12-\\d\\d$`),
  );
  expect(redact("passphrase correct horse")).toBe("passphrase ***");

  const body = plain.secretKey
    .split("\n")
    .filter((line) => line && !line.startsWith("-----") && !line.startsWith("=") && !line.includes(": "))
    .join("");
  const fromBase64 = (await gpgSigner({ FERRY_GPG_KEY: body }))!;
  expect(fromBase64.fingerprint).toBe(plain.fingerprint);
});

it("no key is no signer; a bad key, a missing or wrong passphrase are clear errors (exit 2)", async () => {
  expect(await gpgSigner({})).toBeUndefined();
  const failure = async (env: NodeJS.ProcessEnv) => {
    const error = await gpgSigner(env).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).exitCode).toBe(2);
    return (error as FerryError).message;
  };
  expect(await failure({ FERRY_GPG_KEY: "not a key at all" })).toContain("FERRY_GPG_KEY is not an OpenPGP private key");
  expect(await failure({ FERRY_GPG_KEY: plain.publicKey })).toContain("FERRY_GPG_KEY is not an OpenPGP private key");
  expect(await failure({ FERRY_GPG_KEY: protectedKey.secretKey })).toContain("FERRY_GPG_PASSPHRASE is not set");
  const wrong = await failure({ FERRY_GPG_KEY: protectedKey.secretKey, FERRY_GPG_PASSPHRASE: "wrong horse" });
  expect(wrong).toContain("does not decrypt with FERRY_GPG_PASSPHRASE");
  expect(wrong).not.toContain("wrong horse");
});
