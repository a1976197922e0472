/**
 * A COPY's writes of files whose bytes are in memory (copy-into-root.ts), a
 * few at a time instead of one after the other: each is ~6 file system calls
 * that Node sends to its thread pool one round trip at a time, so 50 files
 * written in turn wait on ~300 round trips. The copy still puts entries into
 * the layer tar in order; what must see a file on disk waits for it first
 * (settle, drain): a later write of the same path, a directory's final
 * utimes, the end of the copy.
 */
export class FileWriteQueue {
  private readonly pending = new Map<string, Promise<void>>();
  private failure: unknown;

  constructor(private readonly limit = 4) {}

  async add(file: string, write: () => Promise<void>): Promise<void> {
    if (this.pending.has(file)) await this.pending.get(file);
    while (this.pending.size >= this.limit) await Promise.race(this.pending.values());
    this.throwIfFailed();
    const p = write().then(
      () => void this.pending.delete(file),
      (e) => {
        this.failure ??= e;
        this.pending.delete(file);
      },
    );
    this.pending.set(file, p);
  }

  /** Waits for a queued write of `file`, if there is one. */
  async settle(file: string): Promise<void> {
    await this.pending.get(file);
    this.throwIfFailed();
  }

  /** Resolves when every queued write is done; rejects with the first failure. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending.values());
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
