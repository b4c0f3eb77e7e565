import { defineFileRegistry, repoFilesOptions, type Context } from "@ferry/core";
import { z } from "zod";
import { architectures, parseScoop, renderScoop } from "./render.ts";

const options = z
  .object({
    /** The bucket on GitHub, `owner/name`, written through the contents API. Or set `git`. */
    bucket: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name")
      .optional(),
    ...repoFilesOptions,
    /** The app name (bucket/<app>.json). @default the project name */
    app: z
      .string()
      .regex(/^[\w.-]+$/, "expected a file name without .json")
      .optional(),
    /** Name of the secret with a token that may write to the bucket. @default "SCOOP_BUCKET_TOKEN" */
    token: z.string().default("SCOOP_BUCKET_TOKEN"),
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
