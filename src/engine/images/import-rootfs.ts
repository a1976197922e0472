/**
 * docker import: a root filesystem tarball (plain or gzip) becomes a
 * one-layer image.
 *
 * The tarball is read once: it is gunzipped when needed and the plain tar is
 * fed at the same time into the content store (so the layer blob's digest is
 * the diffId) and into the layer store, which unpacks it. Then the config
 * (history "Imported from -", run config from --change), an OCI manifest,
 * the record and the tag are written, in that order.
 */
import type { Readable } from "node:stream";
import { hostPlatform } from "../../oci/platform.js";
import type { ImageRecord } from "../../store/metadata/image-record.js";
import { applyChanges } from "./change-instructions.js";
import type { ImageContext } from "./image-deps.js";
import type { ImageConfigDocument, ImportOptions } from "./image-service.js";
import { decompressIfGzip } from "./layer-stream.js";
import { ingestPlainLayer, registerLocalImage, tagKeyFor } from "./local-image.js";


export async function importRootfs(ctx: ImageContext, tar: Readable, opts: ImportOptions): Promise<ImageRecord> {
  const tagKey = tagKeyFor(opts.ref); // validate before reading anything
  const runConfig = applyChanges({}, opts.changes ?? []);
  return ctx.mutate(async () => {
    const { stream } = await decompressIfGzip(tar);
    const layer = await ingestPlainLayer(ctx, stream, null);
    const created = new Date().toISOString();
    const comment = opts.message || "Imported from -";
    const platform = hostPlatform();
    const config: ImageConfigDocument = {
      architecture: opts.platform?.architecture || platform.architecture,
      comment,
      config: runConfig,
      created,
      history: [{ created, comment }],
      os: opts.platform?.os || platform.os,
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
    };
    return registerLocalImage(ctx, { config, layers: [layer], parent: "", created, tagKey });
  });
}
