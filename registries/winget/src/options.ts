import { z } from "zod";

export const wingetOptions = z
  .object({
    /**
     * The package identifier, `Publisher.Package` (up to eight dot-separated parts), e.g. `Hello.Hello`.
     * It decides the manifest's folder: manifests/h/Hello/Hello/<version>/.
     */
    identifier: z.string().regex(/^[^.\s\\/:*?"<>|\x01-\x1f]{1,32}(\.[^.\s\\/:*?"<>|\x01-\x1f]{1,32}){1,7}$/, {
      message: 'must be Publisher.Package: dot-separated parts without spaces or any of \\ / : * ? " < > |',
    }),
    /**
     * The publisher's display name.
     * @default the identifier's first part
     */
    publisher: z.string().min(2).optional(),
    /**
     * The package's display name.
     * @default project.name
     */
    packageName: z.string().min(2).optional(),
    /**
     * The repository the pull request goes to, `owner/name`.
     * @default "microsoft/winget-pkgs"
     */
    repository: z.string().default("microsoft/winget-pkgs"),
    /**
     * The manifest schema version written into every file; winget-pkgs accepts 1.10.0 and later.
     * @default "1.10.0"
     */
    manifestVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/)
      .default("1.10.0"),
    /**
     * The environment variable holding a GitHub token (classic scope public_repo) of the account
     * that forks the repository and opens the pull request.
     * @default "WINGET_TOKEN", falling back to WINGET_CREATE_GITHUB_TOKEN
     */
    token: z.string().default("WINGET_TOKEN"),
    /**
     * The license as winget shows it.
     * @default project.license
     */
    license: z.string().min(3).optional(),
    /**
     * One line describing the package.
     * @default project.description
     */
    shortDescription: z.string().min(3).max(256).optional(),
  })
  .strict();

export type WingetOptions = z.infer<typeof wingetOptions>;
