/**
 * docker history (GET /images/{name}/history), as Docker's
 * daemon/images/image_history.go computes it: one row per config history
 * entry, newest first; rows of non-empty layers carry that layer's unpacked
 * size; the newest row carries the image ID and its tags, older rows carry
 * the parent images' IDs when the image was built locally, else "<missing>".
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { familiarString, parseReference } from "../../oci/reference.js";
import type { ImageContext } from "./image-deps.js";
import { readConfig } from "./image-view.js";
import { resolveImage } from "./resolve-image.js";

export interface HistoryRow {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

function tagsOf(ctx: ImageContext, id: string): string[] | null {
  const tags = ctx.metadata
    .referencesTo(id)
    .filter((r) => parseReference(r).digest === undefined)
    .map((r) => familiarString(r))
    .sort();
  return tags.length > 0 ? tags : null;
}

export async function imageHistory(ctx: ImageContext, ref: string): Promise<HistoryRow[]> {
  const { record } = resolveImage(ctx.metadata, ref);
  const config = await readConfig(ctx, record.id);
  const rows: HistoryRow[] = [];
  let layer = 0;
  for (const h of config.history ?? []) {
    let size = 0;
    if (!h.empty_layer) {
      const l = record.layers[layer];
      if (!l) throw new InvalidArgumentError("too many non-empty layers in History section");
      size = l.size;
      layer++;
    }
    const created = h.created ? Math.floor(Date.parse(h.created) / 1000) : 0;
    rows.unshift({ Id: "<missing>", Created: Number.isFinite(created) ? created : 0, CreatedBy: h.created_by ?? "", Tags: null, Size: size, Comment: h.comment ?? "" });
  }
  // Fill in IDs and tags down the local parent chain.
  let id = record.id;
  for (const row of rows) {
    row.Id = id;
    row.Tags = tagsOf(ctx, id);
    const parent = ctx.metadata.getRecord(id)?.parent ?? "";
    if (parent === "" || !ctx.metadata.getRecord(parent)) break;
    id = parent;
  }
  return rows;
}
