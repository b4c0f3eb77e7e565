import { createHash } from "node:crypto";
import type { Arch, TargetName } from "@ferry/core";
import type { Descriptor } from "./client.ts";
import type { Layer } from "./layer.ts";

const mediaTypes = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
} as const;

/** Every image's `created` and history date (the layer's mtimes match): fixed, so re-renders give equal digests. */
const created = "1970-01-01T00:00:00Z";

export interface Platform {
  architecture: string;
  os: "linux";
  variant?: "v7" | "v8";
}

/** OCI platforms (Go's GOARCH names) for the release's Linux architectures; arm images carry a variant as Docker's own do. */
const platforms: Partial<Record<Arch, Platform>> = {
  "386": { architecture: "386", os: "linux" },
  amd64: { architecture: "amd64", os: "linux" },
  arm64: { architecture: "arm64", os: "linux", variant: "v8" },
  armv7: { architecture: "arm", os: "linux", variant: "v7" },
  ppc64le: { architecture: "ppc64le", os: "linux" },
  riscv64: { architecture: "riscv64", os: "linux" },
  s390x: { architecture: "s390x", os: "linux" },
};

/** The targets an image can carry: every Linux one (a glibc build before a musl one for the same architecture). */
export const dockerTargets = Object.keys(platforms).flatMap((arch) => [`linux/${arch}`, `linux/${arch}-musl`] as TargetName[]);

export const platformOf = (arch: Arch): Platform => platforms[arch]!;

/** A JSON document and its bytes: compact, keys in the order written here, so equal input gives equal bytes. */
export interface Rendered {
  descriptor: Descriptor;
  bytes: Buffer;
}

function render(mediaType: string, value: unknown): Rendered {
  const bytes = Buffer.from(JSON.stringify(value));
  return { descriptor: { mediaType, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, size: bytes.length }, bytes };
}

export const sortedRecord = (record: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The parts of an image config ferry reads from a base image; the rest is kept as it is. */
export interface BaseConfig {
  config?: Record<string, unknown> & { Env?: string[]; Labels?: Record<string, string> | null };
  rootfs?: { type: string; diff_ids: string[] };
  history?: unknown[];
  [key: string]: unknown;
}

export interface ConfigInput {
  platform: Platform;
  /** The binary's name, placed at /usr/local/bin/<binary>. */
  binary: string;
  layer: Layer;
  labels: Record<string, string>;
  base?: BaseConfig;
}

const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The image config: the base's (when there is one) with ferry's layer, entrypoint and labels on top. */
export function renderConfig({ platform, binary, layer, labels, base }: ConfigInput): Rendered {
  const entrypoint = `/usr/local/bin/${binary}`;
  const { Cmd: _cmd, ...baseRuntime } = base?.config ?? {};
  const config = {
    ...baseRuntime,
    Env: base?.config?.Env ?? [defaultPath],
    // An ENTRYPOINT of our own resets the base's CMD, as a Dockerfile's would.
    Entrypoint: [entrypoint],
    Labels: sortedRecord({ ...base?.config?.Labels, ...labels }),
  };
  const value = {
    ...base,
    created,
    architecture: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
    os: platform.os,
    config,
    rootfs: { type: "layers", diff_ids: [...(base?.rootfs?.diff_ids ?? []), layer.diffId] },
    history: [...(base?.history ?? []), { created, created_by: `ferry: COPY ${binary} ${entrypoint}` }],
  };
  return render(mediaTypes.config, value);
}

export function renderManifest(config: Descriptor, layers: Descriptor[], annotations: Record<string, string>): Rendered {
  return render(mediaTypes.manifest, {
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
    annotations,
  });
}

export function renderIndex(images: Array<{ manifest: Descriptor; platform: Platform }>, annotations: Record<string, string>): Rendered {
  return render(mediaTypes.index, {
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: images.map(({ manifest, platform }) => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.size,
      platform: { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}) },
    })),
    annotations,
  });
}

/** index.json of an OCI image layout holding the release's index under its version tag (for skopeo's `oci:` transport). */
export const renderLayoutIndex = (index: Descriptor, tag: string): string =>
  `${JSON.stringify({
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: [{ ...index, annotations: { "org.opencontainers.image.ref.name": tag } }],
  })}\n`;
