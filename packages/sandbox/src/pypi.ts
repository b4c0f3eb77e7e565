// A stateful stand-in for PyPI (warehouse), written from its published API docs: the upload API
// (docs/user/api/upload.md), the JSON API (docs/user/api/json.md), the simple index (PEP 503 HTML,
// PEP 691 JSON) and trusted publishing's token exchange. Real twine uploads to it and real pip
// installs from it.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

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
}

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
  /** Instead of PYPI_TOKEN: a GitHub Actions id-token endpoint whose token this index exchanges (trusted publishing). */
  oidcEnv: Record<string, string>;
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

export async function startPyPI(): Promise<PyPISandbox> {
  const token = `pypi-sandbox-${randomBytes(16).toString("hex")}`;
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
    const expected = `Basic ${Buffer.from(`__token__:${token}`).toString("base64")}`;
    if (req.headers.authorization !== expected) {
      throw new BadRequest(
        403,
        "Invalid or non-existent authentication information. See " + url + "/help/#invalid-auth for more information.",
      );
    }
    const form = await new Request("http://sandbox/", {
      method: "POST",
      headers: req.headers as Record<string, string>,
      body: Readable.toWeb(req) as ReadableStream,
      duplex: "half",
    })
      .formData()
      .catch(() => {
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
    };
    release.files.push(file);
    files.set(filename, file);
  }

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
        meta: { "api-version": "1.0" },
        name: normalize(project.name),
        files: all.map((f) => ({ filename: f.filename, url: fileUrl(f), hashes: { sha256: f.sha256 } })),
      };
      res.writeHead(200, { "content-type": "application/vnd.pypi.simple.v1+json" }).end(JSON.stringify(body));
      return;
    }
    const links = all.map((f) => `    <a href="${fileUrl(f)}#sha256=${f.sha256}">${f.filename}</a><br />`).join("\n");
    const html = `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n    <title>Links for ${normalize(project.name)}</title>\n  </head>\n  <body>\n    <h1>Links for ${normalize(project.name)}</h1>\n${links}\n  </body>\n</html>\n`;
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
    oidcEnv: {
      FERRY_PYPI_URL: url,
      FERRY_PYPI_UPLOAD_URL: `${url}/legacy/`,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/_actions/id-token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: idRequestToken,
    },
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
