/**
 * Turns a stored ImageRecord (plus its config blob and references) into the
 * Image the service returns.
 */
import { parseImageConfig, MAX_CONFIG_BYTES } from "../../oci/image-config.js";
import { familiarString, parseReference } from "../../oci/reference.js";
import { topChainId, type ImageRecord } from "../../store/metadata/image-record.js";
import type { ImageContext } from "./image-deps.js";
import type { Image, ImageConfigDocument } from "./image-service.js";

export async function readConfig(ctx: ImageContext, id: string): Promise<ImageConfigDocument> {
  return parseImageConfig(await ctx.content.readBlob(id, MAX_CONFIG_BYTES));
}

/** Familiar tag and digest references of an image, each sorted, as Docker lists them. */
export function familiarRefs(ctx: ImageContext, id: string): { repoTags: string[]; repoDigests: string[] } {
  const repoTags: string[] = [];
  const repoDigests: string[] = [];
  for (const key of ctx.metadata.referencesTo(id)) {
    const ref = parseReference(key);
    if (ref.digest !== undefined) repoDigests.push(familiarString(ref));
    else repoTags.push(familiarString(ref));
  }
  return { repoTags: repoTags.sort(), repoDigests: repoDigests.sort() };
}

export async function toImage(ctx: ImageContext, rec: ImageRecord): Promise<Image> {
  const config = await readConfig(ctx, rec.id);
  return {
    id: rec.id,
    ...familiarRefs(ctx, rec.id),
    config,
    topChainId: topChainId(rec),
    size: rec.layers.reduce((n, l) => n + l.size, 0),
    created: new Date(rec.created),
    parent: rec.parent,
  };
}
