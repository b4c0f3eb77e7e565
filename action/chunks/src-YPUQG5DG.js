import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  addSecret,
  basicAuthorization,
  contextSigner,
  defineRegistry,
  external_exports,
  fail,
  hashFile,
  httpUrl,
  idToken,
  idTokenAvailable,
  pass,
  pep440Version,
  readEntries,
  readJson,
  require_undici,
  require_yazl,
  secretCheck,
  signStatement,
  targetName,
  targetNames,
  trustedRoot,
  verifyBundle
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import {
  __toESM
} from "./chunk-BHGG6FRM.js";

// registries/pypi/src/index.ts
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join as join2, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

// registries/pypi/src/api.ts
var import_undici = __toESM(require_undici(), 1);

// registries/pypi/src/dist.ts
import { openAsBlob } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
var registry = "pypi";
var wheelDistribution = (wheel, metadata2) => ({
  filename: wheel.filename,
  sha256: wheel.sha256,
  filetype: "bdist_wheel",
  pyversion: "py3",
  metadata: metadata2,
  content: () => Promise.resolve(new Blob([wheel.bytes]))
});
var wheelParts = (filename) => filename.slice(0, -".whl".length).split("-");
async function readDistributions(dir, shownAs) {
  const names = await readdir(dir).catch(() => {
    throw new FerryError("InputMissing", {
      registry,
      what: `The directory ${shownAs} (option \`dist\`) does not exist.`,
      fix: "Build the Python distributions first (e.g. `python -m build --outdir dist`), or point `dist` at where they are."
    });
  });
  const files2 = names.filter((name2) => name2.endsWith(".whl") || name2.endsWith(".tar.gz")).sort();
  if (files2.length === 0) {
    throw new FerryError("InputMissing", {
      registry,
      what: `${shownAs} (option \`dist\`) has no wheel (*.whl) or sdist (*.tar.gz).`,
      fix: "Build the Python distributions into it first (e.g. `python -m build --outdir dist`)."
    });
  }
  return Promise.all(files2.map((filename) => readDistribution(join(dir, filename), filename, shownAs)));
}
async function readDistribution(path, filename, shownAs) {
  const wheel = filename.endsWith(".whl");
  if (wheel && ![5, 6].includes(wheelParts(filename).length)) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `${shownAs}/${filename} is not a valid wheel file name.`,
      why: "A wheel is named <name>-<version>[-<build>]-<python>-<abi>-<platform>.whl (PEP 427).",
      fix: "Upload the file as the build backend named it."
    });
  }
  const entries = wheel ? await readEntries(path, "zip", (name2) => /^[^/]+\.dist-info\/METADATA$/.test(name2)) : await readEntries(path, "tar.gz", (name2) => /^[^/]+\/PKG-INFO$/.test(name2));
  if (entries.size !== 1) {
    throw new FerryError("ArtifactCorrupt", {
      registry,
      what: `${shownAs}/${filename} has ${entries.size === 0 ? "no" : "more than one"} ${wheel ? "*.dist-info/METADATA" : "<name>-<version>/PKG-INFO"}.`,
      fix: "Rebuild it with the project's build backend (e.g. `python -m build`)."
    });
  }
  return {
    filename,
    sha256: await hashFile(path),
    filetype: wheel ? "bdist_wheel" : "sdist",
    pyversion: wheel ? wheelParts(filename).at(-3) : "source",
    metadata: [...entries.values()][0].toString("utf8"),
    content: () => openAsBlob(path)
  };
}
function parseMetadata(text) {
  const normalized = text.replace(/\r\n/g, "\n");
  const split = normalized.indexOf("\n\n");
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? "" : normalized.slice(split + 2);
  const fields = [];
  for (const line of head.split("\n")) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) last[1] += `
${line.replace(/^[ \t]+\|?/, "")}`;
    else if (line.includes(":")) fields.push([line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]);
  }
  if (body.trim()) fields.push(["Description", body]);
  return fields;
}
var plural = {
  classifier: "classifiers",
  project_url: "project_urls",
  provides_extra: "provides_extras",
  license_file: "license_files"
};
function metadataFields(metadata2) {
  return parseMetadata(metadata2).map(([key, value]) => {
    const field = key.toLowerCase().replace(/-/g, "_");
    return [plural[field] ?? field, value];
  });
}
var metadataField = (metadata2, key) => parseMetadata(metadata2).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];

