import { execFileSync } from "node:child_process";
import { redact } from "@ferry/core";
import { describe, expect, it } from "vitest";
import { authorizationHeader } from "./credentials.ts";

/** Macaroons made and bound by pymacaroons (Debian's python3-pymacaroons), the library snapcraft uses. */
function pymacaroons(): { root: string; discharge: string; bound: string } {
  const script = `
import json
from pymacaroons import Macaroon
root = Macaroon(location="dashboard.snapcraft.io", identifier="root-id", key="root-key")
root.add_first_party_caveat("package_access")
root.add_third_party_caveat("login.ubuntu.com", "third-party-key", "caveat-id")
discharge = Macaroon(location="login.ubuntu.com", identifier="caveat-id", key="third-party-key")
discharge.add_first_party_caveat("expires = 2099-01-01")
print(json.dumps({"root": root.serialize(), "discharge": discharge.serialize(), "bound": root.prepare_for_request(discharge).serialize()}))
`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" })) as never;
}

const exported = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");

describe("SNAPCRAFT_STORE_CREDENTIALS", () => {
  it("binds the Ubuntu One discharge to the root exactly as pymacaroons does", () => {
    const { root, discharge, bound } = pymacaroons();
    const header = authorizationHeader(exported({ t: "u1-macaroon", v: { r: root, d: discharge } }), "snap");
    const match = /^Macaroon root=(\S+), discharge=(\S+)$/.exec(header);
    expect(match?.[1]).toBe(root);
    expect(Buffer.from(match![2]!, "base64").equals(Buffer.from(bound, "base64"))).toBe(true);
  });

  it("keeps the header and each macaroon in it out of all output", () => {
    const { root, discharge } = pymacaroons();
    const header = authorizationHeader(exported({ t: "u1-macaroon", v: { r: root, d: discharge } }), "snap");
    expect(redact(`the store answered 401: you sent ${header}`)).toBe("the store answered 401: you sent Macaroon root=***, discharge=***");
    expect(redact(`root ${root} discharge ${discharge}`)).toBe("root *** discharge ***");
  });

  it("sends Candid credentials as a Macaroons header", () => {
    expect(authorizationHeader(exported({ t: "macaroon", v: "candid-macaroon" }), "snap")).toBe("Macaroons candid-macaroon");
  });

  it("refuses anything else with a fix, never echoing the value", () => {
    const attempt = () => authorizationHeader("not-credentials-CANARY", "snap");
    expect(attempt).toThrow(/SNAPCRAFT_STORE_CREDENTIALS cannot be read.*snapcraft export-login/);
    expect(attempt).not.toThrow(/CANARY/);
  });
});
