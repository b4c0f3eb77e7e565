import { defineFileRegistry, envName, repoFilesOptions, type Context } from "@ferry/core";
import { z } from "zod";
import { architectures, parseScoop, renderScoop } from "./render.ts";

const options = z
  .object({
    bucket: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name")
      .optional()
      .meta({ description: "The bucket on GitHub, `owner/name`, written through the contents API. Or set `git`." }),
    ...repoFilesOptions,
    app: z
      .string()
      .regex(/^[\w.-]+$/, "expected a file name without .json")
      .optional()
      .meta({ description: "The app name (bucket/<app>.json). Default: the project name." }),
    token: envName().default("SCOOP_BUCKET_TOKEN").meta({ description: "Name of the secret with a token that may write to the bucket." }),
  })
  .strict();

type Options = z.infer<typeof options>;

const appName = (ctx: Context<Options>) => ctx.options.app ?? ctx.project.name;

export default defineFileRegistry<Options>({
  name: "scoop",
  options,
  targets: architectures.map(([, arch]) => `windows/${arch}` as const),
  repository: (ctx) => ctx.options.bucket,
  path: (ctx) => `bucket/${appName(ctx)}.json`,
  render: (ctx) => renderScoop({ project: ctx.project, version: ctx.version, manifest: ctx.manifest }),
  message: (ctx) => `${appName(ctx)}: Update to version ${ctx.version.semver}`,
  version: (ctx) => ctx.version.semver,
  parse: parseScoop,
});
