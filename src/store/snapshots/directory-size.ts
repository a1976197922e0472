/**
 * Bytes used by a directory tree, as Docker's `directory.Size` counts them:
 * the sizes of everything that is not a directory, each inode once (hardlinks
 * are not counted twice), symlinks never followed.
 */
import { promises as fs } from "node:fs";
import path from "node:path";

export async function directorySize(root: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const ent of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) {
        await walk(p);
        continue;
      }
      const st = await fs.lstat(p, { bigint: true });
      if (st.nlink > 1n) {
        const id = `${st.dev}:${st.ino}`;
        if (seen.has(id)) continue;
        seen.add(id);
      }
      total += Number(st.size);
    }
  };
  await walk(root);
  return total;
}
