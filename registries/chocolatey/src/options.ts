import { z } from "zod";

export const chocolateyOptions = z
  .object({
    /**
     * The package id (lower case, as the community repository requires).
     * @default project.name
     */
    id: z.string().optional(),
    /**
     * Where packages are pushed (the NuGet v2 push API lives at `<push>api/v2/package/`).
     * @default $FERRY_CHOCOLATEY_SOURCE, else https://push.chocolatey.org/
     */
    push: z.string().url().optional(),
    /**
     * The OData feed that is asked whether a version exists.
     * @default $FERRY_CHOCOLATEY_SOURCE + "api/v2/", else https://community.chocolatey.org/api/v2/
     */
    feed: z.string().url().optional(),
    /**
     * The software's authors, shown on the package page.
     * @default project.author without the e-mail address
     */
    authors: z.string().optional(),
    /**
     * Search tags.
     * @default [project.name]
     */
    tags: z.array(z.string().regex(/^\S+$/)).optional(),
    /**
     * The package's display title.
     * @default project.name
     */
    title: z.string().optional(),
    /**
     * Where the package's source (this nuspec's generator) lives; moderators ask for it.
     * @default https://github.com/<project.repository>
     */
    packageSourceUrl: z.string().url().optional(),
  })
  .strict();

export type ChocolateyOptions = z.infer<typeof chocolateyOptions>;
