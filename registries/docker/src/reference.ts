import { FerryError } from "@ferry/core";

/** Where an image lives: the registry's API base URL and the repository name on it. */
export interface Repository {
  /** The registry host as written, e.g. `ghcr.io` or `127.0.0.1:5000`. */
  host: string;
  /** `https://ghcr.io` (or `http://` for loopback hosts). */
  api: string;
  /** The repository path, e.g. `owner/hello` or `library/hello`. */
  name: string;
}

export interface Reference extends Repository {
  tag?: string;
  digest?: string;
}

// A path part is lowercase alphanumerics joined by `.`, `_`, `__` or runs of `-` (distribution's grammar).
const pathPart = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const digestPattern = /^sha256:[0-9a-f]{64}$/;

const loopback = (host: string) => /^(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?$/.test(host);

/** The API base of a registry host: plain http only for loopback registries (the sandbox), https otherwise. */
const apiBase = (host: string): string => {
  // Docker Hub's API is not served on docker.io itself.
  const served = host === "docker.io" || host === "index.docker.io" ? "registry-1.docker.io" : host;
  return `${loopback(served) ? "http" : "https"}://${served}`;
};

/**
 * Parses `[host/]path[:tag][@digest]` with Docker's rules: the first part is a registry host only
 * when it has a dot or a colon (or is `localhost`); otherwise the image is on Docker Hub, where a
 * one-part name lives under `library/`.
 */
export function parseReference(text: string, registry: string): Reference {
  const invalid = (why: string) =>
    new FerryError("ConfigInvalid", {
      registry,
      what: `"${text}" is not an image reference.`,
      why,
      fix: 'Write it as host/path, e.g. "ghcr.io/owner/hello" (base images as "host/path@sha256:<digest>").',
    });
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw invalid(`"${digest}" is not a sha256 digest.`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) throw invalid(`"${tag}" is not a valid tag.`);
  }
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  const hasHost = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const host = hasHost ? first : "docker.io";
  const path = hasHost ? parts.slice(1) : parts;
  if (host === "docker.io" && path.length === 1) path.unshift("library");
  if (path.length === 0 || !path.every((part) => pathPart.test(part))) {
    throw invalid("Repository names are lowercase letters, digits and . _ - separated by slashes.");
  }
  return { host, api: apiBase(host), name: path.join("/"), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The repository to push to: the image's, with its host replaced by `override` (FERRY_DOCKER_REGISTRY) when set. */
export function pushRepository(image: string, override: string | undefined, registry: string): Repository {
  const parsed = parseReference(image, registry);
  if (parsed.tag || parsed.digest) {
    throw new FerryError("ConfigInvalid", {
      registry,
      what: `The image "${image}" names a tag or digest.`,
      why: "ferry tags the image itself with the release version.",
      fix: `Set image to "${image.replace(/[:@].*$/, "")}".`,
    });
  }
  if (!override) return { host: parsed.host, api: parsed.api, name: parsed.name };
  const host = override.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  // An explicit scheme wins over the loopback rule, so a TLS registry on localhost still works.
  const api = /^https?:\/\//.test(override) ? override.replace(/\/+$/, "") : apiBase(host);
  return { host, api, name: parsed.name };
}
