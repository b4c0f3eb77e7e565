import { createRequire as __ferryRequire } from "node:module"; const require = __ferryRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

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
  __require,
  __commonJS,
  __export,
  __toESM,
  errorCodes,
  FerryError,
  asFerryError
};
