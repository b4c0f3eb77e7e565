import { z } from "zod";
import { errorCodes } from "./errors.ts";
import { statuses, successful, type TargetResult } from "./orchestrator.ts";
import { redact } from "./secrets.ts";
import { supplyChainItemSchema, type SupplyChainItem } from "./supply-chain.ts";

/** The report of one run, as `--json` prints it (docs/report.md; docs/report.schema.json is generated from this). */
const supplyChain = (description: string) => z.array(supplyChainItemSchema).optional().describe(description);

export const reportSchema = z
  .object({
    tag: z.string().describe("The release's git tag."),
    version: z.string().describe("The version the tag stands for (SemVer)."),
    dryRun: z.boolean().describe("true for `ferry plan` and `--dry-run`: nothing was written remotely."),
    release: z
      .object({
        status: z
          .enum(["published", "already-published", "built", "reused", "failed"])
          .describe(
            "published: this run created, completed or published the release; already-published: it was public with every asset already; built: a dry run built it without uploading; reused: `ferry publish` fanned out an existing release; failed: see error.",
          ),
        url: z.string().optional().describe("The release page."),
        install: z
          .array(z.string())
          .optional()
          .describe("The commands that run the release's one-line installers (install.sh, install.ps1)."),
        error: z.string().optional().describe("Why the hub failed."),
        supplyChain: supplyChain(
          "What the published release carries: each signature of checksums.txt, each SBOM (its subject is the archive it describes) and the provenance attestation of its files. In a plan: what publishing would make, and why not (`skipped`).",
        ),
        packages: z
          .array(
            z
              .object({
                file: z.string().describe("The package's file name on the release."),
                format: z.enum(["deb", "rpm", "apk"]),
                name: z.string(),
                version: z.string().describe("As the format spells it: 1.2.3~rc.1 (deb), 1.2.3-1 (rpm), 1.2.3-r0 (apk)."),
                arch: z.string().describe("The format's architecture name: amd64, x86_64, aarch64, …"),
                maintainer: z.string(),
                summary: z.string(),
                depends: z.array(z.string()),
                conflicts: z.array(z.string()),
                files: z
                  .array(
                    z
                      .object({
                        path: z.string().describe("Where the file is installed, e.g. /usr/bin/hello."),
                        mode: z.string().describe("Octal permissions, e.g. 0755."),
                        size: z.number().int().nonnegative().describe("Bytes."),
                      })
                      .strict(),
                  )
                  .describe("Every file the package installs."),
              })
              .strict(),
          )
          .optional()
          .describe("Dry runs only: each .deb, .rpm and .apk of the release, its control data and files."),
      })
      .strict()
      .describe("The GitHub Release (the hub)."),
    targets: z
      .array(
        z
          .object({
            registry: z.string().describe("The registry's name in ferry.yaml."),
            status: z
              .enum(statuses)
              .describe(
                "published+verified: published now and read back from the registry; awaiting-review: accepted, waiting for the registry's review; already-published: there with this release's content; skipped: selected out, a policy skipped it, or a registry that holds one version has a newer one; planned: a dry run rendered it; failed: see error; blocked: the hub failed, so a registry that needs binaries could not run.",
              ),
            detail: z.string().describe("What the registry holds, or what went wrong."),
            error: z
              .object({ code: z.enum(errorCodes), message: z.string() })
              .strict()
              .optional()
              .describe("For failed and blocked targets: the error's permanent code and its message."),
            files: z.array(z.string()).describe("Files prepare() rendered, relative to the output directory."),
            supplyChain: supplyChain(
              "The signatures, SBOMs, attestations and provenance this run published to the registry and read back from it. In a plan: what publishing would make, and why not (`skipped`).",
            ),
            durationMs: z.number().nonnegative().describe("How long this registry took, in milliseconds."),
          })
          .strict(),
      )
      .describe("One entry per selected registry."),
    exitCode: z.number().int().describe("The process's exit code: 0 when every target is fine, 1 otherwise."),
  })
  .strict()
  .describe("The report of one ferry run, as `--json` prints it.");

export type Report = z.infer<typeof reportSchema>;

/** The JSON Schema of the `--json` report. */
export const reportJsonSchema = () => z.toJSONSchema(reportSchema);

/** 0 when every target is fine (published, there already, awaiting review, skipped or planned); 1 otherwise. */
export function exitCodeOf(release: Report["release"], targets: TargetResult[]): number {
  return release.status !== "failed" && targets.every((t) => successful.has(t.status)) ? 0 : 1;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The report as plain text: one line per target, the way a terminal or a CI log shows it. */
export function formatReport(report: Report): string {
  const rows: Array<{ cells: string[]; supplyChain?: SupplyChainItem[] | undefined }> = [
    {
      cells: ["github-release", report.release.status, "", report.release.error ?? report.release.url ?? ""],
      supplyChain: report.release.supplyChain,
    },
    ...report.targets.map((t) => ({ cells: [t.registry, t.status, seconds(t.durationMs), t.detail], supplyChain: t.supplyChain })),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r.cells[i]!.length)));
  const lines = rows.flatMap(({ cells, supplyChain }) => [
    cells
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell))
      .join("  ")
      .trimEnd(),
    ...(supplyChain ?? []).map((item) =>
      `  ${item.kind.padEnd(11)}  ${item.subject}  ${item.skipped ? `not made: ${item.skipped}` : (item.location ?? "")}`.trimEnd(),
    ),
  ]);
  const failed = report.targets.filter((t) => !successful.has(t.status)).length + (report.release.status === "failed" ? 1 : 0);
  const summary = failed ? `${failed} failed or blocked` : report.dryRun ? "dry run: nothing was published" : "all done";
  const install = (report.release.install ?? []).map((command) => `install: ${command}\n`).join("");
  return redact(`ferry ${report.tag}\n${lines.join("\n")}\n${install}${summary}\n`);
}

export function formatJson(report: Report): string {
  return redact(`${JSON.stringify(report, null, 2)}\n`);
}

/** A Markdown table for $GITHUB_STEP_SUMMARY. */
export function formatStepSummary(report: Report): string {
  const escape = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = report.targets.map((t) => `| ${t.registry} | ${t.status} | ${seconds(t.durationMs)} | ${escape(t.detail)} |`);
  return redact(
    [
      `### ferry ${report.tag}${report.dryRun ? " (dry run)" : ""}`,
      "",
      "| target | result | time | detail |",
      "| --- | --- | --- | --- |",
      `| github-release | ${report.release.status} |  | ${escape(report.release.error ?? report.release.url ?? "")} |`,
      ...rows,
      "",
    ].join("\n"),
  );
}

/** GitHub Actions workflow commands that show failures as error annotations. */
export function formatAnnotations(report: Report): string {
  const escape = (text: string) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const lines = report.targets
    .filter((t) => t.status === "failed" || t.status === "blocked")
    .map((t) => `::error title=ferry ${t.registry} ${t.status}::${escape(t.detail)}`);
  if (report.release.status === "failed") lines.unshift(`::error title=ferry github-release failed::${escape(report.release.error ?? "")}`);
  return redact(lines.map((l) => `${l}\n`).join(""));
}