// registries/pypi/src/wheel.ts
import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
var import_yazl = __toESM(require_yazl(), 1);
var platformOf = (artifact) => targetName(artifact).replace("/", "_");
var defaultPlatformTags = {
  linux_386: "manylinux_2_17_i686.manylinux2014_i686",
  linux_amd64: "manylinux_2_17_x86_64.manylinux2014_x86_64",
  linux_arm64: "manylinux_2_17_aarch64.manylinux2014_aarch64",
  linux_armv7: "manylinux_2_17_armv7l.manylinux2014_armv7l",
  linux_ppc64le: "manylinux_2_17_ppc64le.manylinux2014_ppc64le",
  linux_riscv64: "manylinux_2_31_riscv64",
  linux_s390x: "manylinux_2_17_s390x.manylinux2014_s390x",
  "linux_386-musl": "musllinux_1_2_i686",
  "linux_amd64-musl": "musllinux_1_2_x86_64",
  "linux_arm64-musl": "musllinux_1_2_aarch64",
  "linux_armv7-musl": "musllinux_1_2_armv7l",
  "linux_ppc64le-musl": "musllinux_1_2_ppc64le",
  "linux_riscv64-musl": "musllinux_1_2_riscv64",
  "linux_s390x-musl": "musllinux_1_2_s390x",
  darwin_amd64: "macosx_10_12_x86_64",
  darwin_arm64: "macosx_11_0_arm64",
  darwin_universal: "macosx_10_12_universal2",
  windows_386: "win32",
  windows_amd64: "win_amd64",
  windows_arm64: "win_arm64"
};
var normalizeName = (name2) => name2.toLowerCase().replace(/[-_.]+/g, "-");
var escapeName = (name2) => name2.toLowerCase().replace(/[-_.]+/g, "_");
var epoch = /* @__PURE__ */ new Date("2000-01-01T00:00:00Z");
var wheelFilename = (metadata2, platformTag) => `${escapeName(metadata2.name)}-${metadata2.version}-py3-none-${platformTag}.whl`;
function renderMetadata(m) {
  const fields = [
    ["Metadata-Version", "2.1"],
    ["Name", m.name],
    ["Version", m.version],
    ["Summary", m.summary],
    ["Home-page", m.homepage],
    [m.author.includes("@") ? "Author-email" : "Author", m.author],
    ["License", m.license],
    ...Object.entries(m.projectUrls).map(([label, url]) => ["Project-URL", `${label}, ${url}`]),
    ["Description-Content-Type", "text/plain"]
  ];
  const header = fields.filter(([, value]) => value !== "").map(([key, value]) => `${key}: ${value.replace(/\s*\n\s*/g, " ")}`);
  return `${header.join("\n")}

${m.description}
`;
}
function renderWheelFile(platformTag) {
  const tags = platformTag.split(".").map((platform) => `Tag: py3-none-${platform}`);
  return ["Wheel-Version: 1.0", "Generator: ferry", "Root-Is-Purelib: false", ...tags].join("\n") + "\n";
}
var recordHash = (bytes) => `sha256=${createHash("sha256").update(bytes).digest("base64url")}`;
function renderRecord(files2, recordPath) {
  const lines = files2.map(({ path, bytes }) => `${path},${recordHash(bytes)},${bytes.length}`);
  return [...lines, `${recordPath},,`].join("\n") + "\n";
}
async function buildWheel(input) {
  const { metadata: metadata2, platformTag } = input;
  const base = `${escapeName(metadata2.name)}-${metadata2.version}`;
  const distInfo = `${base}.dist-info`;
  const files2 = [
    { path: `${base}.data/scripts/${input.binaryName}`, bytes: input.binary, mode: 33261 },
    { path: `${distInfo}/METADATA`, bytes: Buffer.from(renderMetadata(metadata2)), mode: 33188 },
    { path: `${distInfo}/WHEEL`, bytes: Buffer.from(renderWheelFile(platformTag)), mode: 33188 }
  ];
  const recordPath = `${distInfo}/RECORD`;
  files2.push({ path: recordPath, bytes: Buffer.from(renderRecord(files2, recordPath)), mode: 33188 });
  const zip = new import_yazl.default.ZipFile();
  for (const file of files2) zip.addBuffer(file.bytes, file.path, { mtime: epoch, mode: file.mode, compress: true });
  zip.end();
  const bytes = await buffer(zip.outputStream);
  return {
    filename: wheelFilename(metadata2, platformTag),
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex")
  };
}

