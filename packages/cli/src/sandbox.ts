import { FerryError } from "@ferry/core";
import type * as SandboxPackage from "@ferry/sandbox";
import { sandboxPackageName } from "./distribution.ts";
import { version } from "./usage.ts";

/**
 * Starts the local stand-ins. They ship as a package of their own (Verdaccio and the other
 * servers are large), loaded only when a command asks for the sandbox.
 */
export async function startSandbox(setup: Parameters<typeof SandboxPackage.startSandbox>[0]): Promise<SandboxPackage.Sandbox> {
  let sandbox: typeof SandboxPackage;
  try {
    sandbox = await import("@ferry/sandbox");
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new FerryError("InputMissing", {
      what: `The sandbox needs the package ${sandboxPackageName}, which is not installed.`,
      why: "The local stand-ins (Verdaccio, a GitHub API, git and the other registries) ship apart from ferry.",
      fix: `Install it beside ferry: \`npm install --global ${sandboxPackageName}@${version}\`.`,
      cause: error,
    });
  }
  return sandbox.startSandbox(setup);
}
