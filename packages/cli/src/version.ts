import { execa } from "execa";
import { FerryError, parseVersion, type Version } from "@ferry/core";

/** The release version: --tag, else GITHUB_REF when it is a tag, else the tag at HEAD. */
export async function resolveVersion(tag: string | undefined, dir: string, env: NodeJS.ProcessEnv): Promise<Version> {
  if (tag) return parseVersion(tag);
  if (env.GITHUB_REF?.startsWith("refs/tags/")) return parseVersion(env.GITHUB_REF.slice("refs/tags/".length));
  const described = await execa("git", ["describe", "--tags", "--exact-match", "HEAD"], { cwd: dir, reject: false });
  if (!described.failed && described.stdout.trim()) return parseVersion(described.stdout.trim());
  throw new FerryError("VersionInvalid", {
    what: "No release tag was given.",
    why: "There is no --tag, GITHUB_REF is not a tag, and HEAD has no tag.",
    fix: "Pass --tag v1.2.3, or run on a tagged commit.",
  });
}
