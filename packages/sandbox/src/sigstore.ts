// Stand-ins for keyless Sigstore signing from CI: an OIDC issuer that hands out tokens as GitHub
// Actions does (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, ?audience=), with its discovery document and
// JWKS; a Fulcio (@sigstore/mock's CA) that accepts only that issuer's tokens and embeds a CT
// log's SCT; and Rekor (@sigstore/mock's log), served over real HTTP. The trusted root (in Sigstore's TrustedRoot JSON) names
// all of them, so sigstore's own verifier can check what was signed here. Signing times come from
// Rekor's signed entry timestamps, as on Sigstore's public-good instance (no timestamp authority).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyPairKeyObjectResult } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The modules themselves: @sigstore/mock's index also loads nock, which would patch this process's http.
import { initializeCA } from "@sigstore/mock/dist/fulcio/ca.js";
import { initializeTLog, rekorHandler } from "@sigstore/mock/dist/rekor/index.js";
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from "@sigstore/protobuf-specs";
import { exportJWK, jwtVerify, SignJWT, createLocalJWKSet, type JWTPayload } from "jose";

/** The claims of the workflow run the issuer vouches for, as GitHub Actions puts them in its tokens. */
export interface WorkflowIdentity {
  /** owner/name */
  repository: string;
  /** e.g. refs/tags/v1.2.3 */
  ref: string;
  sha: string;
  /** The workflow file, e.g. .github/workflows/release.yml */
  workflow: string;
}

export interface SigstoreSandbox {
  /** The OIDC issuer (`iss` of its tokens), also the base of every other service here. */
  issuer: string;
  /** Path of the trusted root JSON that names this CA, Rekor and CT log. */
  trustedRoot: string;
  /** The certificate identity Fulcio gives a workflow: `<server>/<repository>/<workflow>@<ref>`, as for GitHub Actions. */
  identity(workflow?: Partial<WorkflowIdentity>): string;
  /** Sets the workflow run the next tokens describe. */
  setWorkflow(workflow: Partial<WorkflowIdentity>): void;
  /** ACTIONS_ID_TOKEN_REQUEST_*, FERRY_SIGSTORE_FULCIO_URL and _REKOR_URL, and FERRY_SIGSTORE_TRUSTED_ROOT (the trusted root's path). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Fulcio's certificate extensions for a GitHub Actions identity (fulcio/docs/oid-info.md). */
const oid = (n: number) => `1.3.6.1.4.1.57264.1.${n}`;

/**
 * Starts the signing stand-ins. `serverUrl` is the GitHub the identities belong to; `repository`
 * the repository whose release workflow the tokens describe (see setWorkflow).
 */
export async function startSigstore({
  serverUrl = "https://github.com",
  repository = "ferry-sandbox/hello",
}: { serverUrl?: string; repository?: string } = {}): Promise<SigstoreSandbox> {
  const keyPair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ctlog = certificateLog(keyPair());
  const ca = await initializeCA(keyPair(), ctlog);
  const requestToken = randomBytes(24).toString("hex");
  const signing = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: "sandbox", alg: "ES256", use: "sig" };
  const jwks = createLocalJWKSet({ keys: [jwk] });
  let workflow: WorkflowIdentity = { repository, ref: "refs/heads/main", sha: "0".repeat(40), workflow: ".github/workflows/release.yml" };
  const identity = (w: Partial<WorkflowIdentity> = {}) => {
    const { repository, workflow: file, ref } = { ...workflow, ...w };
    return `${serverUrl}/${repository}/${file}@${ref}`;
  };

  let url = "";

  async function token(audience: string): Promise<string> {
    const { repository, ref, sha, workflow: file } = workflow;
    const [owner] = repository.split("/");
    return new SignJWT({
      repository,
      repository_owner: owner,
      ref,
      sha,
      workflow: file,
      workflow_ref: `${repository}/${file}@${ref}`,
      job_workflow_ref: `${repository}/${file}@${ref}`,
      event_name: "push",
      runner_environment: "github-hosted",
    })
      .setProtectedHeader({ alg: "ES256", kid: "sandbox" })
      .setIssuer(url)
      .setAudience(audience)
      .setSubject(`repo:${repository}:ref:${ref}`)
      .setJti(randomBytes(16).toString("hex"))
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(signing.privateKey);
  }

