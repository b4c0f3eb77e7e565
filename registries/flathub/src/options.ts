import { httpUrl } from "@ferry/core";
import { z } from "zod";

export const flathubOptions = z
  .object({
    /** The application ID, reverse-DNS with at least three parts, e.g. `io.github.acme.Hello`. */
    appId: z.string().regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*){2,}$/, {
      message: "must be a reverse-DNS ID with at least three parts, e.g. io.github.acme.Hello",
    }),
    /** @default "org.freedesktop.Platform" */
    runtime: z.string().default("org.freedesktop.Platform"),
    /** @default "24.08" */
    runtimeVersion: z.string().default("24.08"),
    /** @default "org.freedesktop.Sdk" */
    sdk: z.string().default("org.freedesktop.Sdk"),
    /**
     * The app's repository on GitHub, which the pull request goes to.
     * @default "flathub/<appId>"
     */
    repository: z.string().optional(),
    /**
     * The branch the pull request targets: `master` for stable, `beta` for the beta channel.
     * @default "master"
     */
    branch: z.string().default("master"),
    /**
     * The environment variable holding a GitHub token (classic scope public_repo) of the account that
     * forks the app's repository and opens the pull request.
     * @default "FLATHUB_TOKEN"
     */
    token: z.string().default("FLATHUB_TOKEN"),
    /**
     * Sandbox permissions, e.g. `["--share=network", "--filesystem=home"]`.
     * @default []
     */
    finishArgs: z.array(z.string()).default([]),
    /**
     * One line for the store listing.
     * @default project.description without its final full stop
     */
    summary: z.string().optional(),
    /**
     * The developer's name in the metainfo.
     * @default project.author without the email
     */
    developer: z.string().optional(),
    /**
     * The Flathub API base used by exists() and verify().
     * @default $FERRY_FLATHUB_API, else https://flathub.org/api/v2
     */
    api: httpUrl().optional(),
  })
  .strict();

export type FlathubOptions = z.infer<typeof flathubOptions>;
