/**
 * docker tag: points a new name:tag at the image `ref` resolves to, moving
 * it from any image it named before.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { ImageContext } from "./image-deps.js";
import { tagKeyFor } from "./local-image.js";
import { resolveImage } from "./resolve-image.js";

export async function tagImage(ctx: ImageContext, ref: string, newRef: string): Promise<void> {
  const key = tagKeyFor(newRef);
  if (!key) throw new InvalidArgumentError("invalid reference format");
  await ctx.mutate(async () => {
    const { record } = resolveImage(ctx.metadata, ref);
    await ctx.metadata.setReferences([key], record.id);
  });
}
