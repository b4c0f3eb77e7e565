import { httpUrl } from "@ferry/core";
import { z } from "zod";

export const aurOptions = z
  .object({
    /**
     * The AUR package name (and pkgbase). The `-bin` suffix is the AUR's convention for packages
     * that install prebuilt binaries.
     * @default `${project.name}-bin`
     */
    package: z
      .string()
      .regex(/^[a-z0-9@_+][a-z0-9@._+-]*$/, "lowercase letters, digits and @ . _ + -, not starting with - or .")
      .optional(),
    /**
     * Where package repositories are cloned from and pushed to: `<git>/<pkgbase>.git`.
     * @default $FERRY_AUR_GIT, else "ssh://aur@aur.archlinux.org"
     */
    git: z.string().optional(),
    /**
     * The AUR web base, for the RPC (`/rpc/v5/info`) and the published files (`/cgit/aur.git/plain`).
     * @default $FERRY_AUR_RPC, else "https://aur.archlinux.org"
     */
    rpc: httpUrl().optional(),
    /**
     * known_hosts lines that pin the git host's SSH keys (host key checking is never disabled).
     * @default $FERRY_AUR_KNOWN_HOSTS, else the host keys aur.archlinux.org publishes
     */
    knownHosts: z.string().optional(),
    /**
     * The `# Maintainer:` line of the PKGBUILD and the commit author, as `Name <email>`.
     * @default project.author
     */
    maintainer: z.string().optional(),
  })
  .strict();

export type AurOptions = z.infer<typeof aurOptions>;
