import { httpUrl } from "@ferry/core";
import { z } from "zod";

/** A NuGet package id as the Chocolatey community repository takes it: lower case, no spaces. */
const packageIdPattern = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export const chocolateyOptions = z
  .object({
    /**
     * The package id (lower case, as the community repository requires).
     * @default project.name
     */
    id: z.string().regex(packageIdPattern, "expected lower-case letters, digits, '.', '_' or '-' (at most 100)").optional(),
    /**
     * Where packages are pushed (the NuGet v2 push API lives at `<push>api/v2/package/`).
     * @default $FERRY_CHOCOLATEY_SOURCE, else https://push.chocolatey.org/
     */
    push: httpUrl().optional(),
    /**
     * The OData feed that is asked whether a version exists.
     * @default $FERRY_CHOCOLATEY_SOURCE + "api/v2/", else https://community.chocolatey.org/api/v2/
     */
    feed: httpUrl().optional(),
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
    packageSourceUrl: httpUrl().optional(),
  })
  .strict();

export type ChocolateyOptions = z.infer<typeof chocolateyOptions>;
