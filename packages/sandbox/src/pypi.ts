// A stateful stand-in for PyPI (warehouse), written from its published API docs: the upload API
// (docs/user/api/upload.md), the JSON API (docs/user/api/json.md), the simple index (PEP 503 HTML,
// PEP 691 JSON) and trusted publishing's token exchange. With the sandbox's Sigstore it also takes
// PEP 740 attestations from trusted publishers (the upload's `attestations` field), verifies them
// as PyPI does, and serves them as provenance objects: the Integrity API
// (docs/user/api/integrity.md) and the simple index's data-provenance / `provenance`. Real twine
// uploads to it and real pip installs from it.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { readForm } from "./form.ts";
import type { SigstoreSandbox } from "./sigstore.ts";

export interface PyPIFile {
  filename: string;
  packagetype: string;
  pythonVersion: string;
  size: number;
  sha256: string;
  md5: string;
  blake2b256: string;
  uploadTime: string;
  bytes: Buffer;
  /** PEP 740's provenance object, when the file was uploaded with attestations. */
  provenance?: Provenance;
}

/** A trusted publisher as the provenance object names it (pypi-attestations' GitHubPublisher). */
interface Publisher {
  kind: "GitHub";
  repository: string;
  workflow: string;
  environment: null;
  claims: { ref: string; sha: string };
}

interface Provenance {
  version: 1;
  attestation_bundles: Array<{ publisher: Publisher; attestations: Attestation[] }>;
}

interface Attestation {
  version: number;
  verification_material: { certificate: string; transparency_entries: unknown[]; timestamps?: string[] };
  envelope: { statement: string; signature: string };
}

const predicateTypes = ["https://docs.pypi.org/attestations/publish/v1", "https://slsa.dev/provenance/v1"];

interface Release {
  /** Core metadata sent with the release's first file. */
  info: Record<string, string | string[]>;
  files: PyPIFile[];
}

interface Project {
  name: string;
  releases: Map<string, Release>;
}

export interface PyPISandbox {
  /** `http://127.0.0.1:<port>`: the index (JSON API at /pypi/, simple index at /simple/). */
  url: string;
  /** The upload API, `<url>/legacy/`. */
  uploadUrl: string;
  /** The only upload token accepted (as password of user `__token__`). */
  token: string;
  /** FERRY_PYPI_URL, FERRY_PYPI_UPLOAD_URL and PYPI_TOKEN pointing ferry at this index. */
  env: Record<string, string>;
  /**
   * Instead of PYPI_TOKEN: a GitHub Actions id-token endpoint whose token this index exchanges
   * (trusted publishing): the sandbox's Sigstore issuer when started with one, which also signs.
   */
  oidcEnv: Record<string, string>;
  /**
   * Makes a GitHub repository's workflow file (e.g. release.yml) a trusted publisher of a project, as
   * its publishing settings do on PyPI (a pending publisher when the project does not exist yet).
   */
  trustPublisher(project: string, publisher: { repository: string; workflow: string }): void;
  /** Every upload attempt, in order: file name and answered status. */
  uploads: Array<{ filename: string; status: number }>;
  /** A stored file, as a client would download it. */
  file(filename: string): PyPIFile | undefined;
  stop(): Promise<void>;
}

/** PEP 503 normalization. */
const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

/** A looser PEP 440 check than warehouse's packaging.version, enough to refuse non-versions. */
const pep440 =
  /^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$/;

class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts the index. With `sigstore`, trusted publishing exchanges that issuer's id-tokens (checked
 * against its JWKS, audience `pypi`) and attestations are verified against its trusted root.
 */
