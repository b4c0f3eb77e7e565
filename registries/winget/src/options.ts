import { envName, repositoryName } from "@ferry/core";
import { z } from "zod";

export const wingetOptions = z
  .object({
    identifier: z
      .string()
      .regex(/^[^.\s\\/:*?"<>|\x01-\x1f]{1,32}(\.[^.\s\\/:*?"<>|\x01-\x1f]{1,32}){1,7}$/, {
        message: 'must be Publisher.Package: dot-separated parts without spaces or any of \\ / : * ? " < > |',
      })
      .meta({
        description:
          "The package identifier, `Publisher.Package` (up to eight dot-separated parts), e.g. `Hello.Hello`. It decides the manifest's folder: manifests/h/Hello/Hello/<version>/.",
      }),
    publisher: z.string().min(2).optional().meta({ description: "The publisher's display name. Default: the identifier's first part." }),
    packageName: z.string().min(2).optional().meta({ description: "The package's display name. Default: project.name." }),
    repository: repositoryName()
      .default("microsoft/winget-pkgs")
      .meta({ description: "The repository the pull request goes to, `owner/name`." }),
    manifestVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/)
      .default("1.10.0")
      .meta({ description: "The manifest schema version written into every file; winget-pkgs accepts 1.10.0 and later." }),
    token: envName().default("WINGET_TOKEN").meta({
      description:
        'The environment variable holding a GitHub token (classic scope public_repo) of the account that forks the repository and opens the pull request. Default: "WINGET_TOKEN", falling back to WINGET_CREATE_GITHUB_TOKEN.',
    }),
    license: z.string().min(3).optional().meta({ description: "The license as winget shows it. Default: project.license." }),
    shortDescription: z
      .string()
      .min(3)
      .max(256)
      .optional()
      .meta({ description: "One line describing the package. Default: project.description." }),
  })
  .strict();

export type WingetOptions = z.infer<typeof wingetOptions>;
