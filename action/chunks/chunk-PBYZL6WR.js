import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;

// packages/core/src/errors.ts
var catalog = {
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
  Interrupted: 130
};
var errorCodes = Object.keys(catalog);
var FerryError = class _FerryError extends Error {
  code;
  details;
  constructor(code, details) {
    super(formatMessage(details), { cause: details.cause });
    this.name = "FerryError";
    this.code = code;
    this.details = details;
  }
  get exitCode() {
    return catalog[this.code];
  }
  /** The same error, attributed to a registry. */
  for(registry) {
    return this.details.registry ? this : new _FerryError(this.code, { ...this.details, registry });
  }
};
function formatMessage({ what, why, fix, registry }) {
  const prefix = registry ? `[${registry}] ` : "";
  return [prefix + what, why, fix].filter(Boolean).map((part) => sentence(part)).join(" ");
}
var sentence = (text) => text.replace(/([.!?])\.+(\s*)$/, "$1$2");
function asFerryError(error, registry) {
  if (error instanceof FerryError) return registry ? error.for(registry) : error;
  const message = error instanceof Error ? error.message : String(error);
  return new FerryError("ToolFailed", {
    what: /[.!?]\s*$/.test(message) ? message : `${message}.`,
    ...registry ? { registry } : {},
    cause: error
  });
}

export {
  errorCodes,
  FerryError,
  asFerryError
};
