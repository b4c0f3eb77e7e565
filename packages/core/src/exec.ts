import { execa, type Options as ExecaOptions } from "execa";
import { FerryError } from "./errors.ts";
import { redact } from "./secrets.ts";

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export type Exec = (file: string, args: readonly string[], options?: ExecaOptions & { registry?: string }) => Promise<ExecResult>;

/**
 * Runs a tool. On failure throws ToolFailed with the tool's own (redacted) output; a tool that
 * is not installed says so and how to get it.
 */
export const exec: Exec = async (file, args, { registry, ...options } = {}) => {
  const result = await execa(file, args, { reject: false, stripFinalNewline: true, ...options, all: true });
  if (result.failed) {
    const missing = (result as { code?: string }).code === "ENOENT";
    throw new FerryError("ToolFailed", {
      ...(registry ? { registry } : {}),
      what: missing
        ? `${file} is not installed.`
        : `${file} ${args[0] ?? ""} failed (exit ${result.exitCode ?? "signal " + result.signal}).`,
      why: missing
        ? "ferry runs it for this step."
        : redact(
            String(result.all ?? "")
              .trim()
              .slice(-2000),
          ),
      fix: missing ? `Install ${file} and make sure it is on PATH.` : undefined,
    });
  }
  return { stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? "") };
};
