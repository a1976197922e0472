/**
 * Validated parsing of OCI image manifests and indexes and of Docker schema 2
 * manifests and manifest lists (reference/oci/image-spec/manifest.md,
 * image-index.md, descriptor.md). Every field berth reads is type-checked;
 * unknown fields are ignored; documents over MAX_MANIFEST_BYTES are refused.
 *
 * Terms: a *descriptor* points at a blob by mediaType, digest and size; a
 * *manifest* names one image (config + ordered layers); an *index* (manifest
 * list) names several manifests, usually one per platform.
 */
import { isDigest } from "./digest.js";
import { fail, isObject, optString, optStringMap, parseJsonBytes, reqString, type JsonObject } from "./json-check.js";
import { MediaType, isConfigMediaType, isIndexMediaType, isLayerMediaType, isManifestMediaType } from "./media-types.js";
import type { Platform } from "./platform.js";

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_LAYERS = 1024;
export const MAX_INDEX_ENTRIES = 4096;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export type ManifestDocument = ({ kind: "manifest" } & ImageManifest) | ({ kind: "index" } & ImageIndex);

function parsePlatform(v: unknown, what: string): Platform | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(what, "platform must be an object");
  const p: Platform = { os: reqString(v, "os", `${what} platform`), architecture: reqString(v, "architecture", `${what} platform`) };
  const variant = optString(v, "variant", `${what} platform`);
  if (variant) p.variant = variant;
  return p;
}

export function parseDescriptor(v: unknown, what: string): Descriptor {
  if (!isObject(v)) fail(what, "descriptor must be an object");
  const mediaType = reqString(v, "mediaType", what);
  const digest = reqString(v, "digest", what);
  if (!isDigest(digest)) fail(what, `digest ${JSON.stringify(digest.slice(0, 80))} is not sha256:<64 hex>`);
  const size = v["size"];
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) fail(what, "size must be a non-negative integer");
  const d: Descriptor = { mediaType, digest, size };
  const urls = v["urls"];
  if (urls !== undefined && urls !== null) {
    if (!Array.isArray(urls) || !urls.every((u) => typeof u === "string")) fail(what, "urls must be an array of strings");
    d.urls = [...(urls as string[])];
  }
  const annotations = optStringMap(v, "annotations", what);
  if (annotations) d.annotations = annotations;
  const platform = parsePlatform(v["platform"], what);
  if (platform) d.platform = platform;
  return d;
}

function parseManifestObject(o: JsonObject, mediaType: string): ImageManifest {
  const what = "image manifest";
  const config = parseDescriptor(o["config"], `${what} config`);
  // OCI allows artifact configs; for an image we insist on an image config.
  if (!isConfigMediaType(config.mediaType)) fail(what, `config media type ${config.mediaType} is not an image config`);
  const layersRaw = o["layers"];
  if (!Array.isArray(layersRaw)) fail(what, "layers must be an array");
  if (layersRaw.length > MAX_LAYERS) fail(what, `more than ${MAX_LAYERS} layers`);
  const layers = layersRaw.map((l, i) => parseDescriptor(l, `${what} layer ${i}`));
  for (const [i, l] of layers.entries()) {
    if (!isLayerMediaType(l.mediaType)) fail(what, `layer ${i} has unsupported media type ${l.mediaType}`);
  }
  const m: ImageManifest = { schemaVersion: 2, mediaType, config, layers };
  const annotations = optStringMap(o, "annotations", what);
  if (annotations) m.annotations = annotations;
  return m;
}

function parseIndexObject(o: JsonObject, mediaType: string): ImageIndex {
  const what = "image index";
  const raw = o["manifests"];
  if (!Array.isArray(raw)) fail(what, "manifests must be an array");
  if (raw.length > MAX_INDEX_ENTRIES) fail(what, `more than ${MAX_INDEX_ENTRIES} manifests`);
  const idx: ImageIndex = { schemaVersion: 2, mediaType, manifests: raw.map((m, i) => parseDescriptor(m, `${what} entry ${i}`)) };
  const annotations = optStringMap(o, "annotations", what);
  if (annotations) idx.annotations = annotations;
  return idx;
}

/**
 * Parses a manifest or index. `expectedMediaType` (from the descriptor or an
 * HTTP Content-Type) decides when the document has no mediaType of its own;
 * when both exist they must agree.
 */
export function parseManifestDocument(data: Uint8Array | string, expectedMediaType?: string): ManifestDocument {
  const v = parseJsonBytes(data, "manifest", MAX_MANIFEST_BYTES);
  if (!isObject(v)) fail("manifest", "top level must be an object");
  if (v["schemaVersion"] !== 2) fail("manifest", "schemaVersion must be 2");
  const own = optString(v, "mediaType", "manifest");
  if (own !== undefined && expectedMediaType !== undefined && own !== expectedMediaType) {
    fail("manifest", `media type ${own} does not match the expected ${expectedMediaType}`);
  }
  let mt = own ?? expectedMediaType;
  if (mt === undefined) {
    // OCI documents may omit mediaType: infer from the shape.
    if (Array.isArray(v["manifests"])) mt = MediaType.ociIndex;
    else if (v["config"] !== undefined) mt = MediaType.ociManifest;
    else fail("manifest", "cannot tell a manifest from an index");
  }
  if (isIndexMediaType(mt)) {
    if (v["config"] !== undefined || v["layers"] !== undefined) fail("image index", "an index must not have config or layers");
    return { kind: "index", ...parseIndexObject(v, mt) };
  }
  if (isManifestMediaType(mt)) {
    if (v["manifests"] !== undefined) fail("image manifest", "a manifest must not have manifests");
    return { kind: "manifest", ...parseManifestObject(v, mt) };
  }
  fail("manifest", `unsupported media type ${mt}`);
}

export function parseImageManifest(data: Uint8Array | string, expectedMediaType?: string): ImageManifest {
  const doc = parseManifestDocument(data, expectedMediaType);
  if (doc.kind !== "manifest") fail("image manifest", `expected a manifest, got ${doc.mediaType}`);
  const { kind: _kind, ...m } = doc;
  return m;
}

export function parseImageIndex(data: Uint8Array | string, expectedMediaType?: string): ImageIndex {
  const doc = parseManifestDocument(data, expectedMediaType);
  if (doc.kind !== "index") fail("image index", `expected an index, got ${doc.mediaType}`);
  const { kind: _kind, ...m } = doc;
  return m;
}
