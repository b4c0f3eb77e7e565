import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  XMLParser,
  json2xml_default
} from "./chunk-AJ6JV5FN.js";
import {
  checkStep,
  defineRegistry,
  external_exports,
  packageRepositoryCheckout,
  packageRepositoryOptions,
  readIfPresent,
  releasePackages,
  requireGpgSigner,
  verifyDetached
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import "./chunk-BHGG6FRM.js";

// registries/rpm/src/index.ts
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gunzipSync as gunzipSync2 } from "node:zlib";

// registries/rpm/src/header.ts
var magic = Buffer.from([142, 173, 232, 1]);
var unreadableRpm = (filename, why) => new FerryError("PublishedContentDiffers", {
  what: `${filename} in the RPM repository cannot be read as an .rpm.`,
  why,
  fix: "Remove it from the repository's Packages/ directory (or replace it with a binary .rpm of format v4), then run ferry again."
});
function readHeader(filename, rpm, at) {
  if (rpm.length < at + 16 || !rpm.subarray(at, at + 4).equals(magic)) throw unreadableRpm(filename, `no header at byte ${at}`);
  const count = rpm.readUInt32BE(at + 8);
  const size = rpm.readUInt32BE(at + 12);
  const store = at + 16 + count * 16;
  const end = store + size;
  if (end > rpm.length) throw unreadableRpm(filename, "a header runs past the end of the file");
  const tags = /* @__PURE__ */ new Map();
  for (let i = 0; i < count; i++) {
    const entry = at + 16 + i * 16;
    const tag2 = rpm.readUInt32BE(entry);
    const type = rpm.readUInt32BE(entry + 4);
    const offset = store + rpm.readInt32BE(entry + 8);
    const n = rpm.readUInt32BE(entry + 12);
    if (offset < store || offset > end) continue;
    if (type === 3)
      tags.set(
        tag2,
        Array.from({ length: n }, (_, k) => rpm.readUInt16BE(offset + k * 2))
      );
    else if (type === 4)
      tags.set(
        tag2,
        Array.from({ length: n }, (_, k) => rpm.readUInt32BE(offset + k * 4))
      );
    else if (type === 7) tags.set(tag2, rpm.subarray(offset, offset + n));
    else if (type === 6 || type === 8 || type === 9) {
      const values = [];
      let from = offset;
      for (let k = 0; k < (type === 6 ? 1 : n); k++) {
        const to = rpm.indexOf(0, from);
        if (to < 0 || to >= end) throw unreadableRpm(filename, `tag ${tag2} has an unterminated string`);
        values.push(rpm.subarray(from, to).toString("utf8"));
        from = to + 1;
      }
      tags.set(tag2, type === 8 ? values : values[0]);
    }
  }
  return { tags, end };
}
function readRpm(filename, rpm) {
  if (rpm.length < 96 || rpm.readUInt32BE(0) !== 3987467995) throw unreadableRpm(filename, "it has no RPM lead");
  const signature = readHeader(filename, rpm, 96);
  const start = signature.end + (8 - signature.end % 8) % 8;
  const main = readHeader(filename, rpm, start);
  return { signature: signature.tags, main: main.tags, header: rpm.subarray(start, main.end), start, end: main.end };
}
var text = (tags, tag2) => {
  const value = tags.get(tag2);
  return typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : "";
};
var texts = (tags, tag2) => {
  const value = tags.get(tag2);
  return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
};
var numbers = (tags, tag2) => {
  const value = tags.get(tag2);
  return Array.isArray(value) && typeof value[0] === "number" ? value : [];
};

