import { execFile } from "node:child_process";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs the real makepkg (pacman's, from Debian's pacman-package-manager) on a PKGBUILD in a fresh
 * directory. makepkg refuses to run as root, so root runs it as `nobody`; PACMAN=true stands in
 * for the pacman calls makepkg makes for dependencies, which these packages have none of.
 */
export async function makepkg(pkgbuild: string, args: string[]): Promise<{ dir: string; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ferry-makepkg-"));
  await chmod(dir, 0o777);
  await writeFile(join(dir, "PKGBUILD"), pkgbuild, { mode: 0o644 });
  const env = [
    "env",
    "PACMAN=true",
    `HOME=${dir}`,
    `BUILDDIR=${dir}/build`,
    `PKGDEST=${dir}`,
    `SRCDEST=${dir}/sources`,
    "makepkg",
    ...args,
  ];
  const [file, argv] = process.getuid?.() === 0 ? ["runuser", ["-u", "nobody", "--", ...env]] : [env[0]!, env.slice(1)];
  const { stdout, stderr } = await run(file, argv, { cwd: dir, encoding: "utf8", maxBuffer: 16 << 20 });
  return { dir, stdout, stderr };
}
