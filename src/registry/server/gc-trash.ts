/**
 * GC's trash (paths.gcTrashDir()): a blob being swept is first renamed from
 * the content store into gc/trash/<hex>, and only unlinked there once GC has
 * re-checked that nothing references it (gc.ts). Whatever a crashed or
 * interrupted GC left in the trash may still be wanted, so it is moved back
 * into the store by the next GC and at every server start. Restoring is always
 * safe: at worst an unreferenced blob survives until the next GC.
 */
import { promises as fs } from "node:fs";
import type { LocalContentStore } from "../../store/content/local-content-store.js";
import { fsyncDir } from "../../durable/atomic-file.js";
import type { RegistryPaths } from "./paths.js";
import { isValidDigest } from "./paths.js";
import path from "node:path";

/** Moves `digest` from the trash back into the store; false if it was not there. */
export async function restoreFromTrash(paths: RegistryPaths, content: LocalContentStore, digest: string): Promise<boolean> {
  try {
    await fs.rename(paths.gcTrash(digest), content.blobPath(digest));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
}

/** Moves every blob in the trash back into the store; returns how many. */
export async function restoreGcTrash(paths: RegistryPaths, content: LocalContentStore): Promise<number> {
  let n = 0;
  const names = await fs.readdir(paths.gcTrashDir()).catch(() => [] as string[]);
  for (const hex of names) {
    const digest = `sha256:${hex}`;
    if (!isValidDigest(digest)) continue;
    if (await restoreFromTrash(paths, content, digest)) n++;
  }
  if (n > 0) await fsyncDir(path.dirname(content.blobPath(`sha256:${"0".repeat(64)}`)));
  return n;
}
