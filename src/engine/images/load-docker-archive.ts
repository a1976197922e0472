/**
 * docker-archive format (what `docker save` writes): manifest.json is
 *   [{"Config": "<path>", "RepoTags": ["busybox:latest"], "Layers": ["<path>", …]}]
 * where paths are `<hex>.json` and `<id>/layer.tar` (Docker < 25) or
 * `blobs/sha256/<hex>` (Docker 25+ and berth). Layers may be plain or gzip.
 * When the archive also carries an OCI index naming a manifest for the same
 * config and layers, that manifest is kept (so its digest survives a round
 * trip); otherwise berth writes an OCI manifest for the image.
 */
import { isObject } from "../../oci/json-check.js";
import { MediaType } from "../../oci/media-types.js";
import { parseImageManifest, type ImageManifest } from "../../oci/manifest.js";
import { normalizeReference, referenceString } from "../../oci/reference.js";
import type { ImageContext } from "./image-deps.js";
import { buildManifest, layerMediaTypeFor, type LayerBlob } from "./manifest-builder.js";
import { blobIsGzip, invalidArchive, readConfigBlob, requireFile, type LoadPlan } from "./load-plan.js";
import type { SpooledArchive } from "./archive-spool.js";

interface ArchiveEntry {
  config: string;
  repoTags: string[];
  layers: string[];
}

function parseManifestJson(data: Buffer): ArchiveEntry[] {
  let v: unknown;
  try {
    v = JSON.parse(data.toString("utf8"));
  } catch {
    throw invalidArchive("manifest.json is not valid JSON");
  }
  if (!Array.isArray(v)) throw invalidArchive("manifest.json must be an array");
  return v.map((e, i) => {
    const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === "string");
    if (!isObject(e) || typeof e["Config"] !== "string") throw invalidArchive(`manifest.json entry ${i} has no Config`);
    const tags = e["RepoTags"] ?? [];
    if (!strings(tags)) throw invalidArchive(`manifest.json entry ${i}: RepoTags must be an array of strings`);
    const layers = e["Layers"] ?? [];
    if (!strings(layers)) throw invalidArchive(`manifest.json entry ${i}: Layers must be an array of strings`);
    return { config: e["Config"], repoTags: tags, layers };
  });
}

function tagKey(tag: string): string {
  let ref;
  try {
    ref = normalizeReference(tag);
  } catch (e) {
    throw invalidArchive(`RepoTag ${JSON.stringify(tag)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (ref.tag === undefined || ref.digest !== undefined) throw invalidArchive(`RepoTag ${JSON.stringify(tag)} is not a name:tag`);
  return referenceString(ref);
}

/** OCI manifests carried in the same archive, by config digest (only those whose blobs are present). */
async function ociManifestsByConfig(ctx: ImageContext, archive: SpooledArchive): Promise<Map<string, { info: { digest: string; size: number }; manifest: ImageManifest }>> {
  const out = new Map<string, { info: { digest: string; size: number }; manifest: ImageManifest }>();
  for (const [name, info] of archive.files) {
    if (!name.startsWith("blobs/sha256/") || info.size > 4 * 1024 * 1024) continue;
    const bytes = await ctx.content.readBlob(info.digest, 4 * 1024 * 1024);
    if (bytes[0] !== 0x7b) continue; // not a JSON object: a layer
    try {
      const manifest = parseImageManifest(bytes);
      out.set(manifest.config.digest, { info, manifest });
    } catch {
      /* a config or an index, not a manifest */
    }
  }
  return out;
}

export async function planDockerArchive(ctx: ImageContext, archive: SpooledArchive): Promise<LoadPlan[]> {
  const entries = parseManifestJson(archive.documents.get("manifest.json") ?? Buffer.from("[]"));
  const known = archive.documents.has("index.json") ? await ociManifestsByConfig(ctx, archive) : new Map();
  const plans: LoadPlan[] = [];
  for (const e of entries) {
    const configInfo = requireFile(archive, e.config, "config");
    const config = await readConfigBlob(ctx, configInfo);
    const layers: LayerBlob[] = [];
    for (const l of e.layers) {
      const info = requireFile(archive, l, "layer");
      layers.push({ digest: info.digest, size: info.size, mediaType: layerMediaTypeFor((await blobIsGzip(ctx, info.digest)) ? "gzip" : "none") });
    }
    if (config.rootfs.diff_ids.length !== layers.length) {
      throw invalidArchive(`image ${configInfo.digest} lists ${config.rootfs.diff_ids.length} diff_ids but ${layers.length} layers`);
    }
    const refs = e.repoTags.map(tagKey);
    const candidate = known.get(configInfo.digest);
    const sameLayers = candidate?.manifest.layers.map((l: LayerBlob) => l.digest).join() === layers.map((l) => l.digest).join();
    const existing = sameLayers ? candidate : undefined;
    let manifest: { digest: string; mediaType: string; size: number };
    let blobs = layers;
    if (existing) {
      manifest = { ...existing.info, mediaType: existing.manifest.mediaType };
      blobs = existing.manifest.layers;
    } else {
      const info = await ctx.content.writeBlob(buildManifest(configInfo, layers));
      manifest = { ...info, mediaType: MediaType.ociManifest };
    }
    plans.push({
      configDigest: configInfo.digest,
      config,
      configMediaType: existing?.manifest.config.mediaType ?? MediaType.ociConfig,
      configSize: configInfo.size,
      manifest,
      layers: blobs,
      refs,
    });
  }
  return plans;
}
