import { createHash } from "node:crypto";
import { FerryError } from "@ferry/core";
import type { Descriptor, RegistryClient } from "./client.ts";
import type { BaseConfig, Platform } from "./render.ts";

/** A base image for one platform: its config and its layers (still on its registry). */
export interface BaseImage {
  config: BaseConfig;
  layers: Descriptor[];
}

interface Manifest {
  mediaType?: string;
  manifests?: Array<Descriptor & { platform?: { architecture?: string; os?: string; variant?: string } }>;
  config?: Descriptor;
  layers?: Descriptor[];
}

// Docker's schema 2 layers are the same bytes as OCI's; only the names differ.
const ociLayerTypes: Record<string, string> = {
  "application/vnd.docker.image.rootfs.diff.tar.gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.v1.tar+gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.v1.tar+zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
  "application/vnd.oci.image.layer.v1.tar": "application/vnd.oci.image.layer.v1.tar",
};

const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/**
 * Reads the base image for a platform from its registry: the pinned manifest (or the platform's
 * entry of the pinned index), its config and layer list. Every document is checked against its
 * digest, so the base is exactly the one pinned.
 */
export async function pullBase(client: RegistryClient, reference: string, digest: string, platform: Platform): Promise<BaseImage> {
  const registry = "docker";
  const mismatch = (what: string) =>
    new FerryError("ArtifactCorrupt", {
      registry,
      what: `The base image ${reference}: ${what}.`,
      fix: "Check the base option's registry and digest.",
    });
  const fetched = async (ref: string): Promise<Manifest> => {
    const { bytes } = await client.getManifest(ref);
    if (sha256(bytes) !== ref) throw mismatch(`the manifest ${ref} does not match its digest`);
    return JSON.parse(bytes.toString("utf8")) as Manifest;
  };
  let manifest = await fetched(digest);
  if (manifest.manifests) {
    const entry = manifest.manifests.find(
      ({ platform: p }) =>
        p?.os === platform.os && p.architecture === platform.architecture && (!p.variant || p.variant === (platform.variant ?? p.variant)),
    );
    if (!entry) throw mismatch(`it has no ${platform.os}/${platform.architecture} image`);
    manifest = await fetched(entry.digest);
  }
  if (!manifest.config || !manifest.layers) throw mismatch("it is not an image manifest");
  const configBytes = await client.readBlob(manifest.config.digest);
  if (sha256(configBytes) !== manifest.config.digest) throw mismatch("its config does not match its digest");
  const layers = manifest.layers.map((layer) => {
    const mediaType = ociLayerTypes[layer.mediaType];
    if (!mediaType) throw mismatch(`its layer type ${layer.mediaType} cannot be copied into an OCI image`);
    return { mediaType, digest: layer.digest, size: layer.size };
  });
  return { config: JSON.parse(configBytes.toString("utf8")) as BaseConfig, layers };
}
