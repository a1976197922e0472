/**
 * docker rmi, following Docker's daemon/images/image_delete.go:
 *
 *  - by name: untag it ("Untagged: busybox:latest"); when no reference is
 *    left, delete the image. Without force, refused when the name is the
 *    image's only reference and a container (any state) uses the image.
 *  - by ID: when the image's references are a single repository (one tag,
 *    plus digests of that repository), untag them all and delete. With tags
 *    in several repositories, deleting needs force.
 *  - delete: refused even with force when a running container uses it or
 *    another image has it as parent ("cannot be forced"); refused without
 *    force when a stopped container uses it ("must be forced"). Then every
 *    reference, the record, and the layers and blobs no other image needs are
 *    removed ("Deleted: sha256:…", image ID first, then layer chainIds).
 */
import { ConflictError } from "../../errors/index.js";
import { shortId } from "../../oci/digest.js";
import { familiarString, parseReference } from "../../oci/reference.js";
import { recordBlobs } from "../../store/metadata/image-record.js";
import type { ImageContext } from "./image-deps.js";
import type { RemoveResult } from "./image-service.js";
import { resolveImage } from "./resolve-image.js";

/** Docker's isSingleReference: at most one tag, and any digest references are of that tag's repository. */
function isSingleReference(refs: string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const parsed = refs.map((r) => parseReference(r));
  const tagged = parsed.filter((r) => r.digest === undefined);
  if (tagged.length > 1) return false;
  const canonicalNames = new Set(parsed.filter((r) => r.digest !== undefined).map((r) => `${r.domain}/${r.path}`));
  const single = tagged[0] ?? parsed[0]!;
  return canonicalNames.size === 1 && canonicalNames.has(`${single.domain}/${single.path}`);
}

function conflict(id: string, hard: boolean, message: string): ConflictError {
  return new ConflictError(`conflict: unable to delete ${shortId(id)} (${hard ? "cannot be forced" : "must be forced"}) - ${message}`);
}

async function deleteImage(ctx: ImageContext, id: string, force: boolean, out: RemoveResult[]): Promise<void> {
  const use = await ctx.isImageInUse(id);
  if (ctx.metadata.listRecords().some((r) => r.parent === id)) throw conflict(id, true, "image has dependent child images");
  if (use.running) throw conflict(id, true, `image is being used by running container ${shortId(use.containerId ?? "")}`);
  if (!force && ctx.metadata.referencesTo(id).length > 0) throw conflict(id, false, "image is referenced in multiple repositories");
  if (!force && use.inUse) throw conflict(id, false, `image is being used by stopped container ${shortId(use.containerId ?? "")}`);
  const record = ctx.metadata.getRecord(id);
  if (!record) return;
  for (const ref of await ctx.metadata.deleteImage(id)) out.push({ Untagged: familiarString(ref) });
  out.push({ Deleted: id });
  // A container (stopped, force-removed image) still stands on these layers: keep them.
  if (!use.inUse) {
    const layersInUse = ctx.metadata.chainIdsInUse();
    for (const layer of [...record.layers].reverse()) {
      if (layersInUse.has(layer.chainId)) continue;
      await ctx.layers.removeLayer(layer.chainId);
      out.push({ Deleted: layer.chainId });
    }
  }
  const blobsInUse = ctx.metadata.blobsInUse();
  for (const digest of new Set(recordBlobs(record))) if (!blobsInUse.has(digest)) await ctx.content.delete(digest);
}

/** Removes untagged parents that nothing else needs (Docker's prune of the parent chain). Conflicts end it quietly. */
async function pruneParents(ctx: ImageContext, parent: string, out: RemoveResult[]): Promise<void> {
  let next = parent;
  while (next !== "") {
    const rec = ctx.metadata.getRecord(next);
    if (!rec || ctx.metadata.referencesTo(next).length > 0) return;
    try {
      await deleteImage(ctx, next, false, out);
    } catch (e) {
      if (e instanceof ConflictError) return;
      throw e;
    }
    next = rec.parent;
  }
}

export async function removeImage(ctx: ImageContext, ref: string, opts: { force?: boolean; noPrune?: boolean }): Promise<RemoveResult[]> {
  return ctx.mutate(async () => {
    const force = opts.force === true;
    const { record, referenceKey } = resolveImage(ctx.metadata, ref);
    const id = record.id;
    const out: RemoveResult[] = [];
    let refs = ctx.metadata.referencesTo(id);
    if (referenceKey !== undefined) {
      if (!force && isSingleReference(refs)) {
        const use = await ctx.isImageInUse(id);
        if (use.inUse) {
          throw new ConflictError(
            `conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(use.containerId ?? "")} is using its referenced image ${shortId(id)}`,
          );
        }
      }
      await ctx.metadata.deleteReferences([referenceKey]);
      out.push({ Untagged: familiarString(referenceKey) });
      refs = ctx.metadata.referencesTo(id);
      const removed = parseReference(referenceKey);
      if (removed.digest === undefined) {
        // Digest references of the same repository go with its last tag.
        const sameRepo = refs.map((r) => parseReference(r)).filter((r) => r.domain === removed.domain && r.path === removed.path);
        if (sameRepo.every((r) => r.digest !== undefined) && sameRepo.length > 0) {
          const keys = refs.filter((r) => sameRepo.some((s) => familiarString(s) === familiarString(r)));
          for (const k of await ctx.metadata.deleteReferences(keys)) out.push({ Untagged: familiarString(k) });
          refs = ctx.metadata.referencesTo(id);
        }
      }
      if (refs.length > 0) return out;
    } else if (isSingleReference(refs)) {
      const use = await ctx.isImageInUse(id);
      if (use.running) throw conflict(id, true, `image is being used by running container ${shortId(use.containerId ?? "")}`);
      if (!force && use.inUse) throw conflict(id, false, `image is being used by stopped container ${shortId(use.containerId ?? "")}`);
      for (const k of await ctx.metadata.deleteReferences(refs)) out.push({ Untagged: familiarString(k) });
    }
    await deleteImage(ctx, id, force, out);
    if (!opts.noPrune && record.parent !== "") await pruneParents(ctx, record.parent, out);
    return out;
  });
}
