import { expect, it } from "vitest";
import { startVerdaccio } from "./verdaccio.ts";

it("serves only what was published to it, to the user it registered", async () => {
  const verdaccio = await startVerdaccio();
  try {
    expect(verdaccio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const whoami = (token: string) =>
      fetch(new URL("-/whoami", verdaccio.url), { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
    expect(await whoami(verdaccio.token)).toEqual({ username: "ferry" });
    // A token it did not issue is anonymous, so it cannot publish.
    expect(await whoami("npm_CANARY_1234567890")).toEqual({});
    // No uplink: a package every npm registry has is unknown here.
    expect((await fetch(new URL("react", verdaccio.url))).status).toBe(404);
  } finally {
    await verdaccio.stop();
  }
  await expect(fetch(verdaccio.url)).rejects.toThrow();
});
