/**
 * ContentStore on a local directory (layout in ./paths.ts).
 *
 * Ingest lifecycle (containerd plugins/content/local/writer.go, distribution
 * blobwriter.go validateBlob → moveBlob):
 *   1. open a fresh file ingest/<random> (O_EXCL, so ingests never share a file);
 *   2. stream the source into it through a sha256 hash, counting bytes and
 *      stopping early once an expected size is exceeded;
 *   3. fsync the file, then compare digest and size with what was expected;
 *      on mismatch the ingest file is removed and nothing becomes visible;
 *   4. rename into blobs/sha256/<hex> and fsync that directory.
 * After step 4 the blob survives kill -9 and power loss. A crash before it
 * leaves at most an orphan under ingest/ which `removeStaleIngests` clears.
 *
 * Two concurrent ingests of the same bytes both write their own temp file and
 * both rename; rename(2) replaces atomically, and the content is identical, so
 * readers only ever see a complete blob.
 */
import { promises as fs, constants } from "node:fs";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { fsyncDir } from "../../durable/atomic-file.js";
import { DeferredSync, type SyncOptions } from "../../durable/deferred-sync.js";
import { InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { BackgroundFileHash } from "./background-file-hash.js";
import type { BlobInfo, ContentStore, IngestOptions } from "./content-store.js";
import { ContentPaths, isValidDigest, parseDigest } from "./paths.js";

const DEFAULT_MAX_READ = 16 * 1024 * 1024;

function isEnoent(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "ENOENT";
}

/** Blob writes ingest keeps in flight at once (libuv's pool has 4 threads). */
const MAX_WRITES_IN_FLIGHT = 3;
/** cacheSmallBlobs: blobs up to this size, this many of them (≤ 16 MiB in all). */
const SMALL_BLOB_BYTES = 64 * 1024;
const SMALL_BLOBS_KEPT = 256;

export class LocalContentStore implements ContentStore {
  readonly paths: ContentPaths;
  private ready: Promise<void> | undefined;

  /**
   * Small blobs (image configs, manifests) read recently, by digest. A blob's bytes never change, so
   * a copy stays right for as long as the blob exists: only for a store whose blobs are removed
   * through delete() alone (the engine's; not the registry's, whose GC renames blob files away).
   */
  private readonly smallBlobs: Map<string, Buffer> | undefined;

  constructor(root: string, o: { cacheSmallBlobs?: boolean } = {}) {
    this.paths = new ContentPaths(root);
    if (o.cacheSmallBlobs) this.smallBlobs = new Map();
  }

  /** Creates the directory tree; called lazily by writers, safe to call repeatedly. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await fs.mkdir(this.paths.blobsDir(), { recursive: true });
      await fs.mkdir(this.paths.ingestDir(), { recursive: true });
    })();
    return this.ready;
  }

  /**
   * Deletes ingest files older than `olderThanMs` (left behind by a crash).
   * Only for a single owner of the root at startup: a younger file may belong
   * to an ingest running right now.
   */
  async removeStaleIngests(olderThanMs = 0): Promise<void> {
    const now = Date.now();
    let names: string[];
    try {
      names = await fs.readdir(this.paths.ingestDir());
    } catch (e) {
      if (isEnoent(e)) return;
      throw e;
    }
    for (const name of names) {
      const p = `${this.paths.ingestDir()}/${name}`;
      const st = await fs.lstat(p).catch(() => undefined);
      if (st && now - st.mtimeMs >= olderThanMs) await fs.rm(p, { force: true, recursive: true });
    }
  }

  blobPath(digest: string): string {
    return this.paths.blob(digest);
  }

  async info(digest: string): Promise<BlobInfo> {
    const p = this.paths.blob(digest);
    try {
      const st = await fs.stat(p);
      return { digest, size: st.size };
    } catch (e) {
      if (isEnoent(e)) throw new NotFoundError(`blob ${digest} not found`, { cause: e });
      throw e;
    }
  }

  async has(digest: string): Promise<boolean> {
    try {
      await fs.access(this.paths.blob(digest));
      return true;
    } catch (e) {
      if (isEnoent(e)) return false;
      throw e;
    }
  }

  async createReadStream(digest: string): Promise<Readable> {
    const p = this.paths.blob(digest);
    // Open first so that a missing blob is a NotFoundError now, not a stream 'error' later.
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(p, constants.O_RDONLY);
    } catch (e) {
      if (isEnoent(e)) throw new NotFoundError(`blob ${digest} not found`, { cause: e });
      throw e;
    }
    return fh.createReadStream();
  }

  async readBlob(digest: string, maxBytes = DEFAULT_MAX_READ): Promise<Buffer> {
    const cached = this.smallBlobs?.get(digest);
    if (cached && cached.length > maxBytes) throw new InvalidArgumentError(`blob ${digest} is ${cached.length} bytes, more than the ${maxBytes} allowed`);
    if (cached) {
      // most recently used last: the first key is the one to evict
      this.smallBlobs!.delete(digest);
      this.smallBlobs!.set(digest, cached);
      return Buffer.from(cached);
    }
    const { size } = await this.info(digest);
    if (size > maxBytes) throw new InvalidArgumentError(`blob ${digest} is ${size} bytes, more than the ${maxBytes} allowed`);
    const bytes = await fs.readFile(this.paths.blob(digest));
    if (this.smallBlobs && bytes.length <= SMALL_BLOB_BYTES) {
      this.smallBlobs.set(digest, Buffer.from(bytes));
      if (this.smallBlobs.size > SMALL_BLOBS_KEPT) this.smallBlobs.delete(this.smallBlobs.keys().next().value!);
    }
    return bytes;
  }

  async ingest(source: Readable | AsyncIterable<Uint8Array | readonly Uint8Array[]>, expected: Partial<BlobInfo> = {}, o?: IngestOptions): Promise<BlobInfo> {
    if (expected.digest !== undefined) parseDigest(expected.digest);
    if (expected.size !== undefined && (!Number.isSafeInteger(expected.size) || expected.size < 0)) {
      throw new InvalidArgumentError(`invalid expected size ${expected.size}`);
    }
    if (expected.digest !== undefined && (await this.has(expected.digest))) {
      const info = await this.info(expected.digest);
      if (expected.size !== undefined && expected.size !== info.size) {
        throw new InvalidArgumentError(`blob ${expected.digest} has size ${info.size}, expected ${expected.size}`);
      }
      // The caller's stream may be an HTTP body: drain it rather than leave it hanging.
      for await (const _ of source) void _;
      return info;
    }
    await this.init();
    const tmp = this.paths.newIngest();
    const fh = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    let committed = false;
    // off-thread: a worker reads the written bytes back from the page cache (background-file-hash.ts)
    const background = o?.hashOffThread ? new BackgroundFileHash(tmp) : undefined;
    try {
      const hash = background ? undefined : createHash("sha256");
      let size = 0;
      // Writes go at explicit offsets, a few in flight: the next chunk is read and hashed
      // while the previous ones are written (a 50 MB layer no longer waits for each write).
      const inflight = new Set<Promise<unknown>>();
      let writeError: unknown;
      try {
        for await (const chunk of source) {
          // a group of pieces is written with one writev, so a caller never has to concatenate them
          const bufs: readonly Uint8Array[] = Array.isArray(chunk) ? chunk : [typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Uint8Array)];
          const bytes = bufs.reduce((n, b) => n + b.byteLength, 0);
          if (expected.size !== undefined && size + bytes > expected.size) {
            throw new InvalidArgumentError(`blob is larger than the expected ${expected.size} bytes`);
          }
          if (hash) for (const b of bufs) hash.update(b);
          const start = size;
          const written = bufs.length === 1 ? fh.write(bufs[0]!, 0, bytes, start) : fh.writev(bufs as Uint8Array[], start);
          const w: Promise<unknown> = written.then(
            () => {
              inflight.delete(w);
              background?.written(start, start + bytes);
            },
            (e) => {
              writeError ??= e;
              inflight.delete(w);
            },
          );
          inflight.add(w);
          size += bytes;
          if (writeError) throw writeError;
          if (inflight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(inflight);
        }
      } finally {
        await Promise.all(inflight);
      }
      if (writeError) throw writeError;
      if (!DeferredSync.defer(o)) await fh.sync(); // a build: its final syncfs (deferred-sync.ts)
      const digest = `sha256:${background ? await background.finish(size) : hash!.digest("hex")}`;
      if (expected.size !== undefined && size !== expected.size) {
        throw new InvalidArgumentError(`blob size ${size} does not match the expected ${expected.size}`);
      }
      if (expected.digest !== undefined && digest !== expected.digest) {
        throw new InvalidArgumentError(`blob digest ${digest} does not match the expected ${expected.digest}`);
      }
      await fh.chmod(0o444);
      await fh.close();
      const final = this.paths.blob(digest);
      await fs.rename(tmp, final);
      committed = true;
      await fsyncDir(this.paths.blobsDir(), o);
      return { digest, size };
    } finally {
      if (!committed) {
        background?.cancel();
        await fh.close().catch(() => {});
        await fs.rm(tmp, { force: true });
        if (typeof (source as Readable).destroy === "function") (source as Readable).destroy();
      }
    }
  }

  async writeBlob(data: Uint8Array | string, expectedDigest?: string, o?: SyncOptions): Promise<BlobInfo> {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    return this.ingest(Readable.from([buf]), { digest: expectedDigest, size: expectedDigest ? buf.byteLength : undefined }, o);
  }

  async delete(digest: string): Promise<void> {
    this.smallBlobs?.delete(digest);
    await fs.rm(this.paths.blob(digest), { force: true });
  }

  async *list(): AsyncIterable<string> {
    let names: string[];
    try {
      names = await fs.readdir(this.paths.blobsDir());
    } catch (e) {
      if (isEnoent(e)) return;
      throw e;
    }
    for (const name of names) {
      const digest = `sha256:${name}`;
      if (isValidDigest(digest)) yield digest;
    }
  }
}
