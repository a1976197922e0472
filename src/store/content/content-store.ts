/**
 * Content store: immutable blobs addressed by their digest ("sha256:<hex>").
 *
 * Lifecycle of a blob: bytes stream into a temporary ingest file under
 * `ingest/` while a sha256 is computed; when the stream ends the size and
 * digest are checked against what the caller expected, the file is fsynced
 * and renamed to `blobs/sha256/<hex>`, and the directory fsynced. A blob whose
 * bytes do not match never becomes visible. Blobs are never modified, only
 * deleted whole.
 *
 * Terms: digest = "sha256:" + 64 lowercase hex of the blob bytes.
 */
import type { SyncOptions } from "../../durable/deferred-sync.js";
import type { Readable } from "node:stream";

export interface BlobInfo {
  digest: string;
  size: number;
}

export interface IngestOptions extends SyncOptions {
  /**
   * Hash on a worker thread that reads the written file back (background-file-hash.ts) instead
   * of on this thread as the bytes pass: for big blobs written while the machine has a core to spare.
   */
  hashOffThread?: boolean;
}

export interface ContentStore {
  /** Absolute path of the blob file (it may not exist). Throws InvalidArgumentError for a malformed digest. */
  blobPath(digest: string): string;
  /** Size and digest; NotFoundError when absent. */
  info(digest: string): Promise<BlobInfo>;
  has(digest: string): Promise<boolean>;
  /** A read stream of the blob; NotFoundError when absent. */
  createReadStream(digest: string): Promise<Readable>;
  /** The whole blob, refusing (InvalidArgumentError) blobs larger than maxBytes. For small JSON documents only. */
  readBlob(digest: string, maxBytes?: number): Promise<Buffer>;
  /**
   * Streams `source` into the store. When `expected.digest`/`expected.size`
   * are given and do not match, nothing is kept and InvalidArgumentError is thrown.
   * Ingesting a blob that exists already is cheap and returns its info.
   */
  ingest(source: Readable | AsyncIterable<Uint8Array | readonly Uint8Array[]>, expected?: Partial<BlobInfo>, o?: IngestOptions): Promise<BlobInfo>;
  /** Convenience for small buffers (manifests, configs). */
  writeBlob(data: Uint8Array | string, expectedDigest?: string, o?: SyncOptions): Promise<BlobInfo>;
  /** Removes the blob; no error when it is absent. */
  delete(digest: string): Promise<void>;
  /** Every stored digest. */
  list(): AsyncIterable<string>;
}
