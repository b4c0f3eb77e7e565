import { execa } from "execa";
import { defaultMtime } from "./archive.ts";

/**
 * The release's SOURCE_DATE_EPOCH (reproducible-builds.org), in seconds: the one set in the
 * environment, else the time of the tagged commit, else of HEAD (a tag not yet created), else a
 * fixed date outside git. Build commands get it, and every archive entry carries it, so a rebuild
 * of the same commit gives the same bytes.
 */
export async function sourceDateEpoch(dir: string, tag: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const given = env.SOURCE_DATE_EPOCH?.trim();
  if (given && /^\d+$/.test(given)) return Number(given);
  for (const revision of [`${tag}^{commit}`, "HEAD"]) {
    const result = await execa("git", ["log", "-1", "--format=%ct", revision, "--"], { cwd: dir, reject: false });
    if (result.exitCode === 0 && /^\d+$/.test(result.stdout.trim())) return Number(result.stdout.trim());
  }
  return defaultMtime.getTime() / 1000;
}