// registries/pypi/src/api.ts
var registry2 = "pypi";
async function readIndexJson(ctx, url, accept, fix) {
  const response = await ctx.http(url, { headers: { accept } });
  if (response.status === 404) {
    await response.body?.cancel();
    return void 0;
  }
  if (!response.ok) {
    throw new FerryError("RegistryRefused", {
      registry: registry2,
      what: `${url.host} answered ${response.status} to GET ${url.pathname}.`,
      why: (await response.text()).slice(0, 200),
      fix
    });
  }
  return readJson(response, registry2);
}
async function readRelease(ctx, index, name2, version) {
  const url = new URL(`pypi/${normalizeName(name2)}/${version}/json`, withSlash(index));
  const body = await readIndexJson(
    ctx,
    url,
    "application/json",
    "Check the index URL (option `index` or FERRY_PYPI_URL), then re-run."
  );
  if (!body) return void 0;
  if (!Array.isArray(body.urls)) {
    throw new FerryError("RegistryRefused", {
      registry: registry2,
      what: `${url.host} answered GET ${url.pathname} without the \`urls\` list of PyPI's JSON API.`,
      fix: "Point the option `index` (or FERRY_PYPI_URL) at a PyPI-compatible index."
    });
  }
  return new Map(body.urls.map((file) => [file.filename, file.digests?.sha256 ?? ""]));
}
var withSlash = (url) => url.endsWith("/") ? url : `${url}/`;
async function uploadDistribution(ctx, endpoints2, token, dist, attestations = []) {
  const form = new import_undici.FormData();
  const fields = [
    [":action", "file_upload"],
    ["protocol_version", "1"],
    ["filetype", dist.filetype],
    ["pyversion", dist.pyversion],
    ["sha256_digest", dist.sha256],
    ...metadataFields(dist.metadata)
  ];
  for (const [key, value] of fields) if (value !== "") form.append(key, value);
  if (attestations.length) form.append("attestations", JSON.stringify(attestations));
  form.append("content", await dist.content(), dist.filename);
  const response = await ctx.http(endpoints2.repository, {
    method: "POST",
    body: form,
    headers: { authorization: basicAuthorization("__token__", token) }
  });
  const text = await response.text();
  if (response.ok) return "uploaded";
  if ((response.status === 400 || response.status === 409) && /file already exists/i.test(text)) return "exists";
  const denied = response.status === 401 || response.status === 403;
  throw new FerryError("RegistryRefused", {
    registry: registry2,
    what: `${new URL(endpoints2.repository).host} refused ${dist.filename} (${response.status}).`,
    why: text.trim().slice(0, 500),
    fix: denied ? "Check that PYPI_TOKEN is an API token with upload rights for this project (or that trusted publishing is configured for this workflow)." : "Fix what the index reports, then re-run; files already uploaded are kept."
  });
}
async function uploadToken(ctx, index) {
  const token = ctx.secret("PYPI_TOKEN");
  if (token) return { token, trusted: false };
  if (!idTokenAvailable(ctx)) {
    throw new FerryError("SecretMissing", {
      registry: registry2,
      what: "No PyPI credentials: PYPI_TOKEN is not set and no GitHub Actions id-token is available.",
      fix: "Set PYPI_TOKEN to an API token from https://pypi.org/manage/account/token/, or configure a trusted publisher on PyPI and grant the job `id-token: write`."
    });
  }
  const base = withSlash(index);
  const { audience } = await postOrGet(ctx, new URL("_/oidc/audience", base));
  const jwt = await idToken(ctx, audience ?? "pypi", { registry: registry2, http: ctx.http });
  const minted = await postOrGet(ctx, new URL("_/oidc/mint-token", base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: jwt })
  });
  if (!minted.token) {
    throw new FerryError("RegistryRefused", {
      registry: registry2,
      what: "PyPI did not mint an upload token for this workflow's id-token.",
      fix: "Register this repository and workflow as a trusted publisher of the project on PyPI, or set PYPI_TOKEN."
    });
  }
  addSecret(minted.token);
  return { token: minted.token, trusted: true };
}
async function postOrGet(ctx, url, init = {}) {
  const response = await ctx.http(url, init);
  if (response.ok) return readJson(response, registry2);
  throw new FerryError("RegistryRefused", {
    registry: registry2,
    what: `Trusted publishing: ${url.host}${url.pathname} answered ${response.status}.`,
    why: (await response.text()).trim().slice(0, 500),
    fix: "Register this repository and workflow as a trusted publisher of the project on PyPI and grant the job `id-token: write`, or set PYPI_TOKEN."
  });
}

