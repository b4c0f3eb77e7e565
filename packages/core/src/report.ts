import { successful, type Status, type TargetResult } from "./orchestrator.ts";
import { redact } from "./secrets.ts";

export interface Report {
  tag: string;
  version: string;
  dryRun: boolean;
  /** The hub: "published", "built" (dry-run), "reused" (ferry publish) or "failed". */
  release: { status: "published" | "built" | "reused" | "failed"; url?: string; error?: string };
  targets: TargetResult[];
  exitCode: number;
}

const labels: Record<Status, string> = {
  published: "published+verified",
  "awaiting-review": "awaiting-review",
  "already-published": "already-published",
  skipped: "skipped",
  planned: "planned",
  failed: "failed",
  blocked: "blocked",
};

/** 0 when every target is fine (published, there already, awaiting review, skipped or planned); 1 otherwise. */
export function exitCodeOf(release: Report["release"], targets: TargetResult[]): number {
  return release.status !== "failed" && targets.every((t) => successful.has(t.status)) ? 0 : 1;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The report as plain text: one line per target, the way a terminal or a CI log shows it. */
export function formatReport(report: Report): string {
  const rows: string[][] = [
    ["github-release", report.release.status, "", report.release.error ?? report.release.url ?? ""],
    ...report.targets.map((t) => [t.registry, labels[t.status], seconds(t.durationMs), t.detail]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell))
      .join("  ")
      .trimEnd(),
  );
  const failed = report.targets.filter((t) => !successful.has(t.status)).length + (report.release.status === "failed" ? 1 : 0);
  const summary = failed ? `${failed} failed or blocked` : report.dryRun ? "dry run: nothing was published" : "all done";
  return redact(`ferry ${report.tag}\n${lines.join("\n")}\n${summary}\n`);
}

export function formatJson(report: Report): string {
  return redact(`${JSON.stringify(report, null, 2)}\n`);
}

/** A Markdown table for $GITHUB_STEP_SUMMARY. */
export function formatStepSummary(report: Report): string {
  const escape = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = report.targets.map((t) => `| ${t.registry} | ${labels[t.status]} | ${seconds(t.durationMs)} | ${escape(t.detail)} |`);
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
