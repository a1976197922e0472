/**
 * The durable record of one image, keyed by image ID (config digest).
 *
 * It names every blob the image needs (config, manifest, layer blobs) and
 * every layer chainId, so that removing an image can tell which blobs and
 * layers no other image needs any more.
 */
import { isDigest } from "../../oci/digest.js";
import { fail, isObject, optString, reqString } from "../../oci/json-check.js";

export interface LayerRecord {
  /** Digest of the layer blob as stored (compressed or not), as the manifest names it. */
  blobDigest: string;
  blobMediaType: string;
  blobSize: number;
  /** sha256 of the uncompressed tar. */
  diffId: string;
  chainId: string;
  /** Size on disk of the unpacked layer (Docker's DiffSize). */
  size: number;
}

export interface ImageRecord {
  /** "sha256:…" of the config blob. */
  id: string;
  configMediaType: string;
  configSize: number;
  manifestDigest: string;
  manifestMediaType: string;
  manifestSize: number;
  layers: LayerRecord[];
  /** From the config's "created", else the time the image was recorded. ISO 8601. */
  created: string;
  /** Parent image ID (local builds/commits), "" otherwise. */
  parent: string;
  /** When the record was written. ISO 8601. */
  recordedAt: string;
  lastTagTime?: string;
}

const WHAT = "image record";

function reqDigest(o: Record<string, unknown>, key: string): string {
  const v = reqString(o, key, WHAT);
  if (!isDigest(v)) fail(WHAT, `${key} is not a digest`);
  return v;
}

function reqNumber(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(WHAT, `${key} must be a non-negative integer`);
  return v;
}

/** Validates a record read from disk (it may have been written by another version). */
export function parseImageRecord(v: unknown): ImageRecord {
  if (!isObject(v)) fail(WHAT, "not an object");
  const layersRaw = v["layers"];
  if (!Array.isArray(layersRaw)) fail(WHAT, "layers must be an array");
  const layers = layersRaw.map((l): LayerRecord => {
    if (!isObject(l)) fail(WHAT, "layer must be an object");
    return {
      blobDigest: reqDigest(l, "blobDigest"),
      blobMediaType: reqString(l, "blobMediaType", WHAT),
      blobSize: reqNumber(l, "blobSize"),
      diffId: reqDigest(l, "diffId"),
      chainId: reqDigest(l, "chainId"),
      size: reqNumber(l, "size"),
    };
  });
  const rec: ImageRecord = {
    id: reqDigest(v, "id"),
    configMediaType: reqString(v, "configMediaType", WHAT),
    configSize: reqNumber(v, "configSize"),
    manifestDigest: reqDigest(v, "manifestDigest"),
    manifestMediaType: reqString(v, "manifestMediaType", WHAT),
    manifestSize: reqNumber(v, "manifestSize"),
    layers,
    created: reqString(v, "created", WHAT),
    parent: optString(v, "parent", WHAT) ?? "",
    recordedAt: reqString(v, "recordedAt", WHAT),
  };
  const lastTagTime = optString(v, "lastTagTime", WHAT);
  if (lastTagTime !== undefined) rec.lastTagTime = lastTagTime;
  return rec;
}

/** Every blob digest the image needs. */
export function recordBlobs(rec: ImageRecord): string[] {
  return [rec.id, rec.manifestDigest, ...rec.layers.map((l) => l.blobDigest)];
}

export function topChainId(rec: ImageRecord): string | null {
  return rec.layers.length === 0 ? null : rec.layers[rec.layers.length - 1]!.chainId;
}
