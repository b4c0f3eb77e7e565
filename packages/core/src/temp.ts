import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** ferry-<label>-<pid>-XXXXXX: the process that made a temporary directory is in its name. */
const ownName = /^ferry-[a-z]+(?:-[a-z]+)*-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Makes a private temporary directory (keys, clones, scratch packages) named after this process,
 * so that a later run can remove it when this one is killed before its own cleanup runs.
 */
export function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ferry-${label}-${process.pid}-`));
}

/** Removes the temporary directories of ferry processes that are gone (killed, so they could not clean up). */
export async function removeStaleTempDirs(): Promise<string[]> {
  const names = await readdir(tmpdir()).catch(() => []);
  const stale = names.filter((name) => {
    const pid = ownName.exec(name)?.[1];
    return pid !== undefined && Number(pid) !== process.pid && !running(Number(pid));
  });
  await Promise.all(stale.map((name) => rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => {})));
  return stale;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user has that pid; it is not ours to judge.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
