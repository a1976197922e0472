/**
 * Writes a tar entry's bytes into an open file, fast.
 *
 * A tar body arrives in many small chunks (the docker CLI sends `docker cp`
 * in 32 KiB pieces, tar-stream slices them further at entry boundaries). One
 * awaited `write()` per chunk costs a thread-pool round trip each and, worse,
 * stops reading the request while the write is in flight, so receiving and
 * writing never overlap. Here chunks are gathered into batches of up to
 * BATCH_BYTES and written with one positional `writev()` each, and reading goes
 * on while up to MAX_IN_FLIGHT batches are being written (positions are
 * explicit, so writes finishing out of order still land in place). Memory is
 * bounded by BATCH_BYTES × (MAX_IN_FLIGHT + 1). The promise settles only
 * after every byte is written, or with the first write error.
 */
import type { FileHandle } from "node:fs/promises";

const BATCH_BYTES = 1024 * 1024;
const MAX_IN_FLIGHT = 4;

/** Writes `data` at offset 0.. of `fh`; resolves with the number of bytes written. */
export async function writeFileData(fh: FileHandle, data: AsyncIterable<Uint8Array>): Promise<number> {
  const inFlight: Promise<unknown>[] = [];
  let failure: unknown;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let position = 0;

  const flush = async (): Promise<void> => {
    if (batchBytes === 0) return;
    const bufs = batch;
    const at = position;
    position += batchBytes;
    batch = [];
    batchBytes = 0;
    const p = writevAll(fh, bufs, at).catch((e: unknown) => {
      failure ??= e;
    });
    inFlight.push(p);
    if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
  };

  for await (const chunk of data) {
    if (failure !== undefined) break;
    if (chunk.length === 0) continue;
    batch.push(chunk);
    batchBytes += chunk.length;
    if (batchBytes >= BATCH_BYTES) await flush();
  }
  if (failure === undefined) await flush();
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return position;
}

/** writev until every byte of `bufs` is at `position…` (a short write is rare on local files, not impossible). */
async function writevAll(fh: FileHandle, bufs: Uint8Array[], position: number): Promise<void> {
  let rest = bufs;
  let at = position;
  for (;;) {
    const total = rest.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await fh.writev(rest, at);
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