// registries/rpm/src/metadata.ts
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
var tag = {
  name: 1e3,
  version: 1001,
  release: 1002,
  epoch: 1003,
  summary: 1004,
  description: 1005,
  buildTime: 1006,
  buildHost: 1007,
  size: 1009,
  vendor: 1011,
  license: 1014,
  packager: 1015,
  group: 1016,
  url: 1020,
  arch: 1022,
  fileModes: 1030,
  fileFlags: 1037,
  sourceRpm: 1044,
  archiveSize: 1046,
  changelogTime: 1080,
  changelogName: 1081,
  changelogText: 1082,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118
};
var relations = {
  provides: [1047, 1112, 1113],
  requires: [1049, 1048, 1050],
  conflicts: [1054, 1053, 1055],
  obsoletes: [1090, 1114, 1115]
};
var sigPayloadSize = 1007;
var fileGhost = 1 << 6;
var comparisons = { 2: "LT", 4: "GT", 8: "EQ", 10: "LE", 12: "GE" };
var prereq = 1 << 6 | 1 << 9 | 1 << 10 | 1 << 11 | 1 << 12;
function evr(value) {
  const [, epoch = "0", rest = value] = /^(?:(\d+):)?(.*)$/.exec(value) ?? [];
  const dash = rest.lastIndexOf("-");
  return dash < 0 ? { "@epoch": epoch, "@ver": rest } : { "@epoch": epoch, "@ver": rest.slice(0, dash), "@rel": rest.slice(dash + 1) };
}
function entries(main, [nameTag, flagsTag, versionTag], requires) {
  const names = texts(main, nameTag);
  const flags = numbers(main, flagsTag);
  const versions = texts(main, versionTag);
  const seen = /* @__PURE__ */ new Set();
  const list = [];
  names.forEach((name, i) => {
    if (requires && name.startsWith("rpmlib(")) return;
    const flag = flags[i] ?? 0;
    const version = versions[i] ?? "";
    const comparison = comparisons[flag & 14];
    const entry = {
      "@name": name,
      ...version && comparison ? { "@flags": comparison, ...evr(version) } : {},
      ...requires && flag & prereq ? { "@pre": "1" } : {}
    };
    const key = JSON.stringify(entry);
    if (!seen.has(key)) list.push(entry);
    seen.add(key);
  });
  return list.length ? { "rpm:entry": list } : void 0;
}
function files(main) {
  const dirs = texts(main, tag.dirNames);
  const indexes = numbers(main, tag.dirIndexes);
  const modes = numbers(main, tag.fileModes);
  const flags = numbers(main, tag.fileFlags);
  return texts(main, tag.baseNames).map((base, i) => {
    const path = `${dirs[indexes[i] ?? 0] ?? ""}${base}`;
    const type = ((modes[i] ?? 0) & 61440) === 16384 ? "dir" : (flags[i] ?? 0) & fileGhost ? "ghost" : void 0;
    return type ? { path, type } : { path };
  });
}
var fileNode = ({ path, type }) => type ? { "@type": type, "#text": path } : path;
var inPrimary = (path) => path.startsWith("/etc/") || path.includes("bin/") || path === "/usr/lib/sendmail";
function repoPackage(href, rpm) {
  const headers = readRpm(href, rpm);
  const { main } = headers;
  const name = text(main, tag.name);
  const arch = text(main, tag.arch);
  if (!name || !arch) throw unreadableRpm(href, "its header has no name or architecture");
  const sha2562 = createHash("sha256").update(rpm).digest("hex");
  const epoch = numbers(main, tag.epoch)[0];
  const version = { "@epoch": String(epoch ?? 0), "@ver": text(main, tag.version), "@rel": text(main, tag.release) };
  const buildTime = numbers(main, tag.buildTime)[0] ?? 0;
  const all = files(main);
  const id = { "@pkgid": sha2562, "@name": name, "@arch": arch };
  const changelogs = texts(main, tag.changelogName).map((author, i) => ({
    "@author": author,
    "@date": String(numbers(main, tag.changelogTime)[i] ?? 0),
    "#text": texts(main, tag.changelogText)[i] ?? ""
  }));
  return {
    href,
    sha256: sha2562,
    buildTime,
    primary: {
      "@type": "rpm",
      name,
      arch,
      version,
      checksum: { "@type": "sha256", "@pkgid": "YES", "#text": sha2562 },
      summary: text(main, tag.summary),
      description: text(main, tag.description),
      packager: text(main, tag.packager),
      url: text(main, tag.url),
      time: { "@file": String(buildTime), "@build": String(buildTime) },
      size: {
        "@package": String(rpm.length),
        "@installed": String(numbers(main, tag.size)[0] ?? 0),
        "@archive": String(numbers(headers.signature, sigPayloadSize)[0] ?? numbers(main, tag.archiveSize)[0] ?? 0)
      },
      location: { "@href": href },
      format: {
        "rpm:license": text(main, tag.license),
        "rpm:vendor": text(main, tag.vendor),
        "rpm:group": text(main, tag.group),
        "rpm:buildhost": text(main, tag.buildHost),
        "rpm:sourcerpm": text(main, tag.sourceRpm),
        "rpm:header-range": { "@start": String(headers.start), "@end": String(headers.end) },
        "rpm:provides": entries(main, relations.provides, false),
        "rpm:requires": entries(main, relations.requires, true),
        "rpm:conflicts": entries(main, relations.conflicts, false),
        "rpm:obsoletes": entries(main, relations.obsoletes, false),
        file: all.filter((f) => inPrimary(f.path)).map(fileNode)
      }
    },
    filelists: { ...id, version, file: all.map(fileNode) },
    other: { ...id, version, changelog: changelogs }
  };
}
var builder = new json2xml_default({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  format: true,
  indentBy: "  ",
  suppressEmptyNode: true
});
var declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
var namespace = "http://linux.duke.edu/metadata/";
var sha256 = (data) => createHash("sha256").update(data).digest("hex");
function renderRepodata(packages) {
  const sorted = [...packages].sort((a, b) => a.href < b.href ? -1 : 1);
  const count = String(sorted.length);
  const documents = [
    [
      "primary",
      {
        metadata: {
          "@xmlns": `${namespace}common`,
          "@xmlns:rpm": `${namespace}rpm`,
          "@packages": count,
          package: sorted.map((p) => p.primary)
        }
      }
    ],
    ["filelists", { filelists: { "@xmlns": `${namespace}filelists`, "@packages": count, package: sorted.map((p) => p.filelists) } }],
    ["other", { otherdata: { "@xmlns": `${namespace}other`, "@packages": count, package: sorted.map((p) => p.other) } }]
  ];
  const time = String(Math.max(0, ...sorted.map((p) => p.buildTime)));
  const files2 = /* @__PURE__ */ new Map();
  const data = documents.map(([type, document]) => {
    const open = Buffer.from(declaration + builder.build(document));
    const gz = gzipSync(open, { level: 9 });
    const path = `repodata/${sha256(gz)}-${type}.xml.gz`;
    files2.set(path, gz);
    return {
      "@type": type,
      checksum: { "@type": "sha256", "#text": sha256(gz) },
      "open-checksum": { "@type": "sha256", "#text": sha256(open) },
      location: { "@href": path },
      timestamp: time,
      size: String(gz.length),
      "open-size": String(open.length)
    };
  });
  const repomd = { repomd: { "@xmlns": `${namespace}repo`, "@xmlns:rpm": `${namespace}rpm`, revision: time, data } };
  files2.set("repodata/repomd.xml", Buffer.from(declaration + builder.build(repomd)));
  return files2;
}
var parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === "data" || name === "package"
});
function parseRepomd(xml) {
  const data = parser.parse(xml).repomd?.data ?? [];
  return new Map(
    data.map((d) => [d["@type"], { href: d.location["@href"], sha256: d.checksum["#text"], openSha256: d["open-checksum"]?.["#text"] }])
  );
}
function parsePrimary(gz) {
  const document = parser.parse(gunzipSync(gz).toString("utf8"));
  return new Map((document.metadata?.package ?? []).map((p) => [p.location["@href"], p.checksum["#text"]]));
}

