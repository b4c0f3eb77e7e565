import { execa } from "execa";
import semver from "semver";
import { FerryError, parseTag, type Version } from "@ferry/core";

/**
 * The release version: --tag, else GITHUB_REF when it is a tag, else this project's tag at HEAD
 * (the highest, when HEAD has several). Every tag must start with `prefix` (release.tagPrefix).
 */
export async function resolveVersion(tag: string | undefined, dir: string, env: NodeJS.ProcessEnv, prefix = ""): Promise<Version> {
  if (tag) return parseTag(tag, prefix);
  if (env.GITHUB_REF?.startsWith("refs/tags/")) return parseTag(env.GITHUB_REF.slice("refs/tags/".length), prefix);
  const listed = await execa("git", ["tag", "--points-at", "HEAD"], { cwd: dir, reject: false });
  const atHead = listed.failed ? [] : listed.stdout.split("\n").flatMap((t) => ownTag(t.trim(), prefix));
  const newest = atHead.sort((a, b) => semver.rcompare(a.semver, b.semver))[0];
  if (newest) return newest;
  throw new FerryError("VersionInvalid", {
    what: "No release tag was given.",
    why: `There is no --tag, GITHUB_REF is not a tag, and HEAD has no tag${prefix ? ` starting with "${prefix}"` : ""}.`,
    fix: `Pass --tag ${prefix}v1.2.3, or run on a tagged commit.`,
  });
}

function ownTag(tag: string, prefix: string): Version[] {
  if (!tag.startsWith(prefix)) return [];
  try {
    return [parseTag(tag, prefix)];
  } catch {
    return []; // another project's tag, or not a version
  }
}
