import { httpUrl } from "@ferry/core";
import { z } from "zod";

export const snapOptions = z
  .object({
    name: z
      .string()
      .regex(
        /^(?=.*[a-z])[a-z0-9](?:-?[a-z0-9])*$/,
        "expected a snap name: lower-case letters, digits and single hyphens, at least one letter",
      )
      .max(40)
      .optional()
      .meta({ description: "The snap's name in the store (registered beforehand with `snapcraft register`). Default: project.name." }),
    summary: z
      .string()
      .max(78)
      .optional()
      .meta({ description: "One line shown in the store (at most 78 characters). Default: the first line of project.description." }),
    description: z.string().optional().meta({ description: "The store page's description. Default: project.description." }),
    base: z.string().default("core24").meta({ description: "The base snap the binary runs on." }),
    confinement: z
      .enum(["strict", "classic", "devmode"])
      .default("strict")
      .meta({ description: "`classic` snaps need the store's manual approval once." }),
    grade: z.enum(["stable", "devel"]).optional().meta({
      description:
        '`devel` snaps cannot go to the stable or candidate risks. Default: "stable", and "devel" for prereleases that go to beta or edge.',
    }),
    plugs: z.array(z.string()).default([]).meta({ description: "Interfaces the app plugs, e.g. `[network, home]`." }),
    track: z
      .string()
      .default("latest")
      .meta({ description: "The channel track; the risk comes from the version (stable, candidate, beta, edge)." }),
    storage: httpUrl()
      .optional()
      .meta({ description: "The upload service. Default: $FERRY_SNAP_STORAGE_URL, else https://storage.snapcraftcontent.com." }),
    dashboard: httpUrl().optional().meta({
      description:
        "The publisher API (push, release, channel map). Default: $FERRY_SNAP_DASHBOARD_URL, else https://dashboard.snapcraft.io.",
    }),
    api: httpUrl().optional().meta({ description: "The public device API. Default: $FERRY_SNAP_API_URL, else https://api.snapcraft.io." }),
  })
  .strict();

export type SnapOptions = z.infer<typeof snapOptions>;
