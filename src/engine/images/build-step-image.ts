/**
 * One build step's image (docker build, classic builder): every step of a
 * Dockerfile becomes an image whose parent is the previous step's image, as
 * in Docker's classic builder (`docker images -a` lists them; `docker rmi`
 * of the final image removes the untagged chain; the build cache points at
 * them).
 *
 * A filesystem step (RUN, COPY, ADD) brings a plain layer tar, streamed once
 * into the content store and the layer store (ingestPlainLayer); a metadata
 * step (ENV, CMD, …) brings none and its history entry says
 * `empty_layer: true`, as Docker writes it. The base of a `FROM scratch`
 * stage is "no parent": an empty rootfs.
 */
import type { Readable } from "node:stream";
import type { DeferredSync, SyncOptions } from "../../durable/deferred-sync.js";
import { NotFoundError } from "../../errors/index.js";
import { topChainId, type ImageRecord, type LayerRecord } from "../../store/metadata/image-record.js";
import type { ImageContext } from "./image-deps.js";
import type { HistoryEntry, ImageConfigDocument, ImageRunConfig } from "./image-service.js";
import { readConfig } from "./image-view.js";
import { ingestPlainLayer, plainLayerRecord, registerLocalImage } from "./local-image.js";

export interface BuildStepInput {
  /** The previous step's image ID, or null for the empty rootfs of `FROM scratch`. */
  parentImageId: string | null;
  /** The new image's complete run config. */
  config: ImageRunConfig;
  /** created_by as Docker's classic builder writes it (created-by.ts). */
  createdBy: string;
  /** The build container's config (Docker's `container_config`, whose Cmd carries the `#(nop)` text). */
  containerConfig?: ImageRunConfig;
  /** The layer of a filesystem step; absent for a metadata step. */
  layer?: Readable;
  /**
   * The unmounted snapshot whose upper dir holds exactly `layer`'s changes:
   * the layer store adopts that dir instead of unpacking the tar again.
   */
  snapshotKey?: string;
  /** The image config's author (MAINTAINER); undefined keeps the parent's. */
  author?: string;
  /** Platform of a scratch base. */
  platform?: { os: string; architecture: string };
  /** The build's durability batch: this step's blobs, layer and record skip their own fsyncs (deferred-sync.ts). */
  deferSync?: DeferredSync;
}

/** The layer tar went to the content store only (its digest is the diffId); the snapshot's upper dir becomes the layer. */
async function adoptedLayer(ctx: ImageContext, blob: { digest: string; size: number }, key: string, parentChainId: string | null, sync: SyncOptions): Promise<LayerRecord> {
  const applied = await ctx.layers.adoptSnapshot!(key, parentChainId, blob.digest, blob.size, sync);
  return plainLayerRecord(ctx, blob, applied);
}

/**
 * The packer yields 512-byte headers and file pieces (a COPY's 64 KiB context
 * pieces, by reference): the content store writes each group with one
 * writev(2), so a 50 MB layer is ~50 writes instead of ~1600 and no byte is
 * copied on the way.
 */
async function* grouped(src: AsyncIterable<Uint8Array>, targetBytes = 1 << 20, maxPieces = 256): AsyncGenerator<Uint8Array[]> {
  let group: Uint8Array[] = [];
  let size = 0;
  for await (const c of src) {
    group.push(c);
    size += c.byteLength;
    if (size >= targetBytes || group.length >= maxPieces) {
      yield group;
      group = [];
      size = 0;
    }
  }
  if (group.length > 0) yield group;
}

/** The image config of "nothing": what `FROM scratch` starts from. */
function scratchConfig(platform: { os: string; architecture: string } | undefined): ImageConfigDocument {
  return { architecture: platform?.architecture ?? "amd64", os: platform?.os ?? "linux", rootfs: { type: "layers", diff_ids: [] }, history: [] };
}

export async function commitBuildStep(ctx: ImageContext, o: BuildStepInput): Promise<ImageRecord> {
  // A snapshot's layer blob is ingested before taking the images lock: a big COPY's tar streams
  // for as long as the copy runs, and nothing references the blob until the record below does.
  const sync: SyncOptions = { deferSync: o.deferSync };
  const adopt = o.layer && o.snapshotKey && ctx.layers.adoptSnapshot ? { blob: await ctx.content.ingest(grouped(o.layer), {}, { ...sync, hashOffThread: true }), key: o.snapshotKey } : undefined;
  return ctx.mutate(async () => {
    let parent: ImageRecord | undefined;
    if (o.parentImageId !== null) {
      parent = ctx.metadata.getRecord(o.parentImageId);
      if (!parent) {
        o.layer?.destroy();
        throw new NotFoundError(`No such image: ${o.parentImageId}`);
      }
    }
    const base = parent ? await readConfig(ctx, parent.id) : scratchConfig(o.platform);
    const layers: LayerRecord[] = parent ? [...parent.layers] : [];
    const diffIds = [...base.rootfs.diff_ids];
    if (o.layer) {
      const parentChain = parent ? topChainId(parent) : null;
      const layer = adopt ? await adoptedLayer(ctx, adopt.blob, adopt.key, parentChain, sync) : await ingestPlainLayer(ctx, o.layer, parentChain);
      layers.push(layer);
      diffIds.push(layer.diffId);
    }
    const created = new Date().toISOString();
    const entry: HistoryEntry = { created, created_by: o.createdBy, ...(o.layer ? {} : { empty_layer: true }) };
    const config: ImageConfigDocument = {
      ...base,
      created,
      config: o.config,
      ...(o.containerConfig ? { container_config: o.containerConfig } : {}),
      ...(o.author !== undefined ? { author: o.author } : {}),
      history: [...(base.history ?? []), entry],
      rootfs: { type: "layers", diff_ids: diffIds },
    };
    return registerLocalImage(ctx, { config, layers, parent: parent?.id ?? "", created, tagKey: undefined }, sync);
  });
}

/** Points every tag in `tagKeys` (normalised, see tagKeyFor) at `id` in one write. */
export async function tagBuiltImage(ctx: ImageContext, id: string, tagKeys: string[]): Promise<void> {
  if (tagKeys.length === 0) return;
  await ctx.mutate(async () => {
    if (!ctx.metadata.getRecord(id)) throw new NotFoundError(`No such image: ${id}`);
    // an unchanged rebuild names the image its tags already point at: nothing to write (and fsync)
    if (tagKeys.every((k) => ctx.metadata.resolveReference(k) === id)) return;
    await ctx.metadata.setReferences(tagKeys, id);
  });
}
