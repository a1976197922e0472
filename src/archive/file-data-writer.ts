/**
 * Writes a tar entry's bytes into an open file, fast.
 *
 * A tar body arrives in many small chunks (the docker CLI sends `docker cp`
 * in 32 KiB pieces; a socket read gives ~60 KiB), so what each chunk costs
 * decides the throughput: one awaited `write()` per chunk is a thread-pool
 * round trip each and stops reading the request while it is in flight, and
 * even a `for await` over the entry stream is a promise and a microtask per
 * chunk. Here the entry is consumed through plain 'data' events into batches
 * of up to BATCH_BYTES, each written with one positional `writev()`; reading
 * goes on while up to MAX_IN_FLIGHT batches are being written (positions are
 * explicit, so writes finishing out of order still land in place), and the
 * stream is paused only when that many are pending. Memory is bounded by
 * BATCH_BYTES × (MAX_IN_FLIGHT + 1).
 *
 * The promise settles only when no write is pending any more (the caller
 * closes the fd right after): with the byte count once the entry has ended
 * and everything is written, or with the first error (of a write, or of the
 * entry stream), after which the stream is left paused.
 */
import { writev } from "node:fs";

const BATCH_BYTES = 1024 * 1024;
const MAX_IN_FLIGHT = 4;

/** The part of a readable stream (Node's or streamx's, as tar-stream's entries are) used here. */
export interface EntryData {
  on(event: "data", fn: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", fn: () => void): unknown;
  on(event: "error", fn: (err: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  /** True once the stream is torn down (e.g. the tar ended early while the file was being opened). */
  readonly destroyed?: boolean;
}

/** Writes `data` at offset 0.. of the open file `fd`; resolves with the number of bytes written. */
export function writeFileData(fd: number, data: EntryData): Promise<number> {
  return new Promise((resolve, reject) => {
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    let position = 0;
    let inFlight = 0;
    let ended = false;
    let failure: Error | undefined;
    let settled = false;

    const settle = (): void => {
      if (settled || inFlight > 0) return;
      if (failure) {
        settled = true;
        reject(failure);
      } else if (ended) {
        settled = true;
        resolve(position);
      }
    };
    const fail = (e: unknown): void => {
      failure ??= e instanceof Error ? e : new Error(String(e));
      data.pause();
      settle();
    };
    const flush = (): void => {
      if (batchBytes === 0) return;
      const bufs = batch;
      const at = position;
      position += batchBytes;
      batch = [];
      batchBytes = 0;
      inFlight++;
      if (inFlight >= MAX_IN_FLIGHT) data.pause();
      writevAll(fd, bufs, at).then(
        () => {
          inFlight--;
          if (!failure && !ended && inFlight === MAX_IN_FLIGHT - 1) data.resume();
          settle();
        },
        (e: unknown) => {
          inFlight--;
          fail(e);
        },
      );
    };

    // A stream torn down before we got here has already said 'error' and 'close' to nobody.
    if (data.destroyed) {
      reject(new Error("tar entry ended before its data"));
      return;
    }
    data.on("data", (chunk) => {
      if (failure || chunk.length === 0) return;
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= BATCH_BYTES) flush();
    });
    data.on("end", () => {
      if (failure || ended) return;
      ended = true;
      flush();
      settle();
    });
    data.on("error", fail);
    data.on("close", () => {
      if (!ended) fail(new Error("tar entry ended before its data"));
    });
  });
}

/** writev until every byte of `bufs` is at `position…` (a short write is rare on local files, not impossible). */
async function writevAll(fd: number, bufs: Uint8Array[], position: number): Promise<void> {
  let rest = bufs;
  let at = position;
  for (;;) {
    const total = rest.reduce((n, b) => n + b.length, 0);
    const bytesWritten = await writevAt(fd, rest, at);
    if (bytesWritten >= total) return;
    at += bytesWritten;
    let skip = bytesWritten;
    const next: Uint8Array[] = [];
    for (const b of rest) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      next.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    rest = next;
  }
}

function writevAt(fd: number, bufs: Uint8Array[], position: number): Promise<number> {
  return new Promise((resolve, reject) => writev(fd, bufs, position, (err, n) => (err ? reject(err) : resolve(n))));
}
