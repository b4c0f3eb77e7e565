import { envName, httpUrl, repositoryName } from "@ferry/core";
import { z } from "zod";

export const flathubOptions = z
  .object({
    appId: z
      .string()
      .regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){2,}$/, {
        message: "must be a reverse-DNS ID with at least three parts, e.g. io.github.acme.Hello",
      })
      .meta({ description: "The application ID, reverse-DNS with at least three parts, e.g. `io.github.acme.Hello`." }),
    runtime: z.string().default("org.freedesktop.Platform").meta({ description: "The runtime the app runs on." }),
    runtimeVersion: z.string().default("24.08").meta({ description: "The runtime's version (branch)." }),
    sdk: z.string().default("org.freedesktop.Sdk").meta({ description: "The SDK the manifest names for building." }),
    repository: repositoryName()
      .optional()
      .meta({ description: "The app's repository on GitHub, which the pull request goes to.", default: "flathub/<appId>" }),
    branch: z
      .string()
      .default("master")
      .meta({ description: "The branch the pull request targets: `master` for stable, `beta` for the beta channel." }),
    token: envName().default("FLATHUB_TOKEN").meta({
      description:
        "The environment variable holding a GitHub token (classic scope public_repo) of the account that forks the app's repository and opens the pull request.",
    }),
    finishArgs: z
      .array(z.string())
      .default([])
      .meta({ description: 'Sandbox permissions, e.g. `["--share=network", "--filesystem=home"]`.' }),
    summary: z
      .string()
      .optional()
      .meta({ description: "One line for the store listing. Default: project.description without its final full stop." }),
    developer: z
      .string()
      .optional()
      .meta({ description: "The developer's name in the metainfo. Default: project.author without the email." }),
    api: httpUrl().optional().meta({
      description: "The Flathub API base used by exists() and verify(). Default: $FERRY_FLATHUB_API, else https://flathub.org/api/v2.",
    }),
  })
  .strict();

export type FlathubOptions = z.infer<typeof flathubOptions>;
