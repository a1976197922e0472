/**
 * docker tag: points a new name:tag at the image `ref` resolves to, moving
 * it from any image it named before.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { normalizeReference, referenceString } from "../../oci/reference.js";
import type { ImageContext } from "./image-deps.js";
import { resolveImage } from "./resolve-image.js";

export async function tagImage(ctx: ImageContext, ref: string, newRef: string): Promise<void> {
  const target = normalizeReference(newRef);
  if (target.digest !== undefined) throw new InvalidArgumentError("refusing to create a tag with a digest reference");
  await ctx.mutate(async () => {
    const { record } = resolveImage(ctx.metadata, ref);
    await ctx.metadata.setReferences([referenceString(target)], record.id);
  });
}