// registries/pypi/src/attestation.ts
var registry3 = "pypi";
var publishPredicate = "https://docs.pypi.org/attestations/publish/v1";
var inToto = "application/vnd.in-toto+json";
async function attest(signer, dist) {
  const bundle = await signStatement(
    signer,
    {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: dist.filename, digest: { sha256: dist.sha256 } }],
      predicateType: publishPredicate,
      predicate: null
    },
    `the PyPI publish attestation of ${dist.filename}`
  );
  const material = bundle.verificationMaterial;
  const certificate = material.certificate?.rawBytes ?? material.x509CertificateChain?.certificates[0]?.rawBytes;
  const envelope = bundle.dsseEnvelope;
  if (!certificate || !envelope?.signatures[0]) {
    throw new FerryError("RegistryRefused", {
      registry: "sigstore",
      what: `Sigstore answered a bundle without a certificate or signature for ${dist.filename}.`,
      fix: "Re-run; if it persists, check the Fulcio and Rekor URLs."
    });
  }
  return {
    version: 1,
    verification_material: { certificate, transparency_entries: material.tlogEntries },
    envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig }
  };
}
function toBundle(attestation) {
  const bundle = {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: {
      certificate: { rawBytes: attestation.verification_material.certificate },
      tlogEntries: attestation.verification_material.transparency_entries,
      timestampVerificationData: { rfc3161Timestamps: [] }
    },
    dsseEnvelope: {
      payload: attestation.envelope.statement,
      payloadType: inToto,
      signatures: [{ sig: attestation.envelope.signature, keyid: "" }]
    }
  };
  return bundle;
}
var provenanceUrl = (index, name2, version, filename) => new URL(`integrity/${normalizeName(name2)}/${version}/${encodeURIComponent(filename)}/provenance`, withSlash(index));
async function readProvenance(ctx, index, name2, version, filename) {
  return readIndexJson(
    ctx,
    provenanceUrl(index, name2, version, filename),
    "application/vnd.pypi.integrity.v1+json",
    "Re-run later; the Integrity API serves PEP 740 provenance."
  );
}
function checkProvenance(root, provenance, dist) {
  const problems = [];
  for (const { publisher, attestations } of provenance.attestation_bundles ?? []) {
    for (const attestation of attestations) {
      const { payload, subject } = verifyBundle(root, toBundle(attestation), { what: `${dist.filename}'s attestation`, registry: registry3 });
      const statement = JSON.parse(payload.toString("utf8"));
      const [named, ...more] = statement.subject ?? [];
      const workflow = publisher.repository && publisher.workflow ? `/${publisher.repository}/.github/workflows/${publisher.workflow}@` : void 0;
      if (more.length || named?.name !== dist.filename || named.digest?.sha256 !== dist.sha256)
        problems.push(`it names ${named?.name ?? "nothing"} with sha256 ${named?.digest?.sha256 ?? "(none)"}`);
      else if (statement.predicateType !== publishPredicate) problems.push(`its predicate is ${statement.predicateType}`);
      else if (!workflow || !subject?.includes(workflow))
        problems.push(`it was signed by ${subject}, not the publisher ${publisher.repository}`);
      else return subject;
    }
  }
  throw new FerryError("PublishedContentDiffers", {
    registry: registry3,
    what: `PyPI's provenance of ${dist.filename} does not attest this file: ${problems.join("; ") || "it has no attestation"}.`,
    why: "A publish attestation names the file's sha256 and is signed by the trusted publisher that uploaded it.",
    fix: "Check who else publishes this project; files already on PyPI cannot be replaced, so release a new version."
  });
}

