/**
 * Deferred durability for a batch of writes that only become reachable
 * together (a build: its step layers, blobs and image records are published
 * by one final tag).
 *
 * A durable writer given `{ deferSync }` (atomic-file.ts, the content store's
 * ingest, the layer store's adoptSnapshot, the image metadata store's
 * putImage) skips its own fsync/syncfs and marks the batch dirty; the owner
 * calls `flush()` — one syncfs(2) of the filesystem — before it publishes
 * anything that references those writes (and publishes without the option,
 * so that write is synced as usual). There is no background syncfs between
 * steps: measured (when it was a spawned sync(1), whose fork of the daemon
 * blocked the event loop), the syncfs stalls the next step's own file
 * operations on the journal, so it saved nothing over the single flush.
 *
 * What this keeps: a kill -9 loses nothing the kernel already has (the page
 * cache survives the process), and renames still make every file appear
 * whole or not at all; after a power loss the published (tagged) image is
 * complete because the flush came first. What it gives up: after a power
 * loss, untagged records written by an unfinished batch may name data that
 * never reached the disk, so the owner must not publish hints to them (the
 * build cache) before the flush either.
 *
 * The batch is passed explicitly rather than through AsyncLocalStorage: on
 * Node 20 that turns on promise hooks for the whole daemon, which made a
 * COPY's write loop measurably slower.
 */
import { syncfs } from "../sys/syscall-helper.js";

export interface SyncOptions {
  /** the batch this write belongs to: its fsync is left to the batch's flush */
  deferSync?: DeferredSync;
}

export class DeferredSync {
  private dirty = false;

  /** @param fsPath any path on the filesystem the batch writes to (syncfs takes the whole filesystem) */
  constructor(private readonly fsPath: string) {}

  /**
   * For a durable writer: true when its fsync is deferred to `o.deferSync`
   * (the batch is marked dirty); false when the writer must sync itself.
   */
  static defer(o: SyncOptions | undefined): boolean {
    if (!o?.deferSync) return false;
    o.deferSync.dirty = true;
    return true;
  }

  private async syncfs(): Promise<void> {
    this.dirty = false;
    await syncfs(this.fsPath);
  }

  /** Everything written in the batch so far is on disk when this resolves. */
  async flush(): Promise<void> {
    if (this.dirty) await this.syncfs();
  }
}
