/**
 * What every locally made image (import, commit) goes through: a tag name
 * checked before any byte is read, its new layer streamed once into both the
 * content store and the layer store, and its config, OCI manifest, record
 * and tag written in that order (blobs first, tag last: a crash never leaves
 * a tag naming a missing image).
 */
import type { SyncOptions } from "../../durable/deferred-sync.js";
import type { Readable } from "node:stream";
import { InvalidArgumentError } from "../../errors/index.js";
import { MediaType } from "../../oci/media-types.js";
import { normalizeReference, referenceString } from "../../oci/reference.js";
import type { ImageRecord, LayerRecord } from "../../store/metadata/image-record.js";
import type { ImageContext } from "./image-deps.js";
import type { ImageConfigDocument } from "./image-service.js";
import { tee } from "./layer-stream.js";
import { buildManifest } from "./manifest-builder.js";

/** The normalised tag a new image gets ("x" → "docker.io/library/x:latest"); digests are refused. */
export function tagKeyFor(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const parsed = normalizeReference(ref);
  if (parsed.digest !== undefined) throw new InvalidArgumentError("refusing to create a tag with a digest reference");
  return referenceString(parsed);
}

/**
 * Streams a plain layer tar into the content store (its digest is then the
 * diffId) and onto `parentChainId` in the layer store at the same time.
 */
export async function ingestPlainLayer(ctx: ImageContext, tar: Readable, parentChainId: string | null): Promise<LayerRecord> {
  const [blob, applied] = await tee(
    tar,
    (s) => ctx.content.ingest(s),
    (s) => ctx.layers.applyLayer(parentChainId, s),
  );
  if (blob.digest !== applied.diffId) {
    throw new InvalidArgumentError(`layer digest ${blob.digest} differs from the unpacked diff ID ${applied.diffId}`);
  }
  return plainLayerRecord(ctx, blob, applied);
}

/** The record of an uncompressed (OCI tar) layer whose blob is `blob` and whose unpacked form is `applied`. */
export async function plainLayerRecord(
  ctx: ImageContext,
  blob: { digest: string; size: number },
  applied: { diffId: string; chainId: string },
): Promise<LayerRecord> {
  return {
    blobDigest: blob.digest,
    blobMediaType: MediaType.ociLayer,
    blobSize: blob.size,
    diffId: applied.diffId,
    chainId: applied.chainId,
    size: await ctx.layers.layerSize(applied.chainId),
  };
}

/** Writes the config and an OCI manifest for `layers`, then the record and the tag. */
export async function registerLocalImage(
  ctx: ImageContext,
  o: { config: ImageConfigDocument; layers: LayerRecord[]; parent: string; created: string; tagKey: string | undefined },
  sync?: SyncOptions,
): Promise<ImageRecord> {
  const configInfo = await ctx.content.writeBlob(JSON.stringify(o.config), undefined, sync);
  const manifestInfo = await ctx.content.writeBlob(
    buildManifest(configInfo, o.layers.map((l) => ({ digest: l.blobDigest, size: l.blobSize, mediaType: l.blobMediaType }))),
    undefined,
    sync,
  );
  const record: ImageRecord = {
    id: configInfo.digest,
    configMediaType: MediaType.ociConfig,
    configSize: configInfo.size,
    manifestDigest: manifestInfo.digest,
    manifestMediaType: MediaType.ociManifest,
    manifestSize: manifestInfo.size,
    layers: o.layers,
    created: o.created,
    parent: o.parent,
    recordedAt: o.created,
  };
  await ctx.metadata.putImage(record, o.tagKey ? [o.tagKey] : [], sync);
  return record;
}
