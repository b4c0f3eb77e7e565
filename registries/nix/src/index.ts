import { defineFileRegistry, envName, innerPath, nixVersion, repoFilesOptions, type Context } from "@ferry/core";
import { z } from "zod";
import { nixTargets, parseDerivation, renderDerivation, semverOfNix } from "./render.ts";

const options = z
  .object({
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name")
      .optional()
      .meta({ description: "The flake or NUR repository on GitHub, `owner/name`, written through the contents API. Or set `git`." }),
    ...repoFilesOptions,
    pname: z
      .string()
      .regex(/^[A-Za-z_][\w.+-]*$/, "expected a Nix package name")
      .optional()
      .meta({ description: "The package name (`pname`). Default: the project name." }),
    path: innerPath()
      .regex(/\.nix$/, "expected a path ending in .nix")
      .optional()
      .meta({ description: "Where the derivation goes in the repository.", default: "pkgs/<pname>/default.nix" }),
    token: envName().default("NIX_REPO_TOKEN").meta({ description: "Name of the secret with a token that may write to the repository." }),
  })
  .strict();

type Options = z.infer<typeof options>;

const pname = (ctx: Context<Options>) => ctx.options.pname ?? ctx.project.name;

export default defineFileRegistry<Options>({
  name: "nix",
  options,
  targets: nixTargets,
  repository: (ctx) => ctx.options.repository,
  path: (ctx) => ctx.options.path ?? `pkgs/${pname(ctx)}/default.nix`,
  render: (ctx) => renderDerivation({ project: ctx.project, version: ctx.version, manifest: ctx.manifest, pname: pname(ctx) }),
  message: (ctx) => `${pname(ctx)}: ${nixVersion(ctx.version)}`,
  // builtins.compareVersions sorts 1.2.3-rc.1 above 1.2.3; nixVersion marks prereleases with `pre`.
  version: (ctx) => nixVersion(ctx.version),
  parse: parseDerivation,
  toSemver: semverOfNix,
});