  /** Fulcio's POST /api/v2/signingCert: a verified token and a proof of possession of the key give a certificate. */
  async function signingCert(body: string): Promise<[number, unknown]> {
    const request = JSON.parse(body) as {
      credentials?: { oidcIdentityToken?: string };
      publicKeyRequest?: { publicKey?: { content?: string }; proofOfPossession?: string };
    };
    const pem = request.publicKeyRequest?.publicKey?.content;
    const proof = request.publicKeyRequest?.proofOfPossession;
    if (!pem || !proof) return [400, { message: "publicKeyRequest with publicKey.content and proofOfPossession is required" }];
    let claims: JWTPayload;
    try {
      claims = (await jwtVerify(request.credentials?.oidcIdentityToken ?? "", jwks, { issuer: url, audience: "sigstore" })).payload;
    } catch (error) {
      return [401, { message: `There was an error processing the identity token: ${(error as Error).message}` }];
    }
    const publicKey = createPublicKey(pem);
    if (!verify("sha256", Buffer.from(claims.sub ?? ""), publicKey, Buffer.from(proof, "base64"))) {
      return [400, { message: "The signature supplied in the request could not be verified" }];
    }
    const claim = (name: string) => String(claims[name]);
    const certificate = await ca.issueCertificate({
      publicKey: publicKey.export({ format: "der", type: "spki" }),
      subjectAltName: `${serverUrl}/${claim("job_workflow_ref")}`,
      extensions: [
        { oid: oid(1), value: url, legacy: true },
        { oid: oid(8), value: url },
        { oid: oid(9), value: `${serverUrl}/${claim("job_workflow_ref")}` },
        { oid: oid(11), value: claim("runner_environment") },
        { oid: oid(12), value: `${serverUrl}/${claim("repository")}` },
        { oid: oid(13), value: claim("sha") },
        { oid: oid(14), value: claim("ref") },
        { oid: oid(18), value: `${serverUrl}/${claim("workflow_ref")}` },
        { oid: oid(20), value: claim("event_name") },
      ],
    });
    const certificates = [certificate, ca.rootCertificate].map(
      (der) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64")}\n-----END CERTIFICATE-----\n`,
    );
    return [201, { signedCertificateEmbeddedSct: { chain: { certificates } } }];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", url);
    const send = (status: number, body: unknown, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(Buffer.isBuffer(body) || typeof body === "string" ? body : JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const route = `${req.method} ${path.pathname}`;
    if (route === "GET /.well-known/openid-configuration") {
      return send(200, {
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks`,
        subject_types_supported: ["public", "pairwise"],
        response_types_supported: ["id_token"],
        claims_supported: [
          "sub",
          "aud",
          "exp",
          "iat",
          "iss",
          "jti",
          "nbf",
          "ref",
          "sha",
          "repository",
          "repository_owner",
          "workflow",
          "job_workflow_ref",
        ],
        id_token_signing_alg_values_supported: ["ES256"],
        scopes_supported: ["openid"],
      });
    }
    if (route === "GET /.well-known/jwks") return send(200, { keys: [jwk] });
    if (route === "GET /token") {
      // GitHub Actions' token endpoint: the runner's request token as a bearer, the audience as a parameter.
      // The scheme is case-insensitive (RFC 9110 11.1).
      if (req.headers.authorization?.replace(/^bearer /i, "Bearer ") !== `Bearer ${requestToken}`)
        return send(401, { message: "Bad credentials" });
      return send(200, { count: 1, value: await token(path.searchParams.get("audience") ?? serverUrl) });
    }
    if (route === "POST /api/v2/signingCert") {
      const [status, answer] = await signingCert(body);
      return send(status, answer);
    }
    if (route !== "POST /api/v1/log/entries") return send(404, { message: "Not Found" });
    const { statusCode, response, contentType } = await rekor(canonicalEntry(body));
    send(statusCode, response, contentType ?? "text/plain");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: (error as Error).message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlogKeys = keyPair();
  const tlog = await initializeTLog(url, tlogKeys);
  const rekor = rekorHandler(tlog).fn;

  const dir = await mkdtemp(join(tmpdir(), "ferry-sigstore-"));
  const trustedRoot = join(dir, "trusted_root.json");
  await writeFile(trustedRoot, JSON.stringify(trustRoot(url, { ca: ca.rootCertificate, ctlog, tlog: tlogKeys }), null, 2));
  return {
    issuer: url,
    trustedRoot,
    identity,
    setWorkflow: (w) => void (workflow = { ...workflow, ...w }),
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/token`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      FERRY_SIGSTORE_FULCIO_URL: url,
      FERRY_SIGSTORE_REKOR_URL: url,
      FERRY_SIGSTORE_TRUSTED_ROOT: trustedRoot,
    },
    stop: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The entry Rekor logs for a proposed one: as the real Rekor, a `dsse` entry is logged in its
 * canonical form (the envelope's and payload's sha256 and the signatures with their verifiers),
 * which sigstore's verifier compares with the bundle. (@sigstore/mock's log keeps what was proposed.)
 */
function canonicalEntry(body: string): string {
  const entry = JSON.parse(body) as {
    kind?: string;
    apiVersion?: string;
    spec?: { proposedContent?: { envelope: string; verifiers: string[] } };
  };
  const proposed = entry.spec?.proposedContent;
  if (entry.kind !== "dsse" || !proposed) return body;
  const envelope = JSON.parse(proposed.envelope) as { payload: string; signatures: Array<{ sig: string }> };
  const sha256 = (data: string | Buffer) => ({ algorithm: "sha256", value: createHash("sha256").update(data).digest("hex") });
  return JSON.stringify({
    apiVersion: entry.apiVersion,
    kind: "dsse",
    spec: {
      envelopeHash: sha256(proposed.envelope),
      payloadHash: sha256(Buffer.from(envelope.payload, "base64")),
      signatures: envelope.signatures.map((s, i) => ({ signature: s.sig, verifier: proposed.verifiers[i] ?? proposed.verifiers[0] })),
    },
  });
}

/** The TrustedRoot JSON (sigstore/protobuf-specs) of this sandbox's CA, Rekor and CT log, valid from a minute ago. */
function trustRoot(url: string, keys: { ca: Buffer; ctlog: { publicKey: Buffer; logID: Buffer }; tlog: KeyPairKeyObjectResult }): unknown {
  const validFor = { start: new Date(Date.now() - 60_000) };
  const tlogKey = keys.tlog.publicKey.export({ format: "der", type: "spki" });
  const log = (baseUrl: string, rawBytes: Buffer, keyId: Buffer) => ({
    baseUrl,
    hashAlgorithm: HashAlgorithm.SHA2_256,
    publicKey: { rawBytes, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor },
    logId: { keyId },
    checkpointKeyId: undefined,
    operator: "ferry sandbox",
  });
  const authority = {
    subject: { organization: "ferry sandbox", commonName: "sigstore" },
    uri: url,
    certChain: { certificates: [{ rawBytes: keys.ca }] },
    validFor,
    operator: "ferry sandbox",
  };
  return TrustedRoot.toJSON({
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [log(url, tlogKey, createHash("sha256").update(tlogKey).digest())],
    ctlogs: [log(url, keys.ctlog.publicKey, keys.ctlog.logID)],
    certificateAuthorities: [authority],
    timestampAuthorities: [],
  });
}

/**
 * A CT log that signs precertificates (RFC 6962 3.2): the SCT the CA embeds, prefixed by its
 * length as an SCT list entry. (@sigstore/mock's own log leaves the signature out with pkijs 3.4.3.)
 */
function certificateLog(keys: KeyPairKeyObjectResult) {
  const publicKey = keys.publicKey.export({ format: "der", type: "spki" });
  const logID = createHash("sha256").update(publicKey).digest();
  const uint = (value: number, bytes: number) => Buffer.from(value.toString(16).padStart(bytes * 2, "0"), "hex");
  return {
    publicKey,
    logID,
    log(certificate: ArrayBuffer, issuerID: ArrayBuffer): Promise<ArrayBuffer> {
      const tbs = firstElement(Buffer.from(certificate));
      const timestamp = uint(Date.now(), 8);
      const signed = Buffer.concat([
        uint(0, 1),
        uint(0, 1),
        timestamp,
        uint(1, 2),
        Buffer.from(issuerID),
        uint(tbs.length, 3),
        tbs,
        uint(0, 2),
      ]);
      const signature = sign("sha256", signed, keys.privateKey);
      const sct = Buffer.concat([uint(0, 1), logID, timestamp, uint(0, 2), uint(4, 1), uint(3, 1), uint(signature.length, 2), signature]);
      const entry = Buffer.concat([uint(sct.length, 2), sct]);
      return Promise.resolve(entry.buffer.slice(entry.byteOffset, entry.byteOffset + entry.length));
    },
  };
}

/** The first element of a DER SEQUENCE (a certificate's TBSCertificate), with its tag and length. */
function firstElement(der: Buffer): Buffer {
  const header = (at: number) => {
    const first = der[at + 1]!;
    if (first < 0x80) return { start: at + 2, length: first };
    const size = first & 0x7f;
    return { start: at + 2 + size, length: der.readUIntBE(at + 2, size) };
  };
  const outer = header(0);
  const inner = header(outer.start);
  return der.subarray(outer.start, inner.start + inner.length);
}
