import type { Octokit } from "@octokit/rest";
import type { z } from "zod";
import type { ArchiveCache } from "./cache.ts";
import type { Exec } from "./exec.ts";
import type { Http } from "./http.ts";
import type { Artifact, ReleaseManifest } from "./manifest.ts";
import type { SupplyChainItem } from "./supply-chain.ts";
import type { Target, TargetName } from "./targets.ts";
import type { Version } from "./version.ts";

/** What a registry consumes from the hub. */
export type Need = "binaries" | "source";

/** The project being released, from the `project` section of ferry.yaml. */
export interface Project {
  name: string;
  description: string;
  homepage: string;
  license: string;
  /** `owner/name` of the GitHub repository that holds the releases. */
  repository: string;
  /** The binary's name, without `.exe`. */
  binary: string;
  /** The maintainer, for registries that ask (`Name <email>`). */
  author: string;
  /** Absolute path of the project's directory (where ferry.yaml is). */
  dir: string;
}

export type Presence =
  | { state: "absent" }
  | {
      state: "present";
      /** true when what the registry holds is what this release would publish. */
      matches: boolean;
      detail: string;
    }
  /**
   * A registry that holds one version (a formula, a manifest, a PKGBUILD) already has a newer one
   * (by `compareVersion`): an older release leaves it alone and is reported skipped.
   */
  | {
      state: "newer";
      /** The version found, as the registry spells it. */
      version: string;
      /** Where it was found, e.g. "Formula/hello.rb in acme/homebrew-tap@main". */
      where: string;
    };

/** What prepare() rendered: the files under `ctx.outDir`, plus anything publish() needs. */
export interface Prepared {
  files: string[];
}

export interface Published {
  /** Where it went, e.g. "commit 1a2b3c on main", "PR #12", "revision 4". */
  detail: string;
}

export type Verified = (
  | { state: "verified"; detail: string }
  /** Uploaded and accepted, but waiting for the registry's review or moderation. */
  | { state: "awaiting-review"; detail: string }
) & {
  /** The signatures, SBOMs, attestations and provenance the registry was read back with. */
  supplyChain?: SupplyChainItem[];
};

/** Everything an adapter may use. Adapters read secrets only through `secret`. */
export interface Context<Options> {
  registry: string;
  options: Options;
  project: Project;
  version: Version;
  manifest: ReleaseManifest;
  /** <output>/registries/<registry>/ (output: .ferry by default), created and empty when prepare() runs. */
  outDir: string;
  /** Reads a secret from the environment and keeps it out of all output. */
  secret(name: string): string | undefined;
  /** Environment variables that are not secrets (endpoints, CI facts). */
  env(name: string): string | undefined;
  http: Http;
  exec: Exec;
  /** A GitHub client; with no token it uses the release token (GITHUB_TOKEN). */
  github(token?: string): Octokit;
  /** A local path of the archive (or other release file, such as a .deb), downloaded (and its sha256 checked) when not in the output directory. */
  archive(artifact: Pick<Artifact, "name" | "sha256" | "url">): Promise<string>;
  /** A local path of the artifact's binary, extracted from its archive. */
  binary(artifact: Artifact): Promise<string>;
  /**
   * A file made once per content (a package tarball, an image layer), kept in <output>/cache/ for
   * every later step and run: `key` is a `contentKey` of everything it is made of; `make` writes it
   * to `out` and returns what to record of it (its sha256 at least, checked before every reuse).
   */
  derived: ArchiveCache["derived"];
  derivedRecord: ArchiveCache["derivedRecord"];
  log(message: string): void;
  signal: AbortSignal;
  dryRun: boolean;
  /**
   * Whether a registry that takes build provenance (npm) signs it when the run has an OIDC
   * identity: false when sign.attestations is off.
   */
  provenance: boolean;
}

/** One prerequisite `ferry doctor` checked: what (`name`), the outcome, and for a failure what to do. */
export interface Check {
  /** What was checked, e.g. "NPM_TOKEN accepted". */
  name: string;
  ok: boolean;
  /** What was found; never a secret's value. */
  detail: string;
  /** For a failed check: how to make it pass. */
  fix?: string;
}

/**
 * A registry's options: a closed zod object (`.strict()`), so `ferry check` and the JSON Schema both
 * refuse keys the adapter does not know. Each option carries its description in `.meta()`.
 */
export type OptionsSchema<Options> = z.ZodObject<z.ZodRawShape, z.core.$strict> & z.ZodType<Options>;

export interface Registry<Options = unknown, P extends Prepared = Prepared> {
  name: string;
  needs: Need[];
  /** Validates this registry's section of ferry.yaml. */
  options: OptionsSchema<Options>;
  /**
   * The targets whose binaries this registry can carry (binary registries only); `ferry plan` and the
   * report name the release's other targets as left out.
   */
  targets?: readonly TargetName[];
  /** Prereleases are skipped unless the options say `prerelease: true`; true for formula-style registries. */
  skipsPrereleases?: boolean;
  /** Read-only. Throws when it cannot tell: unknown is never absent or present. */
  exists(ctx: Context<Options>): Promise<Presence>;
  /** Renders files into ctx.outDir. No network writes. */
  prepare(ctx: Context<Options>): Promise<P>;
  /** The only step that writes remotely. */
  publish(ctx: Context<Options>, prepared: P): Promise<Published>;
  /** Reads the registry until the version is visible; called repeatedly until it returns a value. */
  verify(ctx: Context<Options>, published: Published): Promise<Verified | undefined>;
  /**
   * `ferry plan`: the signatures, SBOMs, attestations and provenance publish() would make in this
   * environment, and for each it would not, why (`skipped`). No network.
   */
  supplyChain?(ctx: Context<Options>, prepared: P): SupplyChainItem[];
  /**
   * `ferry doctor`: checks this registry's prerequisites before a release (secrets set and accepted,
   * target repositories reachable, tools on PATH) without writing anything anywhere. Answers one
   * Check per prerequisite; throwing counts as one failed check. The context's manifest has no
   * artifacts and its version may be a placeholder, so a doctor reads neither.
   */
  doctor?(ctx: Context<Options>): Promise<Check[]>;
  /**
   * Part of `ferry check`, which every command runs first: refuses, with a FerryError, inputs that the
   * options schema cannot judge alone (a version this registry cannot take, names derived from the
   * project, files the options point at). Reads local files only; never the network.
   */
  validate?(ctx: ValidateContext<Options>): void | Promise<void>;
}

/** What an adapter's validate() sees: the release's inputs, before anything is built or sent. */
export interface ValidateContext<Options> extends Pick<Context<Options>, "registry" | "options" | "project" | "env"> {
  /** The release's version; undefined for `ferry check` without --tag, or when this registry skips the prerelease. */
  version: Version | undefined;
  /** The build targets of ferry.yaml. */
  targets: readonly Target[];
}

/** Declares an adapter with its types inferred. */
export const defineRegistry = <Options, P extends Prepared>(registry: Registry<Options, P>) => registry;
