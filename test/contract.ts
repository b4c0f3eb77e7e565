import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext, runSpokes, type Prepared, type Registry, type TargetResult } from "@ferry/core";
import type { Service } from "@ferry/sandbox";
import { makeRelease, type FixtureOptions, type FixtureRelease } from "./fixtures.ts";

/** Options as written in ferry.yaml, before the adapter's defaults. */
type Input = Record<string, unknown>;

export interface ContractSpec<Options, S extends Service> {
  adapter: Registry<Options, Prepared>;
  /** Starts the registry's sandbox service once for the suite. */
  start(): Promise<S>;
  /** The adapter's options (before defaults) for a release; may prepare the service (create a repo…). */
  options(release: FixtureRelease, service: S): Input | Promise<Input>;
  /** The same options pointed at an endpoint where nothing answers. */
  unreachable(options: Input): Input;
  /** For registries whose endpoint comes only from the environment (e.g. GITHUB_API_URL): variables pointing at nothing. */
  unreachableEnv?: Record<string, string>;
  /** For HTTP registries: the option that holds the endpoint, and its sandbox URL, so a flaky proxy can stand in front. */
  http?: { option: string; url(service: S): string };
  /** What a successful first publish reports. @default "published+verified" */
  publishedStatus?: "published+verified" | "awaiting-review";
  /** Fixture settings, e.g. the server that serves release assets. */
  fixture?(service: S): FixtureOptions;
}

const unique = (label: string) => `ferry-${label}-${randomBytes(3).toString("hex")}`;

/**
 * The contract every registry adapter passes, against its real (or spec-checked) sandbox service:
 * absent → publish → verify → present; a re-run publishes nothing; other content is refused, never
 * overwritten; a dry run writes nothing; a transient 5xx is retried; an exists() failure fails that
 * target and no other.
 */
export function testRegistry<Options, S extends Service>(spec: ContractSpec<Options, S>): void {
  const { adapter } = spec;
  describe(`${adapter.name} adapter contract`, () => {
    let service: S;
    beforeAll(async () => {
      service = await spec.start();
    }, 120_000);
    afterAll(async () => {
      await service?.stop();
    });

    const release = (label: string, extra: FixtureOptions = {}) =>
      makeRelease({ name: unique(label), ...spec.fixture?.(service), ...extra });

    const run = async (
      fixture: FixtureRelease,
      options: Input,
      extra: { dryRun?: boolean; name?: string; env?: Record<string, string> } = {},
    ) => {
      const [result] = await runSpokes({
        spokes: [{ adapter: extra.name ? { ...adapter, name: extra.name } : adapter, options: adapter.options.parse(options), common: {} }],
        project: fixture.project,
        version: fixture.version,
        built: Promise.resolve(fixture.manifest),
        released: Promise.resolve(fixture.manifest.url),
        distDir: fixture.distDir,
        env: { ...process.env, ...service.env, ...extra.env },
        dryRun: extra.dryRun ?? false,
        verifyTimeoutMs: 60_000,
        verifyIntervalMs: 250,
      });
      return result!;
    };

    const presence = async (fixture: FixtureRelease, options: Input) =>
      adapter.exists(
        createContext({
          registry: adapter.name,
          options: adapter.options.parse(options),
          project: fixture.project,
          version: fixture.version,
          manifest: fixture.manifest,
          distDir: fixture.distDir,
          env: { ...process.env, ...service.env },
        }),
      );

    const expectStatus = (result: TargetResult, status: TargetResult["status"]) =>
      expect(result.status, `${result.status}: ${result.detail}`).toBe(status);

    it("publishes what is absent, verifies it, then finds it present; a re-run publishes nothing", async () => {
      const fixture = await release("publish");
      const options = await spec.options(fixture, service);
      expect(await presence(fixture, options)).toEqual({ state: "absent" });
      expectStatus(await run(fixture, options), spec.publishedStatus ?? "published+verified");
      expect(await presence(fixture, options)).toMatchObject({ state: "present", matches: true });
      expectStatus(await run(fixture, options), "already-published");
    }, 300_000);

    it("refuses other content under the same version, and leaves the published one as it was", async () => {
      const fixture = await release("conflict");
      const options = await spec.options(fixture, service);
      expectStatus(await run(fixture, options), spec.publishedStatus ?? "published+verified");
      const other = await makeRelease({ ...spec.fixture?.(service), name: fixture.project.name, marker: " rebuilt" });
      const result = await run(other, await spec.options(other, service));
      expectStatus(result, "failed");
      expect(result.error?.code).toBe("PublishedContentDiffers");
      expect(await presence(fixture, options)).toMatchObject({ state: "present", matches: true });
    }, 300_000);

    it("a dry run renders files and writes nothing to the registry", async () => {
      const fixture = await release("dry-run");
      const options = await spec.options(fixture, service);
      const result = await run(fixture, options, { dryRun: true });
      expectStatus(result, "planned");
      expect(result.files.length).toBeGreaterThan(0);
      expect(await presence(fixture, options)).toEqual({ state: "absent" });
    }, 300_000);

    it("an unreachable registry fails its target and no other", async () => {
      const [broken, healthy] = await Promise.all([release("broken"), release("healthy")]);
      const brokenOptions = spec.unreachable(await spec.options(broken, service));
      const healthyOptions = await spec.options(healthy, service);
      const [brokenResult, healthyResult] = await Promise.all([
        run(broken, brokenOptions, { ...(spec.unreachableEnv ? { env: spec.unreachableEnv } : {}) }),
        run(healthy, healthyOptions, { name: `${adapter.name}-healthy` }),
      ]);
      expectStatus(brokenResult, "failed");
      expect(brokenResult.detail).toMatch(new RegExp(`^\\[${adapter.name}\\] `));
      expectStatus(healthyResult, spec.publishedStatus ?? "published+verified");
    }, 300_000);

    if (spec.http) {
      const { option, url } = spec.http;
      it("retries a transient 5xx and still publishes", async () => {
        const proxy = await flakyProxy(url(service), 2);
        try {
          const fixture = await release("flaky");
          const options = { ...(await spec.options(fixture, service)), [option]: proxy.url };
          expectStatus(await run(fixture, options), spec.publishedStatus ?? "published+verified");
          expect(proxy.failed()).toBe(2);
        } finally {
          await proxy.stop();
        }
      }, 300_000);
    }
  });
}

/** An HTTP proxy on 127.0.0.1 that answers the first `failures` requests with 503, then forwards. */
async function flakyProxy(target: string, failures: number) {
  const upstream = new URL(target);
  let failed = 0;
  const server = createServer((req, res) => {
    if (failed < failures) {
      failed++;
      req.resume();
      res.writeHead(503, { "content-type": "text/plain" }).end("service unavailable");
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    failed: () => failed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
