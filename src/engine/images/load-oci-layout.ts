/**
 * OCI image layout (reference/oci/image-spec/image-layout.md): `oci-layout`,
 * `index.json` and `blobs/sha256/<hex>`. Each index entry names a manifest
 * (or a nested index, from which the host platform's manifest is chosen).
 * Names come from the annotations `io.containerd.image.name` (a full
 * reference, as Docker 25+ and containerd write it) or
 * `org.opencontainers.image.ref.name` when that is a full name:tag.
 */
import { isObject } from "../../oci/json-check.js";
import { isIndexMediaType } from "../../oci/media-types.js";
import { parseImageIndex, parseManifestDocument, type Descriptor } from "../../oci/manifest.js";
import { selectPlatform } from "../../oci/platform.js";
import { normalizeReference, referenceString } from "../../oci/reference.js";
import type { ImageContext } from "./image-deps.js";
import { invalidArchive, readConfigBlob, requireBlob, type LoadPlan } from "./load-plan.js";
import type { SpooledArchive } from "./archive-spool.js";

export const CONTAINERD_NAME_ANNOTATION = "io.containerd.image.name";
export const OCI_REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";
const MAX_NESTING = 4;

function refKeyFromAnnotations(d: Descriptor): string | undefined {
  const a = d.annotations ?? {};
  for (const candidate of [a[CONTAINERD_NAME_ANNOTATION], a[OCI_REF_NAME_ANNOTATION]]) {
    if (candidate === undefined || !/[/:]/.test(candidate)) continue; // a bare tag ("latest") names no repository
    try {
      const ref = normalizeReference(candidate);
      if (ref.tag !== undefined && ref.digest === undefined) return referenceString(ref);
    } catch {
      /* not a reference: try the next annotation */
    }
  }
  return undefined;
}

function checkLayoutFile(archive: SpooledArchive): void {
  const raw = archive.documents.get("oci-layout");
  if (!raw) throw invalidArchive("oci-layout is missing");
  let v: unknown;
  try {
    v = JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalidArchive("oci-layout is not valid JSON");
  }
  if (!isObject(v) || typeof v["imageLayoutVersion"] !== "string") throw invalidArchive("oci-layout has no imageLayoutVersion");
}

async function resolveManifest(ctx: ImageContext, archive: SpooledArchive, d: Descriptor, depth: number) {
  if (depth > MAX_NESTING) throw invalidArchive("indexes nested too deeply");
  const info = requireBlob(archive, d, "manifest");
  const bytes = await ctx.content.readBlob(info.digest, 4 * 1024 * 1024);
  let doc;
  try {
    doc = parseManifestDocument(bytes, d.mediaType);
  } catch (e) {
    throw invalidArchive(`${d.digest}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (doc.kind === "index") {
    const chosen = selectPlatform(doc.manifests);
    if (!chosen) throw invalidArchive(`index ${d.digest} has no manifest for this platform`);
    return resolveManifest(ctx, archive, chosen, depth + 1);
  }
  return { descriptor: d, manifest: doc };
}

export async function planOciLayout(ctx: ImageContext, archive: SpooledArchive): Promise<LoadPlan[]> {
  checkLayoutFile(archive);
  let index;
  try {
    index = parseImageIndex(archive.documents.get("index.json") ?? "");
  } catch (e) {
    throw invalidArchive(`index.json: ${e instanceof Error ? e.message : String(e)}`);
  }
  const byManifest = new Map<string, LoadPlan>();
  for (const entry of index.manifests) {
    const { descriptor, manifest } = await resolveManifest(ctx, archive, entry, isIndexMediaType(entry.mediaType) ? 1 : 0);
    const refKey = refKeyFromAnnotations(entry);
    const known = byManifest.get(descriptor.digest);
    if (known) {
      if (refKey && !known.refs.includes(refKey)) known.refs.push(refKey);
      continue;
    }
    const configInfo = requireBlob(archive, manifest.config, "config");
    const config = await readConfigBlob(ctx, configInfo);
    for (const l of manifest.layers) requireBlob(archive, l, "layer");
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw invalidArchive(`image ${configInfo.digest} lists ${config.rootfs.diff_ids.length} diff_ids but its manifest ${manifest.layers.length} layers`);
    }
    byManifest.set(descriptor.digest, {
      configDigest: configInfo.digest,
      config,
      configMediaType: manifest.config.mediaType,
      configSize: configInfo.size,
      manifest: { digest: descriptor.digest, mediaType: manifest.mediaType, size: descriptor.size },
      layers: manifest.layers,
      refs: refKey ? [refKey] : [],
    });
  }
  return [...byManifest.values()];
}
