/**
 * npm provenance as `npm publish --provenance` makes it (libnpmpublish's provenance.js): a SLSA
 * provenance v1 statement about `pkg:npm/<name>@<version>` and the tarball's sha512, signed keylessly
 * into a Sigstore bundle that goes up with the tarball. The registry keeps it and names it in the
 * version's `dist.attestations`; its attestations API serves it back.
 */
import {
  FerryError,
  readJson,
  signStatement,
  verifyBundle,
  type Context,
  type SerializedBundle,
  type Signer,
  type TrustedRoot,
} from "@ferry/core";
import { registryUrl } from "./client.ts";
import type { NpmOptions } from "./options.ts";
import type { RenderedPackage } from "./render.ts";

const provenancePredicate = "https://slsa.dev/provenance/v1";

/** What the registry's version document says of the version's attestations. */
export interface DistAttestations {
  url?: string;
  provenance?: { predicateType?: string };
}

/** npm-package-arg's toPurl: the package URL a provenance statement names, its scope's `@` URI-encoded. */
const packageUrl = (pkg: Pick<RenderedPackage, "name" | "version">): string => `pkg:npm/${pkg.name.replace(/^@/, "%40")}@${pkg.version}`;

/** The tarball's sha512 in hex, from its `sha512-<base64>` integrity. */
const sha512Hex = (pkg: RenderedPackage): string => Buffer.from(pkg.integrity.replace(/^sha512-/, ""), "base64").toString("hex");

/**
 * Signs the provenance of one package: libnpmpublish's GitHub Actions statement, from the run's
 * GITHUB_* variables (what the environment does not say is left out).
 */
export function signProvenance(ctx: Context<unknown>, signer: Signer, pkg: RenderedPackage): Promise<SerializedBundle> {
  const env = (name: string) => ctx.env(name);
  const server = env("GITHUB_SERVER_URL") ?? "https://github.com";
  const repository = env("GITHUB_REPOSITORY") ?? ctx.project.repository;
  // GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/release.yml@refs/tags/v1.2.3
  const relativeRef = (env("GITHUB_WORKFLOW_REF") ?? "").replace(`${repository}/`, "");
  const at = relativeRef.indexOf("@");
  return signStatement(
    signer,
    {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: packageUrl(pkg), digest: { sha512: sha512Hex(pkg) } }],
      predicateType: provenancePredicate,
      predicate: {
        buildDefinition: {
          buildType: "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
          externalParameters: {
            workflow: {
              ref: at < 0 ? undefined : relativeRef.slice(at + 1),
              repository: `${server}/${repository}`,
              path: at < 0 ? undefined : relativeRef.slice(0, at),
            },
          },
          internalParameters: {
            github: {
              event_name: env("GITHUB_EVENT_NAME"),
              repository_id: env("GITHUB_REPOSITORY_ID"),
              repository_owner_id: env("GITHUB_REPOSITORY_OWNER_ID"),
            },
          },
          resolvedDependencies: [
            {
              uri: `git+${server}/${repository}@${env("GITHUB_REF") ?? `refs/tags/${ctx.version.tag}`}`,
              digest: { gitCommit: env("GITHUB_SHA") },
            },
          ],
        },
        runDetails: {
          builder: { id: `https://github.com/actions/runner/${env("RUNNER_ENVIRONMENT") ?? "github-hosted"}` },
          metadata: {
            invocationId: env("GITHUB_RUN_ID")
              ? `${server}/${repository}/actions/runs/${env("GITHUB_RUN_ID")}/attempts/${env("GITHUB_RUN_ATTEMPT") ?? "1"}`
              : undefined,
          },
        },
      },
    },
    `the npm provenance of ${pkg.name}@${pkg.version}`,
  );
}

/**
 * The version's provenance bundle from the registry's attestations API: `dist.attestations.url`'s
 * path on the registry ferry publishes to, as pacote reads it; undefined while it answers 404.
 */
export async function readProvenance(
  ctx: Context<NpmOptions>,
  pkg: RenderedPackage,
  dist: DistAttestations,
): Promise<SerializedBundle | undefined> {
  const refused = (why: string) =>
    new FerryError("PublishedContentDiffers", {
      registry: ctx.registry,
      what: `${pkg.name}@${pkg.version} was published with provenance, but the registry does not serve it: ${why}.`,
      why: "npm keeps the provenance bundle sent with a publish and names it in the version's dist.attestations.",
      fix: "Check that the registry keeps provenance (registry.npmjs.org does); for one that does not, set `provenance: false` in the npm section of ferry.yaml.",
    });
  if (!dist.url) throw refused("the version has no dist.attestations");
  if (dist.provenance?.predicateType !== provenancePredicate)
    throw refused(`dist.attestations names ${dist.provenance?.predicateType ?? "no provenance"}`);
  const url = new URL(registryUrl(ctx).replace(/\/+$/, "") + new URL(dist.url).pathname);
  const response = await ctx.http(url, { headers: { accept: "application/json" } });
  // Not served yet: verify() asks again until its deadline.
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw refused(`GET ${url.pathname} answered ${response.status}`);
  }
  const { attestations } = await readJson<{ attestations?: Array<{ predicateType?: string; bundle?: SerializedBundle }> }>(
    response,
    ctx.registry,
  );
  const bundle = attestations?.find((a) => a.predicateType === provenancePredicate)?.bundle;
  if (!bundle) throw refused("its attestations hold no SLSA provenance");
  return bundle;
}

/**
 * Checks a provenance bundle read back: its signature verifies against `root` (when given), and its
 * statement names this package and this tarball's sha512. Answers the signer (the workflow), if checked.
 */
export function checkProvenance(
  ctx: Context<unknown>,
  root: TrustedRoot | undefined,
  bundle: SerializedBundle,
  pkg: RenderedPackage,
): string | undefined {
  const what = `${pkg.name}@${pkg.version}'s provenance`;
  let payload: Buffer | undefined;
  let signer: string | undefined;
  if (root) ({ payload, subject: signer } = verifyBundle(root, bundle, { what, registry: ctx.registry }));
  else if (bundle.dsseEnvelope) payload = Buffer.from(bundle.dsseEnvelope.payload, "base64");
  let statement: { subject?: Array<{ name?: string; digest?: { sha512?: string } }>; predicateType?: string } = {};
  try {
    statement = JSON.parse(payload?.toString("utf8") ?? "{}") as typeof statement;
  } catch {
    // An unreadable statement names nothing: refused below.
  }
  const [named, ...more] = statement.subject ?? [];
  const problem =
    more.length || named?.name !== packageUrl(pkg) || named.digest?.sha512 !== sha512Hex(pkg)
      ? `it names ${named?.name ?? "nothing"} with sha512 ${named?.digest?.sha512 ?? "(none)"}, not ${packageUrl(pkg)} with ${sha512Hex(pkg)}`
      : statement.predicateType !== provenancePredicate
        ? `its predicate is ${statement.predicateType}`
        : undefined;
  if (problem) {
    throw new FerryError("PublishedContentDiffers", {
      registry: ctx.registry,
      what: `The registry's provenance of ${pkg.name}@${pkg.version} does not attest this release's tarball: ${problem}.`,
      why: "npm provenance names the package and the sha512 of the tarball it was made for.",
      fix: "Check who else publishes this package; a published version cannot be replaced, so release a new version.",
    });
  }
  return signer;
}
