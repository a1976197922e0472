/**
 * The directory a layer is being unpacked into, seen only through paths that
 * cannot leave it.
 *
 * Every entry lands at root + its cleaned components (entry-name.ts). Before
 * anything is created, each parent component is checked with lstat: a missing
 * parent is created (0755, root-owned, as Docker does), a symlink parent is
 * refused — following it could lead anywhere ("link -> /etc" then
 * "link/passwd", or "up -> ../../.."), and no well-formed layer needs it, since
 * tar writers never descend through symlinks. The final component is never
 * followed either: it is removed and recreated, or opened O_NOFOLLOW|O_EXCL.
 *
 * Unpack is the only writer of the tree while it runs, so directories that
 * passed the check are cached (a layer has many entries per directory);
 * removing a path forgets everything cached beneath it.
 *
 * The per-entry metadata calls (lstat, mkdir, chmod) are synchronous, as
 * EntryWriter's are: see there why.
 */
import { chmodSync, lstatSync, mkdirSync, promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { InvalidArgumentError } from "../errors/index.js";

export class LayerTree {
  private readonly knownDirs = new Set<string>([""]);

  constructor(readonly root: string) {}

  abs(comps: readonly string[]): string {
    return comps.length === 0 ? this.root : path.join(this.root, ...comps);
  }

  async lstat(comps: readonly string[]): Promise<Stats | undefined> {
    try {
      return lstatSync(this.abs(comps));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  /** Makes every parent of `comps` a real directory inside the root, creating missing ones. */
  async ensureParents(comps: readonly string[], entry: string): Promise<void> {
    await this.walkParents(comps, entry, true);
  }

  /** Checks that every parent of `comps` is a real directory, creating nothing. */
  async checkParents(comps: readonly string[], entry: string): Promise<void> {
    await this.walkParents(comps, entry, false);
  }

  markDir(comps: readonly string[]): void {
    this.knownDirs.add(comps.join("/"));
  }

  /** Removes whatever is at `comps` (a whole subtree for a directory). */
  async removeAt(comps: readonly string[]): Promise<void> {
    const rel = comps.join("/");
    if (this.knownDirs.delete(rel)) {
      const prefix = `${rel}/`;
      for (const d of this.knownDirs) if (d.startsWith(prefix)) this.knownDirs.delete(d);
    }
    await fs.rm(this.abs(comps), { recursive: true, force: true });
  }

  private async walkParents(comps: readonly string[], entry: string, create: boolean): Promise<void> {
    for (let i = 1; i < comps.length; i++) {
      const parent = comps.slice(0, i);
      const rel = parent.join("/");
      if (this.knownDirs.has(rel)) continue;
      const st = await this.lstat(parent);
      if (st === undefined) {
        if (!create) throw new InvalidArgumentError(`${entry}: ${rel} does not exist in the layer`);
        mkdirSync(this.abs(parent), { mode: 0o755 });
        chmodSync(this.abs(parent), 0o755); // mkdir's mode is filtered by the umask
      } else if (st.isSymbolicLink()) {
        throw new InvalidArgumentError(`${entry}: parent ${rel} is a symlink; refusing to follow it during unpack`);
      } else if (!st.isDirectory()) {
        throw new InvalidArgumentError(`${entry}: parent ${rel} is not a directory`);
      }
      this.knownDirs.add(rel);
    }
  }
}
