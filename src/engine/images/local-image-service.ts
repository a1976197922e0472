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
import type { CommitOptions, Image, ImageService, ImportOptions, LoadProgress, PullOptions, PushOptions, PushResult, RegistryAuth, RemoveResult } from "./image-service.js";
import { toImage } from "./image-view.js";
import { resolveImage } from "./resolve-image.js";
import { importRootfs } from "./import-rootfs.js";
import { commitImage } from "./commit-image.js";
import { loadArchive } from "./load-archive.js";
import { saveArchive } from "./save-archive.js";
import { tagImage } from "./tag-image.js";
import { removeImage } from "./remove-image.js";
import { imageHistory, type HistoryRow } from "./image-history.js";
import { listImages } from "./list-images.js";
import { loginToRegistry, RegistryClient, type RegistryClientOptions } from "../../registry/client/index.js";
import { pullImage } from "./pull-image.js";
import { pushImage } from "./push-image.js";
import { commitBuildStep, tagBuiltImage, type BuildStepInput } from "./build-step-image.js";

export class LocalImageService implements ImageService {
  private readonly ctx: ImageContext;
  /** Registry client for pull/push/login; owns the bearer-token cache shared by those operations. */
  private readonly registry: RegistryClient;

  constructor(deps: ImageServiceDeps, registryOptions: RegistryClientOptions = {}) {
    this.ctx = createImageContext(deps);
    this.registry = new RegistryClient(registryOptions);
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

  async commitLayer(layer: Readable, opts: CommitOptions): Promise<Image> {
    return toImage(this.ctx, await commitImage(this.ctx, layer, opts));
  }

  /** One step of a classic build: a new image on top of the previous step's (build-step-image.ts). */
  async commitBuildStep(input: BuildStepInput): Promise<Image> {
    return toImage(this.ctx, await commitBuildStep(this.ctx, input));
  }

  /** Tags a finished build's image with every `-t` (normalised tag keys). */
  tagBuiltImage(id: string, tagKeys: string[]): Promise<void> {
    return tagBuiltImage(this.ctx, id, tagKeys);
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

  async pull(ref: string, opts: PullOptions): Promise<Image> {
    return toImage(this.ctx, await pullImage(this.ctx, this.registry, ref, opts));
  }

  push(ref: string, opts: PushOptions): Promise<PushResult> {
    return pushImage(this.ctx, this.registry, ref, opts);
  }

  login(auth: RegistryAuth, signal?: AbortSignal): Promise<{ status: string; identityToken: string }> {
    return loginToRegistry(this.registry, auth, signal);
  }
}
