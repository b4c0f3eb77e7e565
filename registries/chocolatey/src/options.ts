import { httpUrl } from "@ferry/core";
import { z } from "zod";

/** A NuGet package id as the Chocolatey community repository takes it: lower case, no spaces. */
const packageIdPattern = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export const chocolateyOptions = z
  .object({
    id: z
      .string()
      .regex(packageIdPattern, "expected lower-case letters, digits, '.', '_' or '-' (at most 100)")
      .optional()
      .meta({ description: "The package id (lower case, as the community repository requires). Default: project.name." }),
    push: httpUrl().optional().meta({
      description:
        "Where packages are pushed (the NuGet v2 push API lives at `<push>api/v2/package/`). Default: $FERRY_CHOCOLATEY_SOURCE, else https://push.chocolatey.org/.",
    }),
    feed: httpUrl().optional().meta({
      description:
        'The OData feed that is asked whether a version exists. Default: $FERRY_CHOCOLATEY_SOURCE + "api/v2/", else https://community.chocolatey.org/api/v2/.',
    }),
    authors: z
      .string()
      .optional()
      .meta({ description: "The software's authors, shown on the package page. Default: project.author without the e-mail address." }),
    tags: z.array(z.string().regex(/^\S+$/)).optional().meta({ description: "Search tags. Default: [project.name]." }),
    title: z.string().optional().meta({ description: "The package's display title. Default: project.name." }),
    packageSourceUrl: httpUrl().optional().meta({
      description:
        "Where the package's source (this nuspec's generator) lives; moderators ask for it. Default: https://github.com/<project.repository>.",
    }),
  })
  .strict();

export type ChocolateyOptions = z.infer<typeof chocolateyOptions>;
