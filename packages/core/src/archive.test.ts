import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { extractFile, hashFile, writeArchive } from "./archive.ts";

test.each(["tar.gz", "zip"] as const)("a %s archive is deterministic and keeps the executable bit", async (format) => {
  const dir = await mkdtemp(join(tmpdir(), "ferry-archive-"));
  await writeFile(join(dir, "hello"), "#!/bin/sh\necho hi\n");
  await chmod(join(dir, "hello"), 0o755);
  await writeFile(join(dir, "README.md"), "read me\n");
  const first = await writeArchive(format, dir, ["hello", "README.md"], join(dir, `a.${format}`));
  const second = await writeArchive(format, dir, ["README.md", "hello"], join(dir, `b.${format}`));
  expect(second).toEqual(first);
  expect(first.size).toBe((await stat(join(dir, `a.${format}`))).size);
  await extractFile(join(dir, `a.${format}`), format, "hello", join(dir, "out", "hello"));
  expect(await readFile(join(dir, "out", "hello"), "utf8")).toBe("#!/bin/sh\necho hi\n");
  expect((await stat(join(dir, "out", "hello"))).mode & 0o111).not.toBe(0);
});

test("entries carry the given mtime; a zip is the same bytes in every time zone", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ferry-archive-"));
  await writeFile(join(dir, "hello"), "hi\n");
  const mtime = new Date("2024-05-06T07:08:10Z");
  const zone = process.env.TZ;
  try {
    process.env.TZ = "UTC";
    const utc = await writeArchive("zip", dir, ["hello"], join(dir, "utc.zip"), mtime);
    process.env.TZ = "America/Los_Angeles";
    const pacific = await writeArchive("zip", dir, ["hello"], join(dir, "pacific.zip"), mtime);
    expect(pacific).toEqual(utc);
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
  const later = await writeArchive("tar.gz", dir, ["hello"], join(dir, "later.tar.gz"), mtime);
  const fixed = await writeArchive("tar.gz", dir, ["hello"], join(dir, "fixed.tar.gz"));
  expect(later.sha256).not.toBe(fixed.sha256);
  await rm(dir, { recursive: true, force: true });
});

test("hashFile gives the sha256 of files empty, smaller than a read, and across several reads", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ferry-hash-"));
  for (const size of [0, 1000, 2.5 * 2 ** 20, 2 * 2 ** 20]) {
    const bytes = randomBytes(size);
    await writeFile(join(dir, "file"), bytes);
    expect(await hashFile(join(dir, "file"))).toBe(createHash("sha256").update(bytes).digest("hex"));
  }
  await rm(dir, { recursive: true, force: true });
});

test.each(["tar.gz", "zip"] as const)("extracting a name a %s archive does not hold is refused, and writes nothing", async (format) => {
  const dir = await mkdtemp(join(tmpdir(), "ferry-archive-"));
  await writeFile(join(dir, "hello"), "hi\n");
  await writeArchive(format, dir, ["hello"], join(dir, `a.${format}`));
  await expect(extractFile(join(dir, `a.${format}`), format, "other", join(dir, "out", "other"))).rejects.toThrow(/has no other/);
  await expect(stat(join(dir, "out", "other"))).rejects.toThrow(/ENOENT/);
  await rm(dir, { recursive: true, force: true });
});
