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
import { InvalidArgumentError } from "../../errors/index.js";
import { MediaType } from "../../oci/media-types.js";
import { hostPlatform } from "../../oci/platform.js";
import { normalizeReference, referenceString } from "../../oci/reference.js";
import type { ImageRecord } from "../../store/metadata/image-record.js";
import { applyChanges } from "./change-instructions.js";
import type { ImageContext } from "./image-deps.js";
import type { ImageConfigDocument, ImportOptions } from "./image-service.js";
import { decompressIfGzip, tee } from "./layer-stream.js";
import { buildManifest } from "./manifest-builder.js";

function tagKeyFor(ref: string | undefined): string | undefined {
  if (ref === undefined || ref === "") return undefined;
  const parsed = normalizeReference(ref);
  if (parsed.digest !== undefined) throw new InvalidArgumentError("refusing to create a tag with a digest reference");
  return referenceString(parsed);
}

export async function importRootfs(ctx: ImageContext, tar: Readable, opts: ImportOptions): Promise<ImageRecord> {
  const tagKey = tagKeyFor(opts.ref); // validate before reading anything
  const runConfig = applyChanges({}, opts.changes ?? []);
  return ctx.mutate(async () => {
    const { stream } = await decompressIfGzip(tar);
    const [blob, applied] = await tee(
      stream,
      (s) => ctx.content.ingest(s),
      (s) => ctx.layers.applyLayer(null, s),
    );
    if (blob.digest !== applied.diffId) {
      throw new InvalidArgumentError(`layer digest ${blob.digest} differs from the unpacked diff ID ${applied.diffId}`);
    }
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
      rootfs: { type: "layers", diff_ids: [applied.diffId] },
    };
    const configInfo = await ctx.content.writeBlob(JSON.stringify(config));
    const layer = { digest: blob.digest, size: blob.size, mediaType: MediaType.ociLayer };
    const manifestInfo = await ctx.content.writeBlob(buildManifest(configInfo, [layer]));
    const record: ImageRecord = {
      id: configInfo.digest,
      configMediaType: MediaType.ociConfig,
      configSize: configInfo.size,
      manifestDigest: manifestInfo.digest,
      manifestMediaType: MediaType.ociManifest,
      manifestSize: manifestInfo.size,
      layers: [
        {
          blobDigest: blob.digest,
          blobMediaType: MediaType.ociLayer,
          blobSize: blob.size,
          diffId: applied.diffId,
          chainId: applied.chainId,
          size: await ctx.layers.layerSize(applied.chainId),
        },
      ],
      created,
      parent: "",
      recordedAt: created,
    };
    await ctx.metadata.putImage(record, tagKey ? [tagKey] : []);
    return record;
  });
}
