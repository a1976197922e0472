/**
 * Deferred durability for a batch of writes that only become reachable
 * together (a build: its step layers, blobs and image records are published
 * by one final tag).
 *
 * Inside `scope.run(fn)`, the durable writers (atomic-file.ts, the content
 * store's ingest, the layer store's commits) skip their own fsync/syncfs and
 * only mark the scope dirty; the owner calls `scope.flush()` — one syncfs(2)
 * of the filesystem — before it publishes anything that references those
 * writes (and publishes outside the scope, so that write is synced as usual).
 * `kick()` starts a syncfs in the background (after a big layer) so the
 * writeback overlaps with the next steps instead of adding to the flush.
 *
 * What this keeps: a kill -9 loses nothing the kernel already has (page cache
 * survives the process), and renames still make every file appear whole or
 * not at all; after a power loss the published (tagged) image is complete
 * because the flush came first. What it gives up: after a power loss, untagged
 * records written by an unfinished batch may name data that never reached the
 * disk — so callers must not publish hints to them (the build cache) before
 * the flush either.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { run } from "../sys/exec.js";

const current = new AsyncLocalStorage<DeferredSync>();

export class DeferredSync {
  private dirty = false;
  private background: Promise<void> = Promise.resolve();
  private pendingKick = false;

  /** @param fsPath any path on the filesystem the batch writes to (syncfs takes the whole filesystem) */
  constructor(private readonly fsPath: string) {}

  /** The scope the caller's writes belong to, if any. */
  static active(): DeferredSync | undefined {
    return current.getStore();
  }

  /**
   * For a durable writer: true when the write's fsync is deferred to the
   * active scope (and marks it dirty); false when the writer must sync itself.
   */
  static defer(): boolean {
    const s = current.getStore();
    if (!s) return false;
    s.dirty = true;
    return true;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return current.run(this, fn);
  }

  /** Runs `fn` outside any scope: its writes sync themselves (the publishing write). */
  static outside<T>(fn: () => Promise<T>): Promise<T> {
    return current.exit(fn);
  }

  private async syncfs(): Promise<void> {
    this.dirty = false;
    await run(["sync", "-f", this.fsPath]);
  }

  /** Starts writing back what is dirty now, without waiting (coalesced: at most one running, one queued). */
  kick(): void {
    if (!this.dirty || this.pendingKick) return;
    this.pendingKick = true;
    this.background = this.background.then(() => {
      this.pendingKick = false;
      return this.syncfs();
    });
    this.background.catch(() => {}); // flush() reports it
  }

  /** Everything written in the scope so far is on disk when this resolves. */
  async flush(): Promise<void> {
    await this.background;
    if (this.dirty) await this.syncfs();
  }
}
