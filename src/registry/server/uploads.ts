/**
 * Blob upload sessions (distribution blobwriter.go: upload → verify → move).
 *
 * Lifecycle of an upload <uuid> of repository <name>:
 *   create   uploads/<uuid>/state.json {name} and an empty data file;
 *   append   each PATCH (and the PUT's optional final body) streams onto the
 *            end of data, hashing as it goes. A chunk must start where data
 *            ends (else 416). A chunk that fails half-way (client abort, size
 *            mismatch) is cut off again: data is truncated back and the hash
 *            restored, so a failed request changes nothing;
 *   complete the digest of data is compared with the client's (the running
 *            hash, or a re-read of data after a restart); on mismatch the
 *            upload is deleted (DIGEST_INVALID, nothing kept); on success data
 *            is fsynced, made read-only and renamed into the content store's
 *            blobs/ (same filesystem) — only then does the blob exist;
 *   cancel   / expiry: the directory is removed.
 * kill -9 at any point leaves at most an upload directory (resumable or
 * expired later), never a half blob in blobs/.
 * Requests on one upload are serialised (KeyedMutex by uuid).
 */
import { promises as fs, createReadStream, createWriteStream } from "node:fs";
import { createHash, randomUUID, type Hash } from "node:crypto";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fsyncDir, writeJsonAtomic, readJsonIfExists } from "../../durable/atomic-file.js";
import { KeyedMutex } from "../../durable/keyed-mutex.js";
import type { LocalContentStore } from "../../store/content/local-content-store.js";
import { RegistryError } from "./errcodes.js";
import { RegistryPaths, checkDigest, isValidUploadId } from "./paths.js";

interface UploadState {
  name: string;
  startedAt: number;
}

interface RunningHash {
  hash: Hash;
  offset: number;
}

export class UploadStore {
  private readonly mutex = new KeyedMutex();
  private readonly hashes = new Map<string, RunningHash>();

  constructor(
    readonly paths: RegistryPaths,
    readonly content: LocalContentStore,
  ) {}

  async create(name: string): Promise<string> {
    const id = randomUUID();
    await fs.mkdir(this.paths.upload(id), { recursive: true });
    await fs.writeFile(this.paths.uploadData(id), "", { flag: "wx" });
    await writeJsonAtomic(this.paths.uploadState(id), { name, startedAt: Date.now() } satisfies UploadState);
    this.hashes.set(id, { hash: createHash("sha256"), offset: 0 });
    return id;
  }

  /** Bytes received so far; BLOB_UPLOAD_UNKNOWN when there is no such upload of `name`. */
  async size(name: string, id: string): Promise<number> {
    const state = await readJsonIfExists<UploadState>(this.paths.uploadState(id)).catch(() => undefined);
    if (!state || state.name !== name) throw new RegistryError("BLOB_UPLOAD_UNKNOWN", { upload: id });
    try {
      return (await fs.stat(this.paths.uploadData(id))).size;
    } catch {
      throw new RegistryError("BLOB_UPLOAD_UNKNOWN", { upload: id });
    }
  }

  /** Appends a chunk; `range` (from Content-Range) must start at the current size. Returns the new size. */
  append(name: string, id: string, body: Readable, range?: { start: number; end: number }): Promise<number> {
    return this.mutex.run(id, () => this.appendLocked(name, id, body, range));
  }

  private async appendLocked(name: string, id: string, body: Readable, range?: { start: number; end: number }): Promise<number> {
    const size = await this.size(name, id);
    if (range && range.start !== size) {
      body.resume();
      throw new RegistryError("BLOB_UPLOAD_INVALID", { reason: `chunk starts at ${range.start}, upload has ${size} bytes` }, { status: 416 });
    }
    const expected = range ? range.end - range.start + 1 : undefined;
    const running = this.hashes.get(id);
    const hashing = running && running.offset === size ? running : undefined;
    const saved = hashing?.hash.copy();
    let written = 0;
    let received = 0;
    // Bytes beyond the Content-Range are dropped (not an error mid-stream) so that
    // the request is read to its end and the client gets a 416, not a reset.
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        received += chunk.byteLength;
        if (expected !== undefined && written + chunk.byteLength > expected) chunk = chunk.subarray(0, Math.max(0, expected - written));
        written += chunk.byteLength;
        hashing?.hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(this.paths.uploadData(id), { flags: "a" }));
      if (expected !== undefined && received !== expected) {
        throw new RegistryError("BLOB_UPLOAD_INVALID", { reason: `chunk has ${received} bytes, Content-Range says ${expected}` }, { status: 416 });
      }
    } catch (e) {
      await fs.truncate(this.paths.uploadData(id), size).catch(() => {});
      if (hashing && saved) hashing.hash = saved;
      throw e;
    }
    if (hashing) hashing.offset = size + written;
    else this.hashes.delete(id);
    return size + written;
  }

  private async digestOf(id: string, size: number): Promise<string> {
    const running = this.hashes.get(id);
    if (running && running.offset === size) return `sha256:${running.hash.copy().digest("hex")}`;
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(this.paths.uploadData(id))) hash.update(chunk as Buffer);
    return `sha256:${hash.digest("hex")}`;
  }

  /**
   * Appends the optional final chunk, verifies the digest and moves the data
   * into the content store. DIGEST_INVALID (and the upload deleted) on mismatch.
   */
  complete(name: string, id: string, digest: string, body: Readable | undefined, range?: { start: number; end: number }): Promise<number> {
    checkDigest(digest);
    return this.mutex.run(id, async () => {
      const size = body ? await this.appendLocked(name, id, body, range) : await this.size(name, id);
      const actual = await this.digestOf(id, size);
      if (actual !== digest) {
        await this.remove(id);
        throw new RegistryError("DIGEST_INVALID", { expected: digest, actual });
      }
      if (!(await this.content.has(digest))) {
        const data = this.paths.uploadData(id);
        const fh = await fs.open(data, "r");
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
        await fs.chmod(data, 0o444);
        await this.content.init();
        const final = this.content.blobPath(digest);
        await fs.rename(data, final);
        await fsyncDir(path.dirname(final));
      }
      await this.remove(id);
      return size;
    });
  }

  async cancel(name: string, id: string): Promise<void> {
    await this.mutex.run(id, async () => {
      await this.size(name, id);
      await this.remove(id);
    });
  }

  private async remove(id: string): Promise<void> {
    this.hashes.delete(id);
    await fs.rm(this.paths.upload(id), { recursive: true, force: true });
  }

  /** Removes uploads not touched for `olderThanMs` (abandoned or left by a crash). */
  async removeStale(olderThanMs: number): Promise<number> {
    const now = Date.now();
    let removed = 0;
    const ids = await fs.readdir(this.paths.uploadsDir()).catch(() => [] as string[]);
    for (const id of ids) {
      if (!isValidUploadId(id)) continue;
      const st = await fs.stat(this.paths.uploadData(id)).catch(() => fs.stat(this.paths.upload(id)).catch(() => undefined));
      if (st && now - st.mtimeMs >= olderThanMs) {
        await this.mutex.run(id, () => this.remove(id));
        removed++;
      }
    }
    return removed;
  }
}
