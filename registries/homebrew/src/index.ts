import { defineFileRegistry, envName, repoFilesOptions, type Context } from "@ferry/core";
import { z } from "zod";
import { parseFormula, renderCask, renderFormula } from "./render.ts";

const options = z
  .object({
    tap: z
      .string()
      .regex(/^[\w.-]+\/homebrew-[\w.-]+$/, "expected owner/homebrew-<name>")
      .optional()
      .meta({ description: "The tap on GitHub, `owner/homebrew-<name>`, written through the contents API. Or set `git`." }),
    ...repoFilesOptions,
    cask: z.boolean().default(false).meta({ description: "Publish a cask (Casks/<formula>.rb, macOS only) instead of a formula." }),
    formula: z
      .string()
      .regex(/^[a-z0-9][a-z0-9@._+-]*$/, "expected a lowercase formula name")
      .optional()
      .meta({ description: "The formula (or cask) name: Formula/<formula>.rb. Default: the project name." }),
    token: envName().default("HOMEBREW_TAP_TOKEN").meta({ description: "Name of the secret with a token that may write to the tap." }),
  })
  .strict();

type Options = z.infer<typeof options>;

const formulaName = (ctx: Context<Options>) => ctx.options.formula ?? ctx.project.name.toLowerCase();

export default defineFileRegistry<Options>({
  name: "homebrew",
  options,
  // One archive per OS and CPU: a musl build stands in for a missing glibc one, the universal binary for missing macOS ones.
  targets: ["darwin/amd64", "darwin/arm64", "darwin/universal", "linux/amd64", "linux/arm64", "linux/amd64-musl", "linux/arm64-musl"],
  repository: (ctx) => ctx.options.tap,
  path: (ctx) => `${ctx.options.cask ? "Casks" : "Formula"}/${formulaName(ctx)}.rb`,
  render: (ctx) =>
    (ctx.options.cask ? renderCask : renderFormula)({
      project: ctx.project,
      version: ctx.version,
      manifest: ctx.manifest,
      formula: formulaName(ctx),
    }),
  message: (ctx) => `${formulaName(ctx)} ${ctx.version.semver}`,
  version: (ctx) => ctx.version.semver,
  parse: parseFormula,
});
