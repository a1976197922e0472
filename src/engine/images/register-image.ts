/**
 * The last step of load (and of any path that brings image blobs in): with
 * the config, manifest and layer blobs already verified in the content
 * store, unpack the layers in order (each checked against the config's
 * diff_ids), then write the image record and its references. Called inside
 * ctx.mutate. If any layer fails, the layers this call created are removed
 * again and nothing is registered.
 */
import { InvalidArgumentError, NotImplementedError } from "../../errors/index.js";
import { sha256Digest } from "../../oci/digest.js";
import type { ImageConfig } from "../../oci/image-config.js";
import { layerCompression } from "../../oci/media-types.js";
import type { ImageRecord, LayerRecord } from "../../store/metadata/image-record.js";
import type { ImageContext } from "./image-deps.js";
import { decompressIfGzip } from "./layer-stream.js";
import type { LayerBlob } from "./manifest-builder.js";

export interface ImageToRegister {
  configDigest: string;
  config: ImageConfig;
  configMediaType: string;
  configSize: number;
  manifest: { digest: string; mediaType: string; size: number };
  layers: LayerBlob[];
  /** Normalised reference keys to point at the image. */
  refs: string[];
  parent?: string;
}

async function applyOneLayer(ctx: ImageContext, parent: string | null, blob: LayerBlob, diffId: string) {
  if (layerCompression(blob.mediaType) === "zstd") {
    throw new NotImplementedError(`layer ${blob.digest}: zstd-compressed layers are not supported`);
  }
  const { stream } = await decompressIfGzip(await ctx.content.createReadStream(blob.digest));
  try {
    return await ctx.layers.applyLayer(parent, stream, diffId);
  } catch (e) {
    stream.destroy();
    if (e instanceof InvalidArgumentError) {
      throw new InvalidArgumentError(`layer ${blob.digest} (diff ID ${diffId}): ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** chainId(L0) = diffId(L0); chainId(Ln) = sha256(chainId(Ln-1) + " " + diffId(Ln)). */
export function chainIdOf(parent: string | null, diffId: string): string {
  return parent === null ? diffId : sha256Digest(`${parent} ${diffId}`);
}

export async function registerImage(ctx: ImageContext, img: ImageToRegister): Promise<ImageRecord> {
  const diffIds = img.config.rootfs.diff_ids;
  if (diffIds.length !== img.layers.length) {
    throw new InvalidArgumentError(
      `image ${img.configDigest}: the config lists ${diffIds.length} layers (rootfs.diff_ids) but ${img.layers.length} were given`,
    );
  }
  const created: string[] = [];
  const layers: LayerRecord[] = [];
  let parent: string | null = null;
  try {
    for (const [i, blob] of img.layers.entries()) {
      const diffId = diffIds[i]!;
      const existed = await ctx.layers.hasLayer(chainIdOf(parent, diffId));
      const applied = await applyOneLayer(ctx, parent, blob, diffId);
      if (applied.diffId !== diffId) {
        throw new InvalidArgumentError(`layer ${blob.digest}: diff ID ${applied.diffId} does not match the config's ${diffId}`);
      }
      if (!existed) created.push(applied.chainId);
      layers.push({
        blobDigest: blob.digest,
        blobMediaType: blob.mediaType,
        blobSize: blob.size,
        diffId,
        chainId: applied.chainId,
        size: await ctx.layers.layerSize(applied.chainId),
      });
      parent = applied.chainId;
    }
  } catch (e) {
    // Layers that did not exist before this call: no image or container can use them yet (mutations are serialised).
    for (const chainId of created.reverse()) await ctx.layers.removeLayer(chainId).catch(() => {});
    throw e;
  }
  const now = new Date().toISOString();
  const record: ImageRecord = {
    id: img.configDigest,
    configMediaType: img.configMediaType,
    configSize: img.configSize,
    manifestDigest: img.manifest.digest,
    manifestMediaType: img.manifest.mediaType,
    manifestSize: img.manifest.size,
    layers,
    created: img.config.created && !Number.isNaN(Date.parse(img.config.created)) ? img.config.created : now,
    parent: img.parent ?? "",
    recordedAt: now,
  };
  await ctx.metadata.putImage(record, img.refs);
  return record;
}
