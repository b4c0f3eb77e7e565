import { httpUrl } from "@ferry/core";
import { z } from "zod";

export const aurOptions = z
  .object({
    package: z
      .string()
      .regex(/^[a-z0-9@_+][a-z0-9@._+-]*$/, "lowercase letters, digits and @ . _ + -, not starting with - or .")
      .optional()
      .meta({
        description:
          "The AUR package name (and pkgbase). The `-bin` suffix is the AUR's convention for packages that install prebuilt binaries. Default: `${project.name}-bin`.",
      }),
    git: z.string().optional().meta({
      description:
        'Where package repositories are cloned from and pushed to: `<git>/<pkgbase>.git`. Default: $FERRY_AUR_GIT, else "ssh://aur@aur.archlinux.org".',
    }),
    rpc: httpUrl().optional().meta({
      description:
        'The AUR web base, for the RPC (`/rpc/v5/info`) and the published files (`/cgit/aur.git/plain`). Default: $FERRY_AUR_RPC, else "https://aur.archlinux.org".',
    }),
    knownHosts: z.string().optional().meta({
      description:
        "known_hosts lines that pin the git host's SSH keys (host key checking is never disabled). Default: $FERRY_AUR_KNOWN_HOSTS, else the host keys aur.archlinux.org publishes.",
    }),
    maintainer: z
      .string()
      .optional()
      .meta({ description: "The `# Maintainer:` line of the PKGBUILD and the commit author, as `Name <email>`. Default: project.author." }),
  })
  .strict();

export type AurOptions = z.infer<typeof aurOptions>;