// registries/rpm/src/index.ts
var options = external_exports.object({
  ...packageRepositoryOptions("rpm", "RPM"),
  url: external_exports.url({ protocol: /^https?$/ }).optional().meta({
    description: "The URL users reach the repository's root at, written into the .repo file. Default: the FERRY_RPM_URL environment variable, else GitHub Pages' URL of `repository`, https://<owner>.github.io/<name>/<directory>."
  })
}).strict();
var rpmFiles = (ctx) => releasePackages(ctx, "rpm", "RPM");
var packagePath = (file) => `Packages/${file.name}`;
var requireSigner = (ctx) => requireGpgSigner(ctx, "an RPM repository and its packages");
function baseUrl(ctx) {
  const { repository, directory } = ctx.options;
  const url = ctx.options.url ?? ctx.env("FERRY_RPM_URL");
  if (url) return url.replace(/\/+$/, "");
  if (!repository) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: "The RPM repository's URL is unknown: the .repo file users add must name it.",
      fix: "Set `url` (where the branch's files are served) in the rpm section of ferry.yaml, or `repository` to use GitHub Pages' URL."
    });
  }
  const [owner, name] = repository.split("/");
  const site = `https://${owner.toLowerCase()}.github.io`;
  return name.toLowerCase() === `${owner.toLowerCase()}.github.io` ? `${site}/${directory}` : `${site}/${name}/${directory}`;
}
var keyFile = (ctx) => `RPM-GPG-KEY-${ctx.project.name}`;
function repoFile(ctx) {
  const url = baseUrl(ctx);
  return [
    `[${ctx.project.name}]`,
    `name=${ctx.project.name}`,
    `baseurl=${url}`,
    "enabled=1",
    "gpgcheck=1",
    "repo_gpgcheck=1",
    `gpgkey=${url}/${keyFile(ctx)}`,
    ""
  ].join("\n");
}
async function listed(root) {
  const repomd = await readIfPresent(join(root, "repodata/repomd.xml"));
  const primary = repomd && parseRepomd(repomd.toString()).get("primary");
  const gz = primary && await readIfPresent(join(root, primary.href));
  return gz ? parsePrimary(gz) : /* @__PURE__ */ new Map();
}
async function signedBy(rpm, name, signer) {
  const { signature, header } = readRpm(name, rpm);
  const packet = signature.get(268) ?? signature.get(267);
  return Buffer.isBuffer(packet) && verifyDetached(header, packet, signer.publicKey);
}
var src_default = defineRegistry({
  name: "rpm",
  needs: ["binaries"],
  options,
  async exists(ctx) {
    const rpms = rpmFiles(ctx);
    return packageRepositoryCheckout(ctx).inspect(async (dir) => {
      const root = join(dir, ctx.options.directory);
      const index = await listed(root);
      let found = 0;
      for (const file of rpms) {
        const there = await readIfPresent(join(root, packagePath(file)));
        if (!there) continue;
        if (sha256(there) !== file.sha256) {
          return {
            state: "present",
            matches: false,
            detail: `${packagePath(file)} is in the repository with other content than this release's ${file.name}.`
          };
        }
        if (index.get(packagePath(file)) === file.sha256) found++;
      }
      return found === rpms.length ? { state: "present", matches: true, detail: `every .rpm of ${ctx.version.semver} is in Packages/ and primary.xml.` } : { state: "absent" };
    });
  },
  async prepare(ctx) {
    const signer = await requireSigner(ctx);
    const rpms = /* @__PURE__ */ new Map();
    const files2 = [];
    for (const file of rpmFiles(ctx)) {
      const local = await ctx.archive(file);
      const data = await readFile(local);
      if (!await signedBy(data, file.name, signer)) {
        throw new FerryError("ConfigInvalid", {
          registry: ctx.registry,
          what: `${file.name} is not signed by the key in FERRY_GPG_KEY (${signer.fingerprint}), and the repository's .repo file has gpgcheck=1.`,
          fix: "Build the release with FERRY_GPG_KEY set (ferry signs the .rpm packages as it makes them), then release again."
        });
      }
      rpms.set(packagePath(file), local);
      const out = join(ctx.outDir, packagePath(file));
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, data);
      files2.push(out);
    }
    const extras = /* @__PURE__ */ new Map([
      [`${ctx.project.name}.repo`, repoFile(ctx)],
      [keyFile(ctx), signer.publicKey]
    ]);
    for (const [path, content] of extras) {
      await writeFile(join(ctx.outDir, path), content);
      files2.push(join(ctx.outDir, path));
    }
    return { files: files2, rpms, extras, signer };
  },
  async publish(ctx, prepared) {
    const repo = packageRepositoryCheckout(ctx);
    const { commit } = await repo.update(async (dir) => {
      const root = join(dir, ctx.options.directory);
      for (const [path, local] of prepared.rpms) {
        const data = await readFile(local);
        const there = await readIfPresent(join(root, path));
        if (there && !there.equals(data)) {
          throw new FerryError("PublishedContentDiffers", {
            registry: ctx.registry,
            what: `${path} is already in the repository with other content.`,
            fix: "A published package is never replaced: release a new version."
          });
        }
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), data);
      }
      const packages = [];
      for (const name of (await readdir(join(root, "Packages"))).filter((n) => n.endsWith(".rpm")).sort()) {
        packages.push(repoPackage(`Packages/${name}`, await readFile(join(root, "Packages", name))));
      }
      const repodata = renderRepodata(packages);
      const repomd = repodata.get("repodata/repomd.xml");
      const same = (await readIfPresent(join(root, "repodata/repomd.xml")))?.equals(repomd) && await readIfPresent(join(root, "repodata/repomd.xml.asc"));
      if (!same) {
        await rm(join(root, "repodata"), { recursive: true, force: true });
        await mkdir(join(root, "repodata"), { recursive: true });
        for (const [path, data] of repodata) await writeFile(join(root, path), data);
        await writeFile(join(root, "repodata/repomd.xml.asc"), await prepared.signer.detachSign(repomd));
      }
      for (const [path, content] of prepared.extras) await writeFile(join(root, path), content);
    }, `${ctx.project.name} ${ctx.version.semver}: RPM repository`);
    return {
      detail: commit ? `commit ${commit.slice(0, 12)} to ${repo.location}` : `the RPM repository in ${repo.location} already had ${ctx.version.semver}`
    };
  },
  async verify(ctx) {
    const signer = await requireSigner(ctx);
    return packageRepositoryCheckout(ctx).inspect(async (dir) => {
      const root = join(dir, ctx.options.directory);
      const repomd = await readIfPresent(join(root, "repodata/repomd.xml"));
      const signature = (await readIfPresent(join(root, "repodata/repomd.xml.asc")))?.toString();
      if (!repomd || !signature || !await verifyDetached(repomd, signature, signer.publicKey)) return void 0;
      const data = parseRepomd(repomd.toString());
      for (const type of ["primary", "filelists", "other"]) {
        const entry = data.get(type);
        const file = entry && await readIfPresent(join(root, entry.href));
        if (!file || sha256(file) !== entry.sha256 || sha256(gunzipSync2(file)) !== entry.openSha256) return void 0;
      }
      const index = await listed(root);
      for (const file of rpmFiles(ctx)) {
        const rpm = await readIfPresent(join(root, packagePath(file)));
        if (!rpm || sha256(rpm) !== file.sha256 || index.get(packagePath(file)) !== file.sha256) return void 0;
      }
      return {
        state: "verified",
        detail: `repodata in ${ctx.options.directory}/ of the branch lists ${ctx.version.semver}, signed by ${signer.fingerprint}`
      };
    });
  },
  async doctor(ctx) {
    const key = await checkStep("GPG signing key (FERRY_GPG_KEY)", async () => {
      const signer = await requireSigner(ctx);
      await signer.detachSign(Buffer.from("ferry doctor\n"));
      return `signs as ${signer.description}`;
    });
    const url = await checkStep("repository URL", () => Promise.resolve(`the .repo file names ${baseUrl(ctx)}`));
    return [key, url, ...await packageRepositoryCheckout(ctx).doctor()];
  }
});
export {
  src_default as default
};
