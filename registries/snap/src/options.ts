import { httpUrl } from "@ferry/core";
import { z } from "zod";

export const snapOptions = z
  .object({
    /**
     * The snap's name in the store (registered beforehand with `snapcraft register`).
     * @default project.name
     */
    name: z
      .string()
      .regex(
        /^(?=.*[a-z])[a-z0-9](?:-?[a-z0-9])*$/,
        "expected a snap name: lower-case letters, digits and single hyphens, at least one letter",
      )
      .max(40)
      .optional(),
    /**
     * One line shown in the store (at most 78 characters).
     * @default the first line of project.description
     */
    summary: z.string().max(78).optional(),
    /**
     * The store page's description.
     * @default project.description
     */
    description: z.string().optional(),
    /**
     * The base snap the binary runs on.
     * @default "core24"
     */
    base: z.string().default("core24"),
    /**
     * `classic` snaps need the store's manual approval once.
     * @default "strict"
     */
    confinement: z.enum(["strict", "classic", "devmode"]).default("strict"),
    /**
     * `devel` snaps cannot go to the stable or candidate risks.
     * @default "stable", and "devel" for prereleases that go to beta or edge
     */
    grade: z.enum(["stable", "devel"]).optional(),
    /**
     * Interfaces the app plugs, e.g. `[network, home]`.
     * @default []
     */
    plugs: z.array(z.string()).default([]),
    /**
     * The channel track; the risk comes from the version (stable, candidate, beta, edge).
     * @default "latest"
     */
    track: z.string().default("latest"),
    /**
     * The upload service.
     * @default $FERRY_SNAP_STORAGE_URL, else https://storage.snapcraftcontent.com
     */
    storage: httpUrl().optional(),
    /**
     * The publisher API (push, release, channel map).
     * @default $FERRY_SNAP_DASHBOARD_URL, else https://dashboard.snapcraft.io
     */
    dashboard: httpUrl().optional(),
    /**
     * The public device API.
     * @default $FERRY_SNAP_API_URL, else https://api.snapcraft.io
     */
    api: httpUrl().optional(),
  })
  .strict();

export type SnapOptions = z.infer<typeof snapOptions>;
