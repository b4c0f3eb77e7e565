import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
import {
  checkStep,
  defineRegistry,
  external_exports,
  packageRepositoryCheckout,
  packageRepositoryOptions,
  readIfPresent,
  releasePackages,
  requireGpgSigner,
  verifyClearsigned
} from "./chunk-2ACCOJG5.js";
import {
  FerryError
} from "./chunk-PBYZL6WR.js";
import "./chunk-BHGG6FRM.js";

// registries/apt/src/index.ts
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

// registries/apt/src/metadata.ts
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
function poolEntry(filename, deb, known) {
  const sha2562 = hash("sha256", deb);
  const old = known.get(filename);
  const stanza = old && field(old, "SHA256") === sha2562 ? old : [
    controlOf(filename, deb).trimEnd(),
    `Filename: ${filename}`,
    `Size: ${deb.length}`,
    `MD5sum: ${hash("md5", deb)}`,
    `SHA1: ${hash("sha1", deb)}`,
    `SHA256: ${sha2562}`
  ].join("\n");
  const architecture = field(stanza, "Architecture");
  if (!architecture) throw unreadable(filename, "its control file has no Architecture");
  return { filename, architecture, sha256: sha2562, stanza };
}
function parsePackages(text) {
  const stanzas = /* @__PURE__ */ new Map();
  for (const stanza of text.split(/\n{2,}/)) {
    const filename = field(stanza, "Filename");
    if (filename) stanzas.set(filename, stanza.trim());
  }
  return stanzas;
}
function field(stanza, name) {
  return new RegExp(`^${name}:[ \\t]*(.*)$`, "mi").exec(stanza)?.[1]?.trim();
}
function renderIndexes(entries, release) {
  const files = /* @__PURE__ */ new Map();
  const archs = [...new Set(entries.map((e) => e.architecture))].sort();
  for (const arch of archs) {
    const stanzas = entries.filter((e) => e.architecture === arch).sort((a, b) => a.filename < b.filename ? -1 : 1).map((e) => `${e.stanza}
`);
    const packages = Buffer.from(stanzas.join("\n"));
    const dir = `${release.component}/binary-${arch}`;
    files.set(`${dir}/Packages`, packages);
    files.set(`${dir}/Packages.gz`, gzipSync(packages, { level: 9 }));
  }
  const sums = [...files.entries()].map(([path, data]) => ` ${hash("sha256", data)} ${String(data.length).padStart(8)} ${path}`);
  const text = [
    `Origin: ${release.origin}`,
    `Label: ${release.label}`,
    `Suite: ${release.suite}`,
    `Codename: ${release.suite}`,
    `Date: ${release.date.toUTCString().replace("GMT", "UTC")}`,
    `Architectures: ${archs.join(" ")}`,
    `Components: ${release.component}`,
    `Description: ${release.description}`,
    "SHA256:",
    ...sums,
    ""
  ].join("\n");
  return { files, release: text };
}
function releaseSums(release) {
  const sums = /* @__PURE__ */ new Map();
  const block = /^SHA256:\n((?: .*\n?)*)/m.exec(release)?.[1] ?? "";
  for (const line of block.split("\n")) {
    const [sha2562, , path] = line.trim().split(/\s+/);
    if (sha2562 && path) sums.set(path, sha2562);
  }
  return sums;
}
var hash = (algorithm, data) => createHash(algorithm).update(data).digest("hex");
var sha256 = (data) => hash("sha256", data);
var unreadable = (filename, why) => new FerryError("PublishedContentDiffers", {
  what: `${filename} in the APT repository cannot be read as a .deb.`,
  why,
  fix: "Remove it from the repository's pool (or replace it with a .deb whose control.tar is gzip-compressed), then run ferry again."
});
function controlOf(filename, deb) {
  if (deb.subarray(0, 8).toString("latin1") !== "!<arch>\n") throw unreadable(filename, "it is not an ar archive");
  for (let at = 8; at + 60 <= deb.length; ) {
    const name = deb.subarray(at, at + 16).toString("latin1").trim().replace(/\/$/, "");
    const size = Number.parseInt(
      deb.subarray(at + 48, at + 58).toString("latin1").trim(),
      10
    );
    const data = deb.subarray(at + 60, at + 60 + size);
    if (name === "control.tar.gz" || name === "control.tar") {
      const control = tarFile(name.endsWith(".gz") ? gunzipSync(data) : data, "control");
      if (control === void 0) throw unreadable(filename, `its ${name} has no control file`);
      return control;
    }
    if (name.startsWith("control.tar")) throw unreadable(filename, `its ${name} is compressed in a way ferry does not read`);
    at += 60 + size + size % 2;
  }
  throw unreadable(filename, "it has no control.tar member");
}
function tarFile(tar, path) {
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return void 0;
    const text = (from, to) => header.subarray(from, to).toString("utf8").replace(/\0.*$/s, "");
    const name = [text(345, 500), text(0, 100)].filter(Boolean).join("/");
    const size = Number.parseInt(text(124, 136).trim() || "0", 8);
    const type = text(156, 157);
    if ((type === "0" || type === "") && name.replace(/^\.\//, "") === path) {
      return tar.subarray(at + 512, at + 512 + size).toString("utf8");
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return void 0;
}

// registries/apt/src/index.ts
var options = external_exports.object({
  ...packageRepositoryOptions("apt", "APT"),
  suite: external_exports.string().regex(/^[\w.-]+$/).default("stable").meta({ description: "The suite (and codename): dists/<suite>/." }),
  component: external_exports.string().regex(/^[\w.-]+$/).default("main").meta({ description: "The component: pool/<component>/ and dists/<suite>/<component>/." })
}).strict();
var debFiles = (ctx) => releasePackages(ctx, "deb", "APT");
function poolPath(ctx, file) {
  const name = file.name.split("_")[0];
  const prefix = name.startsWith("lib") ? name.slice(0, 4) : name.slice(0, 1);
  return `pool/${ctx.options.component}/${prefix}/${name}/${file.name}`;
}
var requireSigner = (ctx) => requireGpgSigner(ctx, "an APT repository");
async function poolFiles(root) {
  const entries = await readdir(join(root, "pool"), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith(".deb")).map((e) => relative(root, join(e.parentPath, e.name))).sort();
}
var src_default = defineRegistry({
  name: "apt",
  needs: ["binaries"],
  options,
  async exists(ctx) {
    const debs = debFiles(ctx);
    return packageRepositoryCheckout(ctx).inspect(async (dir) => {
      const root = join(dir, ctx.options.directory);
      let found = 0;
      for (const file of debs) {
        const path = poolPath(ctx, file);
        const there = await readIfPresent(join(root, path));
        if (!there) continue;
        const entry = poolEntry(path, there, /* @__PURE__ */ new Map());
        if (entry.sha256 !== file.sha256) {
          return {
            state: "present",
            matches: false,
            detail: `${path} is in the pool with other content than this release's ${file.name}.`
          };
        }
        const packages = await readIfPresent(
          join(root, `dists/${ctx.options.suite}/${ctx.options.component}/binary-${entry.architecture}/Packages`)
        );
        if (field(parsePackages(packages?.toString() ?? "").get(path) ?? "", "SHA256") === file.sha256) found++;
      }
      return found === debs.length ? { state: "present", matches: true, detail: `every .deb of ${ctx.version.semver} is in the pool and its index.` } : { state: "absent" };
    });
  },
  async prepare(ctx) {
    const signer = await requireSigner(ctx);
    const debs = /* @__PURE__ */ new Map();
    const files = [];
    for (const file of debFiles(ctx)) {
      const path = poolPath(ctx, file);
      const local = await ctx.archive(file);
      debs.set(path, local);
      const out = join(ctx.outDir, path);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, await readFile(local));
      files.push(out);
    }
    return { files, debs, signer };
  },
  async publish(ctx, prepared) {
    const repo = packageRepositoryCheckout(ctx);
    const { suite, component, directory } = ctx.options;
    const { commit } = await repo.update(async (dir) => {
      const root = join(dir, directory);
      for (const [path, local] of prepared.debs) {
        const data = await readFile(local);
        const there = await readIfPresent(join(root, path));
        if (there && !there.equals(data)) {
          throw new FerryError("PublishedContentDiffers", {
            registry: ctx.registry,
            what: `${path} is already in the pool with other content.`,
            fix: "A published package is never replaced: release a new version."
          });
        }
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), data);
      }
      const dists = join(root, "dists", suite);
      const known = /* @__PURE__ */ new Map();
      for (const packages of await readdir(join(dists, component), { recursive: true }).catch(() => [])) {
        if (packages.endsWith("/Packages"))
          for (const [k, v] of parsePackages(await readFile(join(dists, component, packages), "utf8"))) known.set(k, v);
      }
      const entries = [];
      for (const path of await poolFiles(root)) entries.push(poolEntry(path, await readFile(join(root, path)), known));
      const name = ctx.project.name;
      const { files, release } = renderIndexes(entries, {
        origin: name,
        label: name,
        suite,
        component,
        description: ctx.project.description,
        date: /* @__PURE__ */ new Date()
      });
      const old = (await readIfPresent(join(dists, "Release")))?.toString();
      const same = old !== void 0 && await readIfPresent(join(dists, "InRelease")) !== void 0 && [...files.keys()].every((path) => releaseSums(old).get(path) === releaseSums(release).get(path)) && releaseSums(old).size === files.size;
      if (!same) {
        for (const [path, data] of files) {
          await mkdir(dirname(join(dists, path)), { recursive: true });
          await writeFile(join(dists, path), data);
        }
        await writeFile(join(dists, "Release"), release);
        await writeFile(join(dists, "InRelease"), await prepared.signer.clearsign(release));
        await writeFile(join(dists, "Release.gpg"), await prepared.signer.detachSign(Buffer.from(release)));
      }
      await writeFile(join(root, "key.asc"), prepared.signer.publicKey);
    }, `${ctx.project.name} ${ctx.version.semver}: APT repository`);
    return {
      detail: commit ? `commit ${commit.slice(0, 12)} to ${repo.location}` : `the APT repository in ${repo.location} already had ${ctx.version.semver}`
    };
  },
  async verify(ctx) {
    const signer = await requireSigner(ctx);
    const { suite, component, directory } = ctx.options;
    return packageRepositoryCheckout(ctx).inspect(async (dir) => {
      const root = join(dir, directory);
      const inRelease = (await readIfPresent(join(root, "dists", suite, "InRelease")))?.toString();
      const release = inRelease && await verifyClearsigned(inRelease, signer.publicKey);
      if (!release) return void 0;
      const sums = releaseSums(release);
      for (const file of debFiles(ctx)) {
        const path = poolPath(ctx, file);
        const deb = await readIfPresent(join(root, path));
        if (!deb) return void 0;
        const entry = poolEntry(path, deb, /* @__PURE__ */ new Map());
        const index = `${component}/binary-${entry.architecture}/Packages`;
        const packages = await readIfPresent(join(root, "dists", suite, index));
        if (!packages || entry.sha256 !== file.sha256 || sums.get(index) !== sha256(packages)) return void 0;
        if (field(parsePackages(packages.toString()).get(path) ?? "", "SHA256") !== file.sha256) return void 0;
      }
      return {
        state: "verified",
        detail: `dists/${suite} in ${directory}/ of the branch lists ${ctx.version.semver}, signed by ${signer.fingerprint}`
      };
    });
  },
  async doctor(ctx) {
    const key = await checkStep("GPG signing key (FERRY_GPG_KEY)", async () => {
      const signer = await requireSigner(ctx);
      await signer.clearsign("ferry doctor\n");
      return `signs as ${signer.description}`;
    });
    return [key, ...await packageRepositoryCheckout(ctx).doctor()];
  }
});
export {
  src_default as default
};
