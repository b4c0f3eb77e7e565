// What npmjs.org does with provenance and Verdaccio does not: a proxy in front of Verdaccio takes
// the `<name>-<version>.sigstore` attachment `npm publish --provenance` sends (libnpmpublish),
// checks that it is a Sigstore bundle of an in-toto statement naming `pkg:npm/<name>@<version>`
// and the tarball's sha512 (and, given a trusted root, that its signature verifies), keeps it,
// adds `dist.attestations` ({ url, provenance: { predicateType } }) to that version wherever
// Verdaccio serves it, and answers npm's attestations API, `GET /-/npm/v1/attestations/<name>@<version>`
// ({ attestations: [{ predicateType, bundle }] }). Every other request goes to Verdaccio as it is.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";

const provenancePredicates = ["https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v0.2"];

interface Attestation {
  predicateType: string;
  bundle: unknown;
}

interface Attachment {
  content_type?: string;
  data?: string;
  length?: number;
}

interface PublishDocument {
  name?: string;
  versions?: Record<string, { dist?: Record<string, unknown> }>;
  _attachments?: Record<string, Attachment>;
}

/** npm-package-arg's toPurl: the leading `@` of a scope URI-encoded. */
const purl = (name: string, version: string) => `pkg:npm/${name.replace(/^@/, "%40")}@${version}`;

class Unprocessable extends Error {}

/**
 * Starts the proxy for the Verdaccio on `upstreamPort` (127.0.0.1), itself on 127.0.0.1 port 0.
 * `trustedRoot` is the path of the sandbox Sigstore's trusted root, when bundles are to be verified.
 */
export async function startProvenanceProxy(upstreamPort: number, { trustedRoot }: { trustedRoot?: string } = {}): Promise<Server> {
  const root = trustedRoot ? TrustedRoot.fromJSON(JSON.parse(await readFile(trustedRoot, "utf8"))) : undefined;
  /** Provenance by `<name>@<version>`. */
  const stored = new Map<string, Attestation>();
  let base = "";

  const forward = (req: IncomingMessage, body: Buffer, headers: IncomingHttpHeaders) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = request(
        {
          host: "127.0.0.1",
          port: upstreamPort,
          method: req.method,
          path: req.url,
          headers: { ...headers, "content-length": String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });

  /** The provenance attachment of a publish, checked, or undefined when it has none. */
  function provenanceOf(document: PublishDocument): { key: string; attestation: Attestation } | undefined {
    const attachments = document._attachments ?? {};
    const names = Object.keys(attachments).filter((n) => n.endsWith(".sigstore"));
    if (names.length === 0) return undefined;
    const [version, ...others] = Object.keys(document.versions ?? {});
    const name = document.name ?? "";
    if (!version || others.length || names.length > 1 || names[0] !== `${name}-${version}.sigstore`)
      throw new Unprocessable(`the provenance attachment must be the one bundle ${name}-${version}.sigstore`);
    const tarball = Object.entries(attachments).find(([n]) => n.endsWith(".tgz"))?.[1];
    const sha512 = createHash("sha512")
      .update(Buffer.from(tarball?.data ?? "", "base64"))
      .digest("hex");
    let json: unknown;
    let statement: { subject?: Array<{ name?: string; digest?: { sha512?: string } }>; predicateType?: string };
    try {
      json = JSON.parse(attachments[names[0]]!.data ?? "");
      const bundle = bundleFromJSON(json);
      if (bundle.content.$case !== "dsseEnvelope" || bundle.content.dsseEnvelope.payloadType !== "application/vnd.in-toto+json")
        throw new Error("the bundle holds no in-toto DSSE envelope");
      statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString("utf8")) as typeof statement;
      if (root) new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(bundle));
    } catch (error) {
      throw new Unprocessable((error as Error).message);
    }
    const [subject, ...more] = statement.subject ?? [];
    if (!subject || more.length) throw new Unprocessable("the statement must have exactly one subject");
    if (subject.name !== purl(name, version))
      throw new Unprocessable(`the statement names ${subject.name ?? "nothing"}, not ${purl(name, version)}`);
    if (subject.digest?.sha512 !== sha512) throw new Unprocessable("the statement's sha512 is not the tarball's");
    if (!provenancePredicates.includes(statement.predicateType ?? ""))
      throw new Unprocessable(`unsupported predicate type ${statement.predicateType}`);
    return { key: `${name}@${version}`, attestation: { predicateType: statement.predicateType!, bundle: json } };
  }

  /** A version document as served, with dist.attestations when its provenance is kept. */
  function withAttestations(version: { name?: string; version?: string; dist?: Record<string, unknown> }): void {
    const key = `${version.name}@${version.version}`;
    const attestation = stored.get(key);
    if (!attestation || !version.dist) return;
    version.dist.attestations = {
      url: `${base}-/npm/v1/attestations/${key.replace("/", "%2f")}`,
      provenance: { predicateType: attestation.predicateType },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    const path = new URL(req.url ?? "/", base).pathname;
    const api = "/-/npm/v1/attestations/";
    if (req.method === "GET" && path.startsWith(api)) {
      const attestation = stored.get(decodeURIComponent(path.slice(api.length)));
      return attestation ? send(200, { attestations: [attestation] }) : send(404, { error: "not found" });
    }
    const headers = { ...req.headers };
    const packagePath = !path.startsWith("/-/");
    let kept: ReturnType<typeof provenanceOf>;
    if (req.method === "PUT" && packagePath && body.length) {
      let document: PublishDocument | undefined;
      try {
        document = JSON.parse(body.toString("utf8")) as PublishDocument;
      } catch {
        // Not a publish document: Verdaccio answers it.
      }
      try {
        kept = document ? provenanceOf(document) : undefined;
      } catch (error) {
        return send(422, { error: `Error verifying sigstore provenance bundle: ${(error as Error).message}` });
      }
      if (kept && document) {
        document._attachments = Object.fromEntries(Object.entries(document._attachments ?? {}).filter(([n]) => !n.endsWith(".sigstore")));
        body = Buffer.from(JSON.stringify(document));
      }
    }
    // The version documents are rewritten, so they are asked for uncompressed.
    if (req.method === "GET" && packagePath) delete headers["accept-encoding"];
    const answer = await forward(req, body, headers);
    if (kept && answer.status >= 200 && answer.status < 300) stored.set(kept.key, kept.attestation);
    let out = answer.body;
    if (req.method === "GET" && packagePath && answer.status === 200 && answer.headers["content-type"]?.includes("json")) {
      const document = JSON.parse(out.toString("utf8")) as {
        name?: string;
        version?: string;
        dist?: Record<string, unknown>;
        versions?: Record<string, { name?: string; version?: string; dist?: Record<string, unknown> }>;
      };
      if (document.versions) Object.values(document.versions).forEach(withAttestations);
      else withAttestations(document);
      out = Buffer.from(JSON.stringify(document));
    }
    const { "transfer-encoding": _chunked, connection: _connection, ...rest } = answer.headers;
    res.writeHead(answer.status, { ...rest, "content-length": String(out.length) });
    res.end(out);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: (error as Error).message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  return server;
}
