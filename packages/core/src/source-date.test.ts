import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { expect, test } from "vitest";
import { sourceDateEpoch } from "./source-date.ts";

test("SOURCE_DATE_EPOCH: the environment's, else the tagged commit's time, else HEAD's, else a fixed date", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ferry-source-date-"));
  expect(await sourceDateEpoch(dir, "v1.0.0", {})).toBe(946684800);
  const git = (args: string[], date: string) =>
    execa("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  await execa("git", ["init", "-q"], { cwd: dir });
  await writeFile(join(dir, "a"), "a");
  await git(["add", "a"], "@1700000000 +0000");
  await git(["commit", "-qm", "one"], "@1700000000 +0000");
  await git(["tag", "v1.0.0"], "@1700000000 +0000");
  await git(["commit", "-qm", "two", "--allow-empty"], "@1800000000 +0000");
  expect(await sourceDateEpoch(dir, "v1.0.0", {})).toBe(1700000000);
  expect(await sourceDateEpoch(dir, "v2.0.0", {})).toBe(1800000000);
  expect(await sourceDateEpoch(dir, "v1.0.0", { SOURCE_DATE_EPOCH: "1234" })).toBe(1234);
  await rm(dir, { recursive: true, force: true });
});
