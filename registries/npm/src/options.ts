import { z } from "zod";

export const npmOptions = z
  .object({
    /**
     * The main package's name, e.g. `@hello/cli` or `hello-cli`; platform packages are named after it
     * (`@hello/cli-linux-x64`).
     * @default project.name
     */
    package: z.string().optional(),
    /**
     * The registry to publish to.
     * @default $NPM_CONFIG_REGISTRY, else https://registry.npmjs.org
     */
    registry: z.string().url().optional(),
    /**
     * Who may install the package; `restricted` needs a paid scope on npmjs.org.
     * @default "public"
     */
    access: z.enum(["public", "restricted"]).default("public"),
    /**
     * A package directory (relative to the project) to publish as it is, instead of packaging the
     * release's binaries. Its package.json version must be the release's version.
     */
    directory: z.string().optional(),
  })
  .strict();

export type NpmOptions = z.infer<typeof npmOptions>;
