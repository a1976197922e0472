/**
 * What the registry needs from a pushed manifest: its media type, the blobs
 * and manifests it references, and its subject / artifactType / annotations
 * for the referrers API. Deliberately more lenient than oci/manifest.ts
 * (which only accepts runnable images): a registry also stores OCI artifacts
 * whose config and layers have arbitrary media types. Every descriptor is
 * still type-checked (oci/manifest.ts parseDescriptor), digests included.
 *
 * Accepted media types: OCI image manifest and index, Docker schema 2
 * manifest and manifest list. Anything else is MANIFEST_INVALID.
 */
import { parseDescriptor, type Descriptor } from "../../oci/manifest.js";
import { isObject, optString, optStringMap } from "../../oci/json-check.js";
import { MediaType, isIndexMediaType, isManifestMediaType } from "../../oci/media-types.js";
import { RegistryError } from "./errcodes.js";

export interface CheckedManifest {
  mediaType: string;
  kind: "manifest" | "index";
  /** Blobs that must be linked in the repository (config and layers). */
  blobs: Descriptor[];
  /** Manifests that must be revisions of the repository (an index's entries). */
  manifests: Descriptor[];
  subject?: Descriptor;
  /** For the referrers API: artifactType, or a manifest's config media type. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

const MAX_ENTRIES = 4096;

function invalid(reason: string): never {
  throw new RegistryError("MANIFEST_INVALID", { reason });
}

/** Foreign / non-distributable layers live elsewhere (urls); the registry need not hold them. */
function isForeign(d: Descriptor): boolean {
  return (d.urls?.length ?? 0) > 0 && (d.mediaType.includes("foreign") || d.mediaType.includes("nondistributable"));
}

function descriptor(v: unknown, what: string): Descriptor {
  try {
    return parseDescriptor(v, what);
  } catch (e) {
    invalid((e as Error).message);
  }
}

/** Parses and checks `bytes` sent with `contentType` (may be undefined). */
export function checkManifest(bytes: Buffer, contentType: string | undefined): CheckedManifest {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString("utf8"));
  } catch {
    invalid("not valid JSON");
  }
  if (!isObject(v)) invalid("top level must be an object");
  if (v["schemaVersion"] !== 2) invalid("schemaVersion must be 2");
  let own: string | undefined;
  let artifactType: string | undefined;
  let annotations: Record<string, string> | undefined;
  try {
    own = optString(v, "mediaType", "manifest");
    artifactType = optString(v, "artifactType", "manifest");
    annotations = optStringMap(v, "annotations", "manifest");
  } catch (e) {
    invalid((e as Error).message);
  }
  const generic = contentType === undefined || contentType === "application/json" || contentType === "application/octet-stream";
  if (own !== undefined && !generic && own !== contentType) invalid(`mediaType ${own} does not match Content-Type ${contentType}`);
  let mediaType = own ?? (generic ? undefined : contentType);
  if (mediaType === undefined) {
    if (Array.isArray(v["manifests"])) mediaType = MediaType.ociIndex;
    else if (v["config"] !== undefined) mediaType = MediaType.ociManifest;
    else invalid("cannot tell a manifest from an index");
  }
  const subject = v["subject"] === undefined || v["subject"] === null ? undefined : descriptor(v["subject"], "subject");
  const out = (m: Omit<CheckedManifest, "subject" | "annotations" | "artifactType">, at: string | undefined): CheckedManifest => {
    const r: CheckedManifest = { ...m };
    if (subject) r.subject = subject;
    if (at) r.artifactType = at;
    if (annotations) r.annotations = annotations;
    return r;
  };
  if (isManifestMediaType(mediaType)) {
    if (v["manifests"] !== undefined) invalid("a manifest must not have manifests");
    const config = descriptor(v["config"], "config");
    const layersRaw = v["layers"];
    if (!Array.isArray(layersRaw)) invalid("layers must be an array");
    if (layersRaw.length > MAX_ENTRIES) invalid(`more than ${MAX_ENTRIES} layers`);
    const layers = layersRaw.map((l, i) => descriptor(l, `layer ${i}`));
    const blobs = [config, ...layers.filter((l) => !isForeign(l))];
    return out({ mediaType, kind: "manifest", blobs, manifests: [] }, artifactType ?? config.mediaType);
  }
  if (isIndexMediaType(mediaType)) {
    if (v["config"] !== undefined || v["layers"] !== undefined) invalid("an index must not have config or layers");
    const raw = v["manifests"];
    if (!Array.isArray(raw)) invalid("manifests must be an array");
    if (raw.length > MAX_ENTRIES) invalid(`more than ${MAX_ENTRIES} manifests`);
    const manifests = raw.map((m, i) => descriptor(m, `manifest ${i}`));
    return out({ mediaType, kind: "index", blobs: [], manifests }, artifactType);
  }
  invalid(`unsupported manifest media type ${mediaType}`);
}