// registries/pypi/src/index.ts
var name = "pypi";
var options = external_exports.object({
  name: external_exports.string().regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, "not a valid Python distribution name").optional().meta({ description: "The distribution name on PyPI. Default: the project's name." }),
  platforms: external_exports.partialRecord(external_exports.enum(Object.keys(defaultPlatformTags)), external_exports.string().regex(/^[a-z0-9_.]+$/)).default({}).meta({
    description: "Wheel platform tags per target (`linux_amd64`, \u2026), replacing the defaults (e.g. a musllinux tag). Default: the manylinux/macosx/win tags in the docs."
  }),
  dist: external_exports.string().min(1).optional().meta({
    description: "A directory of prebuilt wheels and sdists (relative to the project) to upload as they are, instead of wheels made from the release binaries. Default: none: ferry makes the wheels."
  }),
  repository: httpUrl().optional().meta({ description: "The upload API. Default: FERRY_PYPI_UPLOAD_URL, else https://upload.pypi.org/legacy/." }),
  index: httpUrl().optional().meta({ description: "The index whose JSON API answers exists() and verify(). Default: FERRY_PYPI_URL, else https://pypi.org." }),
  attestations: external_exports.boolean().default(true).meta({
    description: "With trusted publishing, upload a PEP 740 publish attestation (signed keylessly with Sigstore) with each file. PyPI takes attestations only from trusted publishers, so an upload with PYPI_TOKEN carries none. Default: true."
  })
}).strict().refine((o) => !(o.dist && Object.keys(o.platforms).length), {
  message: "`platforms` tags the wheels ferry makes; with `dist` the prebuilt files are uploaded as they are. Drop one of them.",
  path: ["platforms"]
});
function endpoints(ctx) {
  return {
    repository: ctx.options.repository ?? ctx.env("FERRY_PYPI_UPLOAD_URL") ?? "https://upload.pypi.org/legacy/",
    index: ctx.options.index ?? ctx.env("FERRY_PYPI_URL") ?? "https://pypi.org"
  };
}
function metadata(ctx) {
  const { project } = ctx;
  return {
    name: ctx.options.name ?? project.name,
    version: pep440Version(ctx.version),
    summary: project.description,
    description: `${project.description}

Install with \`pip install ${ctx.options.name ?? project.name}\`; it puts the \`${project.binary}\` command on PATH.
`,
    homepage: project.homepage,
    license: project.license,
    author: project.author,
    projectUrls: { Source: `https://github.com/${project.repository}` }
  };
}
async function upload(ctx) {
  if (ctx.options.dist) return prebuilt(ctx, ctx.options.dist);
  const meta = metadata(ctx);
  return { name: meta.name, version: meta.version, dists: () => renderWheels(ctx, meta) };
}
async function renderWheels(ctx, meta) {
  if (ctx.manifest.artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: name,
      what: "The release has no binaries to put in wheels.",
      fix: "Build the release with at least one target, or skip pypi."
    });
  }
  const text = renderMetadata(meta);
  const dists = [];
  for (const artifact of ctx.manifest.artifacts) {
    const platform = platformOf(artifact);
    const platformTag = ctx.options.platforms[platform] ?? defaultPlatformTags[platform];
    if (!platformTag) continue;
    const binaryName = artifact.binary.split("/").pop() ?? artifact.binary;
    const wheel = await buildWheel({
      metadata: meta,
      platformTag,
      binaryName,
      binary: await readFile(await ctx.binary(artifact))
    });
    dists.push(wheelDistribution(wheel, text));
  }
  return dists.sort((a, b) => a.filename.localeCompare(b.filename));
}
async function prebuilt(ctx, dir) {
  const dists = await readDistributions(resolve(ctx.project.dir, dir), dir);
  const version = pep440Version(ctx.version);
  const names = /* @__PURE__ */ new Set();
  for (const dist of dists) {
    const found = metadataField(dist.metadata, "Version");
    if (found !== version) {
      throw new FerryError("ConfigInvalid", {
        registry: name,
        what: `${dir}/${dist.filename} is version ${found ?? "(none)"}, but the release is ${version}.`,
        why: "PyPI publishes the version in the files' metadata, and it must match the tag.",
        fix: `Set the project's version to ${version} (pyproject.toml), rebuild ${dir}, and run again.`
      });
    }
    names.add(metadataField(dist.metadata, "Name") ?? "");
  }
  const [first, ...others] = [...names];
  const wanted = ctx.options.name;
  if (others.length || !first || wanted && normalizeName(wanted) !== normalizeName(first)) {
    throw new FerryError("ConfigInvalid", {
      registry: name,
      what: `${dir} holds ${[...names].map((n) => n || "(no name)").join(", ")}${wanted ? `, but the option \`name\` is ${wanted}` : ""}.`,
      why: "One release uploads one PyPI project.",
      fix: `Leave only ${wanted ?? "one project"}'s files in ${dir}${wanted ? ", or correct the option `name`" : ""}.`
    });
  }
  return { name: first, version, dists: () => Promise.resolve(dists) };
}
function compare(dists, remote) {
  const differing = dists.filter((d) => remote.has(d.filename) && remote.get(d.filename) !== d.sha256);
  const missing = dists.filter((d) => !remote.has(d.filename));
  return { differing, missing };
}
var src_default = defineRegistry({
  name,
  needs: ["binaries"],
  targets: targetNames.filter((t) => defaultPlatformTags[t.replace("/", "_")]),
  options,
  validate(ctx) {
    if (ctx.version) pep440Version(ctx.version);
  },
  async exists(ctx) {
    const release = await upload(ctx);
    const remote = await readRelease(ctx, endpoints(ctx).index, release.name, release.version);
    if (!remote) return { state: "absent" };
    const dists = await release.dists();
    const { differing, missing } = compare(dists, remote);
    if (differing.length) {
      return {
        state: "present",
        matches: false,
        detail: `${release.name} ${release.version} has ${differing.map((d) => d.filename).join(", ")} with other contents`
      };
    }
    if (missing.length) return { state: "absent" };
    return {
      state: "present",
      matches: true,
      detail: `${release.name} ${release.version}: ${files(dists.length)} with equal sha256`
    };
  },
  async prepare(ctx) {
    const release = await upload(ctx);
    const dists = await release.dists();
    for (const dist of dists) {
      const content = await dist.content();
      await pipeline(Readable.fromWeb(content.stream()), createWriteStream(join2(ctx.outDir, dist.filename)));
    }
    await writeFile(join2(ctx.outDir, "METADATA"), dists[0].metadata);
    return { files: [...dists.map((d) => d.filename), "METADATA"], name: release.name, version: release.version, dists };
  },
  async publish(ctx, prepared) {
    const where = endpoints(ctx);
    const { token, trusted } = await uploadToken(ctx, where.index);
    const signer = trusted && ctx.options.attestations ? contextSigner(ctx) : void 0;
    const before = await readRelease(ctx, where.index, prepared.name, prepared.version) ?? /* @__PURE__ */ new Map();
    const uploaded = [];
    for (const dist of prepared.dists) {
      if (before.get(dist.filename) === dist.sha256) continue;
      if (before.has(dist.filename)) throw differs(dist, prepared);
      const attestations = signer ? [await attest(signer, dist)] : [];
      const result = await uploadDistribution(ctx, where, token, dist, attestations);
      if (result === "exists") {
        const now = await readRelease(ctx, where.index, prepared.name, prepared.version);
        if (now?.get(dist.filename) !== dist.sha256) throw differs(dist, prepared);
        continue;
      }
      uploaded.push(dist.filename);
      ctx.log(`uploaded ${dist.filename}${signer ? " with its publish attestation" : ""}`);
    }
    const kept = prepared.dists.length - uploaded.length;
    const attested = signer !== void 0 && uploaded.length > 0;
    return {
      detail: `${prepared.name} ${prepared.version}: uploaded ${files(uploaded.length)}${attested ? " with PEP 740 attestations" : ""}${kept ? `, ${kept} already there` : ""}`,
      attested
    };
  },
  async verify(ctx, published) {
    const release = await upload(ctx);
    const index = endpoints(ctx).index;
    const remote = await readRelease(ctx, index, release.name, release.version);
    if (!remote) return void 0;
    const dists = await release.dists();
    const { differing, missing } = compare(dists, remote);
    if (differing.length) throw differs(differing[0], release);
    if (missing.length) return void 0;
    const listed = `${release.name}==${release.version} lists every file with its sha256`;
    if (!published.attested) return { state: "verified", detail: listed };
    const root = await trustedRoot((name2) => ctx.env(name2));
    let signer = "";
    for (const dist of dists) {
      const provenance = await readProvenance(ctx, index, release.name, release.version, dist.filename);
      if (!provenance) return void 0;
      if (root) signer = checkProvenance(root, provenance, dist);
    }
    return {
      state: "verified",
      detail: root ? `${listed} and a publish attestation signed by ${signer}` : `${listed} and a publish attestation (PyPI checked its signature; set FERRY_SIGSTORE_TRUSTED_ROOT to check it here too)`,
      supplyChain: dists.map((dist) => ({
        kind: "attestation",
        subject: dist.filename,
        location: provenanceUrl(index, release.name, release.version, dist.filename).href
      }))
    };
  },
  supplyChain(ctx, prepared) {
    const skipped = attestationsSkipped(ctx);
    const { index } = endpoints(ctx);
    return prepared.dists.map((dist) => ({
      kind: "attestation",
      subject: dist.filename,
      ...skipped ? { skipped } : { location: provenanceUrl(index, prepared.name, prepared.version, dist.filename).href }
    }));
  },
  doctor: (ctx) => Promise.resolve(checks(ctx))
});
var files = (count) => `${count} ${count === 1 ? "file" : "files"}`;
function differs(dist, release) {
  return new FerryError("PublishedContentDiffers", {
    registry: name,
    what: `PyPI already has ${dist.filename} with other contents than this release's.`,
    why: "PyPI never lets a file name be reused, so this version's file cannot be replaced.",
    fix: `Release a new version; ${release.name} ${release.version} stays as it is.`
  });
}
function attestationsSkipped(ctx) {
  if (!ctx.options.attestations) return "registries.pypi.attestations is false";
  if (ctx.secret("PYPI_TOKEN")) return "the upload uses PYPI_TOKEN, and PyPI takes attestations only from trusted publishers";
  if (!idTokenAvailable(ctx)) {
    return "no OIDC token (in GitHub Actions, give the job `permissions: id-token: write` and register it as the project's trusted publisher on PyPI)";
  }
  return void 0;
}
function attestationCheck(ctx) {
  const skipped = attestationsSkipped(ctx);
  return pass("PEP 740 attestations", skipped ? `none: ${skipped}` : "each file gets one, signed with trusted publishing's OIDC identity");
}
function checks(ctx) {
  const fix = "Set PYPI_TOKEN to an API token from https://pypi.org/manage/account/token/, or configure a trusted publisher on PyPI and grant the job `id-token: write`.";
  const token = ctx.secret("PYPI_TOKEN");
  if (!token) {
    return [
      idTokenAvailable(ctx) ? pass("PyPI credentials", "no PYPI_TOKEN; trusted publishing (a GitHub Actions id-token) is available") : secretCheck(ctx, ["PYPI_TOKEN"], fix),
      attestationCheck(ctx)
    ];
  }
  const shape = "PYPI_TOKEN looks like a PyPI API token";
  return [
    pass("PYPI_TOKEN set", "PYPI_TOKEN is set"),
    token.startsWith("pypi-") ? pass(shape, "it has the pypi- prefix; PyPI has no read-only check, so the first upload is what proves it") : fail(shape, "it does not start with pypi-, as every PyPI API token does", fix),
    attestationCheck(ctx)
  ];
}
export {
  src_default as default
};
