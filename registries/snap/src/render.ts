import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { FerryError, findArtifact, snapChannel, snapVersion, type Arch, type Artifact, type Context, type TargetName } from "@ferry/core";
import { stringify } from "yaml";
import type { SnapOptions } from "./options.ts";

export interface BuiltSnap {
  /** The snap architecture, e.g. armhf. */
  arch: string;
  file: string;
  /** sha3-384 hex, the digest the store keeps for each revision. */
  sha3_384: string;
}

export const snapName = (ctx: Context<SnapOptions>): string => ctx.options.name ?? ctx.project.name;

/** The channel a release goes to, e.g. `latest/candidate`. */
export const channelOf = (ctx: Context<SnapOptions>, risk: string): string => `${ctx.options.track}/${risk}`;

/** Snap architectures (Debian's names) for the release's Linux targets; i386 is left out, as the store takes it only on core18. */
const snapArchs: Partial<Record<Arch, string>> = {
  amd64: "amd64",
  arm64: "arm64",
  armv7: "armhf",
  riscv64: "riscv64",
  ppc64le: "ppc64el",
  s390x: "s390x",
};

/** The targets a snap can carry. */
export const snapTargets = Object.keys(snapArchs).flatMap((arch) => [`linux/${arch}`, `linux/${arch}-musl`] as TargetName[]);

/** A release artifact with the snap architecture it is packed for. */
export type SnapArtifact = Artifact & { snapArch: string };

/** The release's linux artifacts, one snap each per architecture (a glibc build before a musl one). */
export function linuxArtifacts(ctx: Context<SnapOptions>): SnapArtifact[] {
  const artifacts = Object.entries(snapArchs)
    .flatMap(([arch, snapArch]) => {
      const artifact = findArtifact(ctx.manifest, "linux", arch as Arch);
      return artifact ? [{ ...artifact, snapArch }] : [];
    })
    .sort((a, b) => a.snapArch.localeCompare(b.snapArch));
  if (artifacts.length === 0) {
    throw new FerryError("InputMissing", {
      registry: ctx.registry,
      what: "The release has no linux binary to put in a snap.",
      fix: "Add a linux target to the build, or skip snap for this project.",
    });
  }
  return artifacts;
}

/** meta/snap.yaml for one architecture. */
export function renderSnapYaml(ctx: Context<SnapOptions>, arch: string): string {
  const { options, project } = ctx;
  const name = snapName(ctx);
  if (!/^(?=.*[a-z])[a-z0-9](?:-?[a-z0-9])*$/.test(name) || name.length > 40) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `"${name}" is not a valid snap name.`,
      why: "Snap names are at most 40 lower-case letters, digits and single hyphens, with at least one letter.",
      fix: "Set `name:` in the snap section of ferry.yaml.",
    });
  }
  const summary = options.summary ?? (project.description.split("\n")[0] ?? "").slice(0, 78);
  const app: Record<string, unknown> = { command: `bin/${project.binary}` };
  if (options.plugs.length > 0) app.plugs = options.plugs;
  const yaml = {
    name,
    version: snapVersion(ctx.version),
    summary,
    description: options.description ?? project.description,
    base: options.base,
    grade: options.grade ?? defaultGrade(ctx),
    confinement: options.confinement,
    architectures: [arch],
    apps: { [appName(name, project.binary)]: app },
  };
  return stringify(yaml, { lineWidth: 0 });
}

/**
 * The store refuses `devel` snaps on the stable and candidate risks, so a release candidate
 * (which goes to candidate) stays `stable`; other prereleases (beta, edge) are `devel`.
 */
const defaultGrade = (ctx: Context<SnapOptions>) => (["stable", "candidate"].includes(snapChannel(ctx.version)) ? "stable" : "devel");

/** The app is called like the snap when the binary has the snap's name, so `hello` runs it (not `hello.hello`). */
const appName = (snap: string, binary: string) => (binary === snap ? snap : binary.toLowerCase().replace(/[^a-z0-9-]/g, "-"));

/**
 * Builds `<name>_<version>_<arch>.snap` the way `snap pack` does (squashfs, xz, root-owned, no
 * xattrs or fragments), with every timestamp fixed so the same release gives the same bytes.
 */
export async function buildSnap(ctx: Context<SnapOptions>, artifact: SnapArtifact, outDir: string): Promise<BuiltSnap> {
  const root = join(outDir, `.root-${artifact.snapArch}`);
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, "bin"), { recursive: true });
  await mkdir(join(root, "meta"), { recursive: true });
  const binary = join(root, "bin", ctx.project.binary);
  await copyFile(await ctx.binary(artifact), binary);
  await writeFile(join(root, "meta", "snap.yaml"), renderSnapYaml(ctx, artifact.snapArch));
  // The umask must not leak into the image.
  await chmod(binary, 0o755);
  await chmod(join(root, "meta", "snap.yaml"), 0o644);
  for (const dir of [root, join(root, "bin"), join(root, "meta")]) await chmod(dir, 0o755);

  const file = join(outDir, `${snapName(ctx)}_${snapVersion(ctx.version)}_${artifact.snapArch}.snap`);
  await rm(file, { force: true });
  await ctx.exec("mksquashfs", [
    root,
    file,
    ...["-noappend", "-comp", "xz", "-all-root", "-no-xattrs", "-no-fragments"],
    ...["-mkfs-time", "0", "-all-time", "0", "-no-progress", "-quiet"],
  ]);
  await rm(root, { recursive: true, force: true });
  return { arch: artifact.snapArch, file, sha3_384: await sha3(file) };
}

async function sha3(file: string): Promise<string> {
  const hash = createHash("sha3-384");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}
