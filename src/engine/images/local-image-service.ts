/**
 * ImageService on berth's own stores: blobs in the ContentStore, unpacked
 * layers in the LayerStore, records and references in the
 * ImageMetadataStore. Each operation lives in its own file; this class only
 * wires them together.
 *
 *   const images = new LocalImageService({ content, layers, metadata, isImageInUse });
 */
import type { Readable } from "node:stream";
import { createImageContext, type ImageContext, type ImageServiceDeps } from "./image-deps.js";
import type { Image, ImageService, ImportOptions, LoadProgress, RemoveResult } from "./image-service.js";
import { toImage } from "./image-view.js";
import { resolveImage } from "./resolve-image.js";
import { importRootfs } from "./import-rootfs.js";
import { loadArchive } from "./load-archive.js";
import { saveArchive } from "./save-archive.js";
import { tagImage } from "./tag-image.js";
import { removeImage } from "./remove-image.js";
import { imageHistory, type HistoryRow } from "./image-history.js";
import { listImages } from "./list-images.js";

export class LocalImageService implements ImageService {
  private readonly ctx: ImageContext;

  constructor(deps: ImageServiceDeps) {
    this.ctx = createImageContext(deps);
  }

  async get(ref: string): Promise<Image> {
    return toImage(this.ctx, resolveImage(this.ctx.metadata, ref).record);
  }

  list(opts?: { all?: boolean; filters?: Record<string, string[]> }): Promise<Image[]> {
    return listImages(this.ctx, opts);
  }

  async importRootfs(tar: Readable, opts: ImportOptions): Promise<Image> {
    return toImage(this.ctx, await importRootfs(this.ctx, tar, opts));
  }

  load(tar: Readable): Promise<LoadProgress[]> {
    return loadArchive(this.ctx, tar);
  }

  save(refs: string[], out: NodeJS.WritableStream): Promise<void> {
    return saveArchive(this.ctx, refs, out);
  }

  tag(ref: string, newRef: string): Promise<void> {
    return tagImage(this.ctx, ref, newRef);
  }

  remove(ref: string, opts: { force?: boolean; noPrune?: boolean }): Promise<RemoveResult[]> {
    return removeImage(this.ctx, ref, opts);
  }

  history(ref: string): Promise<HistoryRow[]> {
    return imageHistory(this.ctx, ref);
  }
}