export async function startPyPI({ sigstore }: { sigstore?: SigstoreSandbox } = {}): Promise<PyPISandbox> {
  const token = `pypi-sandbox-${randomBytes(16).toString("hex")}`;
  /** Tokens minted by trusted publishing, and the publisher each stands for. */
  const minted = new Map<string, Publisher>();
  /** Trusted publishers: a GitHub repository's workflow file, and the (normalized) project it may publish. */
  const publishers: Array<{ project: string; repository: string; workflow: string }> = [];
  const jwks = sigstore ? createRemoteJWKSet(new URL(`${sigstore.issuer}/.well-known/jwks`)) : undefined;
  const idRequestToken = `id-request-${randomBytes(12).toString("hex")}`;
  const issuedJwts = new Set<string>();
  const projects = new Map<string, Project>();
  const files = new Map<string, PyPIFile>();
  const uploads: PyPISandbox["uploads"] = [];
  let url = "";

  const fileUrl = (f: PyPIFile) => `${url}/packages/${f.filename}`;

  function fileJson(f: PyPIFile) {
    return {
      comment_text: "",
      digests: { blake2b_256: f.blake2b256, md5: f.md5, sha256: f.sha256 },
      downloads: -1,
      filename: f.filename,
      has_sig: false,
      md5_digest: f.md5,
      packagetype: f.packagetype,
      python_version: f.pythonVersion,
      requires_python: null,
      size: f.size,
      upload_time: f.uploadTime.replace(/\.\d+Z$/, ""),
      upload_time_iso_8601: f.uploadTime,
      url: fileUrl(f),
      yanked: false,
      yanked_reason: null,
    };
  }

  function infoJson(project: Project, version: string, release: Release) {
    const text = (key: string) => (typeof release.info[key] === "string" ? release.info[key] : null);
    const list = (key: string) => [release.info[key] ?? []].flat();
    const projectUrls = Object.fromEntries(list("project_urls").map((entry) => entry.split(/,\s*/, 2) as [string, string]));
    return {
      author: text("author"),
      author_email: text("author_email"),
      classifiers: list("classifiers"),
      description: text("description"),
      description_content_type: text("description_content_type"),
      home_page: text("home_page"),
      license: text("license"),
      name: project.name,
      package_url: `${url}/project/${project.name}/`,
      project_url: `${url}/project/${project.name}/`,
      project_urls: Object.keys(projectUrls).length ? projectUrls : null,
      release_url: `${url}/project/${project.name}/${version}/`,
      requires_dist: list("requires_dist").length ? list("requires_dist") : null,
      requires_python: text("requires_python"),
      summary: text("summary"),
      version,
      yanked: false,
      yanked_reason: null,
    };
  }

  /** Stores one uploaded file; `attempt.filename` is set as soon as the form names it, for the log. */
  async function upload(req: IncomingMessage, attempt: { filename: string }): Promise<void> {
    const basic = (t: string) => `Basic ${Buffer.from(`__token__:${t}`).toString("base64")}`;
    const publisherToken = [...minted.keys()].find((t) => req.headers.authorization === basic(t));
    const publisher = publisherToken === undefined ? undefined : minted.get(publisherToken);
    if (req.headers.authorization !== basic(token) && !publisher) {
      throw new BadRequest(
        403,
        "Invalid or non-existent authentication information. See " + url + "/help/#invalid-auth for more information.",
      );
    }
    const may = (project: string) =>
      publishers.some(
        (p) => p.project === normalize(project) && p.repository === publisher?.repository && p.workflow === publisher.workflow,
      );
    const form = await readForm(req).catch(() => {
      throw new BadRequest(400, "Invalid form data.");
    });
    const field = (key: string) => {
      const value = form.get(key);
      return typeof value === "string" ? value : undefined;
    };
    if (field(":action") !== "file_upload") throw new BadRequest(400, "Invalid value for :action.");
    if (field("protocol_version") !== "1") throw new BadRequest(400, "Unknown protocol version.");
    const name = field("name");
    const version = field("version");
    if (!name || !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name))
      throw new BadRequest(400, `'${name ?? ""}' is an invalid value for Name.`);
    if (!version || !pep440.test(version)) throw new BadRequest(400, `'${version ?? ""}' is an invalid value for Version.`);
    if (publisher && !may(name)) throw new BadRequest(403, `The trusted publisher's token is not valid for project '${name}'.`);
    const filetype = field("filetype");
    if (filetype !== "bdist_wheel" && filetype !== "sdist") throw new BadRequest(400, "Invalid value for filetype.");
    const content = form.get("content");
    if (!content || typeof content === "string") throw new BadRequest(400, "Upload payload does not have a file.");
    const filename = content.name;
    attempt.filename = filename;
    const bytes = Buffer.from(await content.arrayBuffer());

    const prefix = normalize(name).replace(/-/g, "_");
    const filePrefix = filename
      .split("-")[0]
      ?.toLowerCase()
      .replace(/[-_.]+/g, "_");
    if (filePrefix !== prefix || !filename.includes(`-${version}`)) {
      throw new BadRequest(400, `Start filename for '${name}' with '${prefix}-${version}'.`);
    }
    if (filetype === "bdist_wheel" && !/^[^-]+-[^-]+(-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/.test(filename)) {
      throw new BadRequest(400, `Invalid wheel filename (wrong number of parts): ${filename.replace(/\.whl$/, "")}`);
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const supplied = field("sha256_digest");
    if (supplied && supplied !== sha256)
      throw new BadRequest(400, "The digest supplied does not match a digest calculated from the uploaded file.");
    const blake2b256 = createHash("blake2b512").update(bytes).digest("hex").slice(0, 64);

    const attestations = await checkAttestations(field("attestations"), publisher, filename, sha256);

    const existing = files.get(filename);
    if (existing) {
      // Warehouse answers a byte-identical re-upload with 200 and stores nothing new.
      if (existing.sha256 === sha256) return;
      throw new BadRequest(
        400,
        `File already exists ('${filename}', with blake2_256 hash '${blake2b256}'). See ${url}/help/#file-name-reuse for more information.`,
      );
    }

    let project = projects.get(normalize(name));
    if (!project) projects.set(normalize(name), (project = { name, releases: new Map() }));
    let release = project.releases.get(version);
    if (!release) {
      const info: Release["info"] = {};
      for (const [key, value] of form.entries()) {
        if (typeof value !== "string" || key.startsWith(":") || key === "content") continue;
        const previous = info[key];
        info[key] = previous === undefined ? value : [previous, value].flat();
      }
      project.releases.set(version, (release = { info, files: [] }));
    }
    const file: PyPIFile = {
      filename,
      packagetype: filetype,
      pythonVersion: field("pyversion") ?? "source",
      size: bytes.length,
      sha256,
      md5: createHash("md5").update(bytes).digest("hex"),
      blake2b256,
      uploadTime: new Date().toISOString(),
      bytes,
      ...(attestations && publisher ? { provenance: { version: 1, attestation_bundles: [{ publisher, attestations }] } } : {}),
    };
    release.files.push(file);
    files.set(filename, file);
  }

  /**
   * The upload's PEP 740 attestations, verified as warehouse does: only from a trusted publisher;
   * each a version-1 object whose DSSE signature verifies against the trusted root for the
   * publisher's workflow identity, over an in-toto statement naming this one file and its sha256
   * with a supported predicate type.
   */
  async function checkAttestations(
    raw: string | undefined,
    publisher: Publisher | undefined,
    filename: string,
    sha256: string,
  ): Promise<Attestation[] | undefined> {
    if (raw === undefined) return undefined;
    const invalid = (why: string) => new BadRequest(400, `Invalid attestations supplied during upload: ${why}`);
    if (!publisher || !sigstore) throw invalid("Attestations are only supported when using Trusted Publishing");
    let attestations: Attestation[];
    try {
      attestations = JSON.parse(raw) as Attestation[];
    } catch {
      throw invalid("Malformed attestations");
    }
    if (!Array.isArray(attestations) || attestations.length === 0) throw invalid("Malformed attestations");
    const root = TrustedRoot.fromJSON(JSON.parse(await readFile(sigstore.trustedRoot, "utf8")));
    const identity = sigstore.identity({
      repository: publisher.repository,
      workflow: `.github/workflows/${publisher.workflow}`,
      ref: publisher.claims.ref,
    });
    const seen = new Set<string>();
    for (const attestation of attestations) {
      if (attestation?.version !== 1) throw invalid("Unsupported attestation version");
      const bundle = {
        mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
        verificationMaterial: {
          certificate: { rawBytes: attestation.verification_material?.certificate },
          tlogEntries: attestation.verification_material?.transparency_entries,
          timestampVerificationData: {
            rfc3161Timestamps: (attestation.verification_material?.timestamps ?? []).map((t) => ({ signedTimestamp: t })),
          },
        },
        dsseEnvelope: {
          payload: attestation.envelope?.statement,
          payloadType: "application/vnd.in-toto+json",
          signatures: [{ sig: attestation.envelope?.signature, keyid: "" }],
        },
      };
      try {
        new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 }).verify(toSignedEntity(bundleFromJSON(bundle)), {
          subjectAlternativeName: identity,
          extensions: { issuer: sigstore.issuer },
        });
      } catch (error) {
        throw invalid(`Could not verify the uploaded artifact using the included attestation: ${(error as Error).message}`);
      }
      const statement = JSON.parse(Buffer.from(attestation.envelope.statement, "base64").toString("utf8")) as {
        _type?: string;
        subject?: Array<{ name?: string; digest?: Record<string, string> }>;
        predicateType?: string;
        predicate?: unknown;
      };
      const [subject, ...more] = statement.subject ?? [];
      if (statement._type !== "https://in-toto.io/Statement/v1") throw invalid("Statement is not an in-toto v1 Statement");
      if (!subject || more.length) throw invalid("Statement must have exactly one subject");
      if (subject.name !== filename || subject.digest?.sha256 !== sha256)
        throw invalid(`Subject does not match distribution name or digest: ${subject.name ?? ""}`);
      if (!predicateTypes.includes(statement.predicateType ?? "")) throw invalid(`Unsupported predicate type: ${statement.predicateType}`);
      const predicate = statement.predicate;
      if (statement.predicateType === predicateTypes[0] && predicate != null && Object.keys(predicate).length)
        throw invalid("A publish attestation's predicate must be empty");
      if (seen.has(statement.predicateType!))
        throw invalid(`Multiple attestations for the same predicate type: ${statement.predicateType}`);
      seen.add(statement.predicateType!);
    }
    return attestations;
  }

  /** `GET /integrity/<project>/<version>/<filename>/provenance`. */
  function integrity(res: ServerResponse, requested: string, version: string, filename: string) {
    const project = projects.get(normalize(requested));
    const file = project?.releases.get(version)?.files.find((f) => f.filename === filename);
    if (!file) return notFound(res);
    if (!file.provenance) return sendJson(res, 404, { message: `No provenance available for ${filename}` });
    res.writeHead(200, { "content-type": "application/vnd.pypi.integrity.v1+json" }).end(JSON.stringify(file.provenance));
  }

  const provenanceUrl = (project: Project, f: PyPIFile) =>
    f.provenance ? `${url}/integrity/${normalize(project.name)}/${versionOf(project, f)}/${f.filename}/provenance` : null;
  const versionOf = (project: Project, f: PyPIFile) => [...project.releases].find(([, r]) => r.files.includes(f))![0];

  function projectFor(res: ServerResponse, requested: string, rewrite: (canonical: string) => string): Project | undefined {
    const project = projects.get(normalize(requested));
    if (project && requested !== normalize(requested)) {
      res.writeHead(301, { location: rewrite(normalize(requested)) }).end();
      return undefined;
    }
    if (!project) notFound(res);
    return project;
  }

  function simpleIndex(req: IncomingMessage, res: ServerResponse, requested: string) {
    const project = projectFor(res, requested, (n) => `${url}/simple/${n}/`);
    if (!project) return;
    const all = [...project.releases.values()].flatMap((r) => r.files);
    if ((req.headers.accept ?? "").includes("application/vnd.pypi.simple.v1+json")) {
      const body = {
        // 1.3: PEP 740's `provenance` (1.1's PEP 700 adds versions, size and upload-time).
        meta: { "api-version": "1.3" },
        name: normalize(project.name),
        versions: [...project.releases.keys()],
        files: all.map((f) => ({
          filename: f.filename,
          url: fileUrl(f),
          hashes: { sha256: f.sha256 },
          size: f.size,
          "upload-time": f.uploadTime,
          provenance: provenanceUrl(project, f),
        })),
      };
      res.writeHead(200, { "content-type": "application/vnd.pypi.simple.v1+json" }).end(JSON.stringify(body));
      return;
    }
    const links = all
      .map((f) => {
        const provenance = provenanceUrl(project, f);
        return `    <a href="${fileUrl(f)}#sha256=${f.sha256}"${provenance ? ` data-provenance="${provenance}"` : ""}>${f.filename}</a><br />`;
      })
      .join("\n");
    const html = `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.3">\n    <title>Links for ${normalize(project.name)}</title>\n  </head>\n  <body>\n    <h1>Links for ${normalize(project.name)}</h1>\n${links}\n  </body>\n</html>\n`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  }

  /** The project and release pages that the JSON API's package_url, project_url and release_url name. */
  function projectPage(res: ServerResponse, requested: string, version?: string) {
    const project = projectFor(res, requested, (n) => `${url}/project/${n}/${version ? `${version}/` : ""}`);
    if (!project) return;
    const shown = version ?? [...project.releases.keys()].at(-1);
    const release = shown === undefined ? undefined : project.releases.get(shown);
    if (!release) return notFound(res);
    const links = release.files.map((f) => `    <a href="${fileUrl(f)}">${f.filename}</a> sha256 ${f.sha256}<br />`).join("\n");
    const html = `<!DOCTYPE html>\n<html>\n  <head>\n    <title>${project.name} ${shown}</title>\n  </head>\n  <body>\n    <h1>${project.name} ${shown}</h1>\n${links}\n  </body>\n</html>\n`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  }

  function releaseJson(res: ServerResponse, requested: string, version?: string) {
    const project = projectFor(res, requested, (n) => `${url}/pypi/${n}/${version ? `${version}/` : ""}json`);
    if (!project) return;
    const versions = [...project.releases.keys()];
    const shown = version ?? versions.at(-1);
    const release = shown === undefined ? undefined : project.releases.get(shown);
    if (!release || shown === undefined) return notFound(res);
    const body = {
      info: infoJson(project, shown, release),
      last_serial: files.size,
      ...(version ? {} : { releases: Object.fromEntries([...project.releases].map(([v, r]) => [v, r.files.map(fileJson)])) }),
      urls: release.files.map(fileJson),
      vulnerabilities: [],
    };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  async function oidc(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) {
    if (path === "/_/oidc/audience") return sendJson(res, 200, { audience: "pypi" });
    if (path === "/_actions/id-token") {
      if (req.headers.authorization?.toLowerCase() !== `bearer ${idRequestToken}`)
        return sendJson(res, 401, { message: "Bad credentials" });
      if (query.get("audience") !== "pypi") return sendJson(res, 400, { message: "Unexpected audience" });
      const jwt = `sandbox-jwt.${randomBytes(16).toString("hex")}.sig`;
      issuedJwts.add(jwt);
      return sendJson(res, 200, { count: 1, value: jwt });
    }
    if (path === "/_/oidc/mint-token" && req.method === "POST") {
      const { token: jwt } = JSON.parse((await readBody(req)).toString() || "{}") as { token?: string };
      if (jwks && sigstore) {
        // As PyPI: the id-token's signature, issuer and audience, then the publisher it names.
        try {
          const { payload } = await jwtVerify(jwt ?? "", jwks, { issuer: sigstore.issuer, audience: "pypi" });
          const claim = (name: string) => (typeof payload[name] === "string" ? payload[name] : "");
          const issued = `pypi-sandbox-tp-${randomBytes(16).toString("hex")}`;
          const workflow = claim("job_workflow_ref")
            .replace(/^[^/]+\/[^/]+\/\.github\/workflows\//, "")
            .replace(/@.*$/, "");
          if (!publishers.some((p) => p.repository === claim("repository") && p.workflow === workflow)) {
            return sendJson(res, 422, {
              message: "Token request failed",
              errors: [{ code: "invalid-publisher", description: "valid token, but no corresponding publisher" }],
            });
          }
          minted.set(issued, {
            kind: "GitHub",
            repository: claim("repository"),
            workflow,
            environment: null,
            claims: { ref: claim("ref"), sha: claim("sha") },
          });
          return sendJson(res, 200, { success: true, token: issued, expires: Math.floor(Date.now() / 1000) + 900 });
        } catch (error) {
          return sendJson(res, 422, {
            message: "Token request failed",
            errors: [{ code: "invalid-token", description: `malformed or invalid token: ${(error as Error).message}` }],
          });
        }
      }
      if (!jwt || !issuedJwts.has(jwt)) {
        return sendJson(res, 422, {
          message: "Token request failed",
          errors: [{ code: "invalid-publisher", description: "valid token, but no corresponding publisher" }],
        });
      }
      issuedJwts.delete(jwt);
      return sendJson(res, 200, { success: true, token, expires: Math.floor(Date.now() / 1000) + 900 });
    }
    notFound(res);
  }

  const server = createServer((req, res) => {
    const parsed = new URL(req.url ?? "/", "http://sandbox");
    const path = parsed.pathname;
    const handle = async () => {
      if (path === "/legacy/" && req.method === "POST") {
        const attempt = { filename: "" };
        try {
          await upload(req, attempt);
          uploads.push({ filename: attempt.filename, status: 200 });
          res.writeHead(200, { "content-type": "text/plain" }).end("OK");
        } catch (error) {
          if (!(error instanceof BadRequest)) throw error;
          uploads.push({ filename: attempt.filename, status: error.status });
          // Warehouse puts the message in the status line (twine shows it) and in the body.
          res
            .writeHead(error.status, error.message.replace(/[^\x20-\x7e]/g, ""), { "content-type": "text/plain" })
            .end(`${error.status} ${error.message}\n`);
        }
        return;
      }
      if (req.method !== "GET" && !path.startsWith("/_/")) return notFound(res);
      if (path.startsWith("/_")) return oidc(req, res, path, parsed.searchParams);
      let m: RegExpMatchArray | null;
      if (path === "/simple/") {
        const links = [...projects.values()].map((p) => `    <a href="${url}/simple/${normalize(p.name)}/">${normalize(p.name)}</a><br />`);
        return void res
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(`<!DOCTYPE html>\n<html>\n  <body>\n${links.join("\n")}\n  </body>\n</html>\n`);
      }
      if ((m = path.match(/^\/simple\/([^/]+)\/?$/))) return simpleIndex(req, res, decodeURIComponent(m[1]!));
      if ((m = path.match(/^\/integrity\/([^/]+)\/([^/]+)\/([^/]+)\/provenance$/)))
        return integrity(res, decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!));
      if ((m = path.match(/^\/pypi\/([^/]+)\/json$/))) return releaseJson(res, decodeURIComponent(m[1]!));
      if ((m = path.match(/^\/pypi\/([^/]+)\/([^/]+)\/json$/)))
        return releaseJson(res, decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
      if ((m = path.match(/^\/project\/([^/]+)\/(?:([^/]+)\/)?$/)))
        return projectPage(res, decodeURIComponent(m[1]!), m[2] === undefined ? undefined : decodeURIComponent(m[2]));
      if (path === "/help/") {
        return void res
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(
            `<!DOCTYPE html>\n<html>\n  <body>\n    <h2 id="invalid-auth">Invalid authentication</h2>\n    <h2 id="file-name-reuse">File name reuse</h2>\n  </body>\n</html>\n`,
          );
      }
      if ((m = path.match(/^\/packages\/([^/]+)$/))) {
        const file = files.get(decodeURIComponent(m[1]!));
        if (!file) return notFound(res);
        return void res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.size }).end(file.bytes);
      }
      notFound(res);
    };
    handle().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`500 ${String(error)}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    uploadUrl: `${url}/legacy/`,
    token,
    env: { FERRY_PYPI_URL: url, FERRY_PYPI_UPLOAD_URL: `${url}/legacy/`, PYPI_TOKEN: token },
    oidcEnv: sigstore
      ? { FERRY_PYPI_URL: url, FERRY_PYPI_UPLOAD_URL: `${url}/legacy/`, ...sigstore.env }
      : {
          FERRY_PYPI_URL: url,
          FERRY_PYPI_UPLOAD_URL: `${url}/legacy/`,
          ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/_actions/id-token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: idRequestToken,
        },
    trustPublisher: (project, { repository, workflow }) => void publishers.push({ project: normalize(project), repository, workflow }),
    uploads,
    file: (filename) => files.get(filename),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function notFound(res: ServerResponse) {
  sendJson(res, 404, { message: "Not Found" });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
