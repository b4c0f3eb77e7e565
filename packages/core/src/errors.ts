/**
 * The error catalog. Every thrown failure is a FerryError with a permanent code, so a
 * user (and the CLI's exit code) can rely on it. Expected outcomes are values, not errors.
 */
const catalog = {
  ConfigNotFound: 2,
  ConfigInvalid: 2,
  UsageInvalid: 2,
  VersionInvalid: 2,
  VersionUnsupported: 2,
  InputMissing: 2,
  SecretMissing: 2,
  BinaryMismatch: 2,
  ManifestDiffers: 2,
  BuildFailed: 1,
  ReleaseConflict: 1,
  ReleaseNotPublic: 1,
  ManifestMissing: 1,
  ArtifactCorrupt: 1,
  RegistryUnreachable: 1,
  RegistryRefused: 1,
  PublishedContentDiffers: 1,
  VerifyTimedOut: 1,
  TargetTimedOut: 1,
  ToolFailed: 1,
  Interrupted: 130,
} as const;

export type ErrorCode = keyof typeof catalog;
/** Every error code, for schemas. */
export const errorCodes = Object.keys(catalog) as [ErrorCode, ...ErrorCode[]];

export interface ErrorDetails {
  /** What happened, in one sentence. */
  what: string;
  /** Why it happened, when known. */
  why?: string;
  /** What the user can do about it. */
  fix?: string;
  /** The registry the error belongs to, shown as a `[name]` prefix. */
  registry?: string;
  cause?: unknown;
}

export class FerryError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails) {
    super(formatMessage(details), { cause: details.cause });
    this.name = "FerryError";
    this.code = code;
    this.details = details;
  }

  get exitCode(): number {
    return catalog[this.code];
  }

  /** The same error, attributed to a registry. */
  for(registry: string): FerryError {
    return this.details.registry ? this : new FerryError(this.code, { ...this.details, registry });
  }
}

function formatMessage({ what, why, fix, registry }: ErrorDetails): string {
  const prefix = registry ? `[${registry}] ` : "";
  return [prefix + what, why, fix]
    .filter(Boolean)
    .map((part) => sentence(part!))
    .join(" ");
}

/** A part ends in one full stop even when it quotes a message that had its own ("… read.." → "… read."). */
const sentence = (text: string) => text.replace(/([.!?])\.+(\s*)$/, "$1$2");

/** Turns anything thrown into a FerryError; unknown throwables become a bug report. */
export function asFerryError(error: unknown, registry?: string): FerryError {
  if (error instanceof FerryError) return registry ? error.for(registry) : error;
  const message = error instanceof Error ? error.message : String(error);
  return new FerryError("ToolFailed", {
    what: /[.!?]\s*$/.test(message) ? message : `${message}.`,
    ...(registry ? { registry } : {}),
    cause: error,
  });
}
