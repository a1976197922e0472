/**
 * docker commit, image side: a layer tar made from a container's upper dir
 * becomes a new image on top of the container's image.
 *
 * The tar is read once and fed at the same time into the content store's
 * verified ingest (the blob's digest is the diffId, the tar being plain) and
 * into the layer store with the parent image's top chainId as parent, which
 * unpacks it (tee in layer-stream.ts), as import-rootfs.ts does. Then the
 * config is the parent's with the caller's run config, author, comment, a
 * new history entry and the new diffId appended; an OCI manifest listing the
 * parent's layer blobs plus the new one; the record (parent = the parent
 * image's ID, as Docker shows in inspect's Parent) and the tag. All of it
 * under ctx.mutate, so the parent cannot be removed half-way.
 */
import type { Readable } from "node:stream";
import { NotFoundError } from "../../errors/index.js";
import { topChainId, type ImageRecord } from "../../store/metadata/image-record.js";
import type { ImageContext } from "./image-deps.js";
import type { CommitOptions, ImageConfigDocument } from "./image-service.js";
import { readConfig } from "./image-view.js";
import { ingestPlainLayer, registerLocalImage, tagKeyFor } from "./local-image.js";


export async function commitImage(ctx: ImageContext, layer: Readable, opts: CommitOptions): Promise<ImageRecord> {
  const tagKey = tagKeyFor(opts.ref);
  return ctx.mutate(async () => {
    const parent = ctx.metadata.getRecord(opts.parentImageId);
    if (!parent) {
      layer.destroy();
      throw new NotFoundError(`No such image: ${opts.parentImageId}`);
    }
    const parentConfig = await readConfig(ctx, parent.id);
    const newLayer = await ingestPlainLayer(ctx, layer, topChainId(parent));
    const created = new Date().toISOString();
    const entry = {
      created,
      ...(opts.author ? { author: opts.author } : {}),
      ...(opts.createdBy ? { created_by: opts.createdBy } : {}),
      ...(opts.comment ? { comment: opts.comment } : {}),
    };
    const config: ImageConfigDocument = {
      ...parentConfig,
      created,
      config: opts.config,
      history: [...(parentConfig.history ?? []), entry],
      rootfs: { type: "layers", diff_ids: [...parentConfig.rootfs.diff_ids, newLayer.diffId] },
    };
    delete config["author"];
    delete config["comment"];
    if (opts.author) config.author = opts.author;
    if (opts.comment) config["comment"] = opts.comment;
    if (opts.containerId) config["container"] = opts.containerId;
    return registerLocalImage(ctx, { config, layers: [...parent.layers, newLayer], parent: parent.id, created, tagKey });
  });
}
