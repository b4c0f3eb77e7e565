import { describe, expect, it } from "vitest";
import { basicAuthorization, redact, secret } from "./secrets.ts";

describe("redaction", () => {
  it("removes a secret raw, base64, URL-encoded, JSON-escaped and inside the Basic credentials built from it", () => {
    const token = secret("PYPI_TOKEN", { PYPI_TOKEN: 'pypi-CANARY/+=&"x' })!;
    const header = basicAuthorization("__token__", token);
    const echoed = [
      token,
      Buffer.from(token).toString("base64"),
      encodeURIComponent(token),
      JSON.stringify({ token }),
      header,
      JSON.stringify({ authorization: header }),
      `https://__token__:${token}@upload.example`,
    ].join("\n");
    const out = redact(echoed);
    expect(out).not.toContain("CANARY");
    expect(out).not.toContain(header.slice("Basic ".length));
    expect(out).not.toContain(Buffer.from(token).toString("base64"));
  });
});
