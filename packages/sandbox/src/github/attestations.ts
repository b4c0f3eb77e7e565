// Artifact attestations (https://docs.github.com/rest/repos/attestations): a Sigstore bundle holding an
// in-toto statement as a DSSE envelope is stored under each of its subjects' digests, and listed by digest.
// As GitHub answers now, a listed attestation names its bundle by `bundle_url`, served
// snappy-compressed to anyone who has the URL (GitHub's is a pre-signed blob storage URL).
// As on GitHub, the bundle must be a DSSE bundle of an in-toto statement whose subjects carry digests; the
// signature itself is checked by whoever verifies the attestation (gh attestation verify), not here.
import { randomBytes } from "node:crypto";
import { compress } from "snappyjs";
import { jsonBody, notFound, repoOf, route, validationFailed } from "./router.ts";
import type { Route } from "./router.ts";

const invalid = (message: string) => validationFailed([{ resource: "Attestation", field: "bundle", code: "invalid", message }]);

/** The statement a DSSE bundle carries, or a 422 saying what is wrong with it. */
function statementOf(bundle: unknown): { predicateType: string; digests: string[] } {
  if (!bundle || typeof bundle !== "object") throw invalid("bundle must be a Sigstore bundle object");
  const { mediaType, dsseEnvelope, verificationMaterial } = bundle as Record<string, unknown>;
  if (typeof mediaType !== "string" || !mediaType.startsWith("application/vnd.dev.sigstore.bundle")) {
    throw invalid("bundle.mediaType is not a Sigstore bundle media type");
  }
  if (!verificationMaterial || typeof verificationMaterial !== "object") throw invalid("bundle has no verificationMaterial");
  const envelope = dsseEnvelope as { payload?: unknown; payloadType?: unknown; signatures?: unknown } | undefined;
  if (!envelope || envelope.payloadType !== "application/vnd.in-toto+json" || typeof envelope.payload !== "string") {
    throw invalid("bundle.dsseEnvelope must hold an in-toto statement (payloadType application/vnd.in-toto+json)");
  }
  if (!Array.isArray(envelope.signatures) || envelope.signatures.length === 0) throw invalid("bundle.dsseEnvelope is not signed");
  let statement: { predicateType?: unknown; subject?: unknown };
  try {
    statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as typeof statement;
  } catch {
    throw invalid("bundle.dsseEnvelope.payload is not a JSON in-toto statement");
  }
  const subjects = Array.isArray(statement.subject) ? (statement.subject as Array<{ digest?: Record<string, unknown> }>) : [];
  const digests = subjects.flatMap((s) =>
    Object.entries(s.digest ?? {})
      .filter(([, value]) => typeof value === "string")
      .map(([alg, value]) => `${alg}:${String(value).toLowerCase()}`),
  );
  if (typeof statement.predicateType !== "string" || digests.length === 0) {
    throw invalid("the in-toto statement needs a predicateType and subjects with digests");
  }
  return { predicateType: statement.predicateType, digests };
}

export const attestationRoutes: Route[] = [
  route("POST", "/repos/{o}/{r}/attestations", (req, env) => {
    const repo = repoOf(env, req);
    const { bundle } = jsonBody(req);
    const { predicateType, digests } = statementOf(bundle);
    const id = env.state.nextId();
    const blob = `${id}-${randomBytes(12).toString("hex")}.json.sn`;
    repo.attestations.push({ id, blob, bundle: bundle as Record<string, unknown>, predicateType, digests });
    return { status: 201, body: { id } };
  }),
  route("GET", "/repos/{o}/{r}/attestations/{digest}", (req, env) => {
    const repo = repoOf(env, req);
    const digest = req.params[2]!.toLowerCase();
    const predicateType = req.query.get("predicate_type");
    const perPage = Math.min(100, Math.max(1, Number(req.query.get("per_page") ?? 30) || 30));
    const found = repo.attestations
      .filter((a) => a.digests.includes(digest) && (!predicateType || a.predicateType === predicateType))
      .slice(0, perPage);
    // GitHub answers an empty list, not a 404, for a digest nothing attests.
    const bundleUrl = (blob: string) => `${env.base}/_attestations/${repo.fullName}/${blob}`;
    return { status: 200, body: { attestations: found.map((a) => ({ bundle_url: bundleUrl(a.blob), repository_id: repo.id })) } };
  }),
  route(
    "GET",
    "/_attestations/{o}/{r}/{blob}",
    (req, env) => {
      const found = repoOf(env, req).attestations.find((a) => a.blob === req.params[2]);
      if (!found) throw notFound();
      const bytes = Buffer.from(compress(Buffer.from(JSON.stringify(found.bundle))));
      return { status: 200, bytes, headers: { "content-type": "application/x-snappy" } };
    },
    true,
  ),
];
