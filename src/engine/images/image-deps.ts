/**
 * What the image service's parts receive: the stores they use, the container
 * service's in-use check, and the one lock that serialises image mutations
 * (import, load, tag, remove), so that a layer or blob is never removed while
 * another operation is about to register an image that needs it.
 */
import type { ContentStore } from "../../store/content/content-store.js";
import type { LayerStore } from "../../store/snapshots/snapshotter.js";
import type { ImageMetadataStore } from "../../store/metadata/image-metadata-store.js";
import type { ImageUseCheck } from "./image-service.js";
import { KeyedMutex } from "../../durable/keyed-mutex.js";

export interface ImageServiceDeps {
  content: ContentStore;
  layers: LayerStore;
  metadata: ImageMetadataStore;
  isImageInUse: ImageUseCheck;
}

export interface ImageContext extends ImageServiceDeps {
  /** Serialises every operation that adds or removes images, references, layers or blobs. */
  mutate<T>(fn: () => Promise<T>): Promise<T>;
}

export function createImageContext(deps: ImageServiceDeps): ImageContext {
  const mutex = new KeyedMutex();
  return { ...deps, mutate: (fn) => mutex.run("images", fn) };
}
