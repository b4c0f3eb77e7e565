import { httpUrl } from "@ferry/core";
import validateName from "validate-npm-package-name";
import { z } from "zod";

/** Why npm would refuse a new package of this name, if it would (validate-npm-package-name is npm's own rule). */
export function nameProblem(name: string): string | undefined {
  const { validForNewPackages, errors = [], warnings = [] } = validateName(name);
  return validForNewPackages ? undefined : [...errors, ...warnings].join("; ");
}

export const npmOptions = z
  .object({
    package: z
      .string()
      .superRefine((name, ctx) => {
        const problem = nameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: `"${name}" is not a valid npm package name: ${problem}` });
      })
      .optional()
      .meta({
        description:
          "The main package's name, e.g. `@hello/cli` or `hello-cli`; platform packages are named after it (`@hello/cli-linux-x64`). Default: project.name.",
      }),
    registry: httpUrl()
      .optional()
      .meta({ description: "The registry to publish to. Default: $NPM_CONFIG_REGISTRY, else https://registry.npmjs.org." }),
    access: z
      .enum(["public", "restricted"])
      .default("public")
      .meta({ description: "Who may install the package; `restricted` needs a paid scope on npmjs.org." }),
    provenance: z.boolean().default(true).meta({
      description:
        "Send each package's provenance with publishes from CI with an OIDC identity, as `npm publish --provenance` does, and check it is served back. Set false for a registry that does not keep provenance (registry.npmjs.org does); `sign.attestations: off` turns it off too.",
    }),
    directory: z.string().min(1).optional().meta({
      description:
        "A package directory (relative to the project) to publish as it is, instead of packaging the release's binaries. Its package.json version must be the release's version.",
    }),
  })
  .strict();

export type NpmOptions = z.infer<typeof npmOptions>;
