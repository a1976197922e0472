/**
 * Builds the OCI image manifest berth writes for images it creates (import,
 * docker-archive load). The bytes are deterministic for the same inputs, so
 * loading an archive twice yields the same manifest digest.
 */
import { MediaType } from "../../oci/media-types.js";
import type { ImageManifest } from "../../oci/manifest.js";

export interface LayerBlob {
  digest: string;
  size: number;
  mediaType: string;
}

export function buildManifest(config: { digest: string; size: number }, layers: readonly LayerBlob[]): Buffer {
  const m: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return Buffer.from(JSON.stringify(m));
}

/** OCI media type for a layer blob stored as-is in the given compression. */
export function layerMediaTypeFor(compression: "gzip" | "none"): string {
  return compression === "gzip" ? MediaType.ociLayerGzip : MediaType.ociLayer;
}
