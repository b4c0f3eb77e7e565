/**
 * What the APT and RPM registries share: a repository of the release's Linux packages kept in a
 * directory of a git branch (served by GitHub Pages), signed with FERRY_GPG_KEY.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Context } from "./registry.ts";
import { FerryError } from "./errors.ts";
import { gpgSigner, type GpgSigner } from "./gpg.ts";
import type { AssetFile } from "./manifest.ts";
import { envName } from "./schemas.ts";
import { openGitCheckout, repoFilesOptions, type GitCheckout } from "./repo-files.ts";

/** The options of a package repository registry named `registry` (apt, rpm), whose users call it a `kind` repository. */
export function packageRepositoryOptions(registry: string, kind: string) {
  return {
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "expected owner/name")
      .optional()
      .meta({
        description: `The GitHub repository whose branch holds the ${kind} repository (pushed over https with the token). Or set \`git\`.`,
      }),
    ...repoFilesOptions,
    branch: z.string().min(1).default("gh-pages").meta({ description: "The branch that holds the repository (served by GitHub Pages)." }),
    directory: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)*$/, `expected a relative path such as ${registry}`)
      .default(registry)
      .meta({ description: "The directory of the branch that is the repository's root (its URL on GitHub Pages ends with it)." }),
    token: envName()
      .default(`${registry.toUpperCase()}_REPOSITORY_TOKEN`)
      .meta({ description: "Name of the secret with a token that may push to the repository (https only)." }),
  };
}

type RepositoryOptions = {
  repository?: string | undefined;
  git?: string | undefined;
  branch: string;
  token: string;
  author?: string | undefined;
};

/** The branch's checkout: `git`, else FERRY_<REGISTRY>_GIT, else the GitHub repository. */
export function packageRepositoryCheckout(ctx: Context<RepositoryOptions>): GitCheckout {
  return openGitCheckout(ctx, {
    repository: ctx.options.repository,
    git: ctx.options.git ?? ctx.env(`FERRY_${ctx.registry.toUpperCase()}_GIT`),
    branch: ctx.options.branch,
    token: ctx.options.token,
    author: ctx.options.author,
  });
}

/** The release's packages of `format`; a release without any cannot be published to a `kind` repository. */
export function releasePackages(ctx: Context<unknown>, format: "deb" | "rpm", kind: string): AssetFile[] {
  const packages = (ctx.manifest.files ?? []).filter((f) => f.kind === format);
  if (packages.length === 0) {
    throw new FerryError("ConfigInvalid", {
      registry: ctx.registry,
      what: `The release has no .${format} packages to put in the ${kind} repository.`,
      fix: `Add a \`packages\` section with \`formats: [${format}]\` to ferry.yaml (and linux targets to build).`,
    });
  }
  return packages;
}

/** The signer of FERRY_GPG_KEY, which `what` must be signed with; its absence is refused. */
export async function requireGpgSigner(ctx: Context<unknown>, what: string): Promise<GpgSigner> {
  const signer = await gpgSigner({ FERRY_GPG_KEY: ctx.secret("FERRY_GPG_KEY"), FERRY_GPG_PASSPHRASE: ctx.secret("FERRY_GPG_PASSPHRASE") });
  if (!signer) {
    throw new FerryError("SecretMissing", {
      registry: ctx.registry,
      what: `FERRY_GPG_KEY is not set, and ${what} must be signed.`,
      fix: "Make a signing key (`gpg --quick-gen-key 'Name <email>' ed25519 sign never`) and store `gpg --armor --export-secret-keys <id>` as the FERRY_GPG_KEY secret.",
    });
  }
  return signer;
}

/** A file of the checkout, or undefined when it is not there. */
export const readIfPresent = (path: string): Promise<Buffer | undefined> => readFile(path).catch(() => undefined);
