/**
 * The build service the API calls: builds (builder.ts) and `builder prune`.
 *
 * Prune follows the classic builder's model, where the cache *is* the chain
 * of step images: it removes every image that exists only as build cache —
 * untagged, a leaf (no image builds on it), used by no container, and named
 * by a cache entry — repeatedly, so an abandoned chain (a failed build, a
 * stage that was never tagged) goes as a whole, and their cache entries with
 * them. Step images under a tagged image stay: they are its parents, as in
 * Docker. `all` also forgets every remaining cache entry (the next build
 * then starts cold). Removing images through the image service also removes
 * their layers and blobs.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { BuildCache } from "./build-cache.js";
import type { BuildDeps, BuildOutput } from "./build-deps.js";
import { Builder, type BuildRequest } from "./builder.js";

export class BuildService {
  private readonly cache: BuildCache;
  private readonly builder: Builder;

  constructor(
    private readonly d: BuildDeps & { cacheDir: string; isImageInUse: (id: string) => Promise<{ inUse: boolean }> },
  ) {
    this.cache = new BuildCache(d.cacheDir);
    this.builder = new Builder(d, this.cache);
  }

  /**
   * Creates the cache dir and clears what a build interrupted by a crash left:
   * step mounts first (removing through a mount would write into its upper
   * dir), then the scratch space. Call before the container service's
   * reconcile removes the snapshots under those mounts.
   */
  async init(): Promise<void> {
    await this.cache.init();
    const mnt = path.join(this.d.workRoot, "mnt");
    for (const name of await fs.readdir(mnt).catch(() => [] as string[])) {
      await this.d.layers.unmount(path.join(mnt, name)).catch((e) => this.d.log?.(`build: unmount leftover ${name}: ${e}`));
    }
    await fs.rm(this.d.workRoot, { recursive: true, force: true }).catch(() => {});
    await fs.mkdir(this.d.workRoot, { recursive: true, mode: 0o700 });
  }

  build(req: BuildRequest, body: Readable, out: BuildOutput): Promise<string> {
    return this.builder.build(req, body, out);
  }

  async prune(opts: { all: boolean }): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    const deleted: string[] = [];
    let spaceReclaimed = 0;
    for (;;) {
      const images = await this.d.images.list({ all: true });
      const byId = new Map(images.map((i) => [i.id, i]));
      const entries = await this.cache.entries();
      for (const [key, id] of entries) if (!byId.has(id)) await this.cache.remove(key);
      const cached = new Set(entries.map(([, id]) => id).filter((id) => byId.has(id)));
      const parents = new Set(images.map((i) => i.parent).filter(Boolean));
      let removedAny = false;
      for (const id of cached) {
        const img = byId.get(id)!;
        if (img.repoTags.length > 0 || parents.has(id) || (await this.d.isImageInUse(id)).inUse) continue;
        const parentSize = img.parent ? (byId.get(img.parent)?.size ?? 0) : 0;
        try {
          await this.d.images.remove(id, { noPrune: true });
        } catch (e) {
          this.d.log?.(`builder prune: ${id}: ${e}`);
          continue;
        }
        spaceReclaimed += Math.max(0, img.size - parentSize);
        deleted.push(id);
        removedAny = true;
      }
      if (!removedAny) break;
    }
    for (const [key, id] of await this.cache.entries()) {
      if (opts.all || deleted.includes(id)) await this.cache.remove(key);
    }
    return { deleted, spaceReclaimed };
  }
}
