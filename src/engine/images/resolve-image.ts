/**
 * Resolves a user's ref to an image record, in Docker's order
 * (daemon/images/image.go GetImage):
 *   1. "sha256:<64 hex>" or "<64 hex>"      → that image ID;
 *   2. a name (tag defaults to latest) or name@digest → the reference map
 *      (a digest also matches an image's manifest digest);
 *   3. otherwise a unique prefix of an image ID ("81ba", "sha256:81ba").
 * Nothing found, or an ambiguous prefix → NotFoundError "No such image: <ref>"
 * (Docker answers an ambiguous prefix with the same 404).
 */
import { NotFoundError } from "../../errors/index.js";
import { isDigest, isHex64 } from "../../oci/digest.js";
import { normalizeReference, referenceString } from "../../oci/reference.js";
import type { ImageRecord } from "../../store/metadata/image-record.js";
import type { ImageMetadataStore } from "../../store/metadata/image-metadata-store.js";

export interface ResolvedImage {
  record: ImageRecord;
  /** The normalised reference key when the ref was a name, undefined when it was an ID. */
  referenceKey?: string;
}

export function resolveImage(metadata: ImageMetadataStore, ref: string): ResolvedImage {
  const notFound = (): NotFoundError => new NotFoundError(`No such image: ${ref}`);
  if (isDigest(ref) || isHex64(ref)) {
    const rec = metadata.getRecord(isDigest(ref) ? ref : `sha256:${ref}`);
    if (!rec) throw notFound();
    return { record: rec };
  }
  const parsed = normalizeReference(ref); // InvalidArgumentError for malformed refs, as Docker
  const key = referenceString(parsed);
  const id = metadata.resolveReference(key);
  if (id !== undefined) {
    const rec = metadata.getRecord(id);
    if (rec) return { record: rec, referenceKey: key };
  }
  if (parsed.digest !== undefined) {
    const rec = metadata.listRecords().find((r) => r.manifestDigest === parsed.digest);
    if (rec) return { record: rec };
  }
  const prefix = /^(?:sha256:)?([a-f0-9]{1,64})$/.exec(ref)?.[1];
  if (prefix !== undefined) {
    const matches = metadata.listRecords().filter((r) => r.id.startsWith(`sha256:${prefix}`));
    if (matches.length === 1) return { record: matches[0]! };
  }
  throw notFound();
}
