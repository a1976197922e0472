/**
 * The build cache: step key → the image that step produced. A key is the
 * sha256 of the parent image ID, the step's created_by (which already holds
 * the expanded instruction, the build args RUN sees, and for COPY/ADD the
 * digest of the sources' content) and what else changes the result
 * (--chown/--chmod). An entry is one small file under
 * <dataRoot>/build-cache/, written atomically, so it survives a daemon
 * restart; it is only a pointer: an entry whose image was removed (rmi,
 * image prune) is stale and dropped on lookup, so entries go away with the
 * images that own them. `berth builder prune` removes them outright.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

export function stepKey(parentId: string | null, createdBy: string, extra = ""): string {
  return createHash("sha256").update(`${parentId ?? "scratch"}\n${createdBy}\n${extra}`).digest("hex");
}

export class BuildCache {
  /** Entries read or written by this process (a rebuild looks up every step: no file read each time). */
  private readonly known = new Map<string, string>();

  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The cached image ID, if its image still exists (`exists`); stale entries are removed. */
  async lookup(key: string, exists: (id: string) => Promise<boolean>): Promise<string | undefined> {
    const id = this.known.get(key) ?? (await fs.readFile(path.join(this.dir, key), "utf8").catch(() => undefined))?.trim();
    if (!id) return undefined;
    if (await exists(id)) {
      this.known.set(key, id);
      return id;
    }
    await this.remove(key);
    return undefined;
  }

  /**
   * Written through a temp file and a rename, without fsync: an entry is a
   * hint. One lost in a crash is a cache miss; one that names a missing or
   * unreadable image is dropped on lookup.
   */
  async store(key: string, imageId: string): Promise<void> {
    const tmp = path.join(this.dir, `.tmp-${key}-${process.pid}`);
    await fs.writeFile(tmp, imageId);
    await fs.rename(tmp, path.join(this.dir, key));
    this.known.set(key, imageId);
  }

  /** Every entry as [key, imageId]. */
  async entries(): Promise<Array<[string, string]>> {
    const out: Array<[string, string]> = [];
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const id = await fs.readFile(path.join(this.dir, name), "utf8").catch(() => undefined);
      if (id) out.push([name, id.trim()]);
    }
    return out;
  }

  async remove(key: string): Promise<void> {
    this.known.delete(key);
    await fs.rm(path.join(this.dir, key), { force: true });
  }
}
