/**
 * Layer blobs arrive plain or gzip-compressed; the media type is not always
 * trustworthy (docker-archive tarballs say nothing), so the format is sniffed
 * from the magic bytes, as Docker's DecompressStream does:
 *   1f 8b        gzip  → gunzip
 *   28 b5 2f fd  zstd  → refused (Node 20 has no zstd)
 *   otherwise    plain tar
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { NotImplementedError } from "../errors/index.js";

const GZIP = Buffer.from([0x1f, 0x8b]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** The uncompressed bytes of `source`; errors of the source or of gunzip surface on the result. */
export async function decompressed(source: Readable | AsyncIterable<Uint8Array>): Promise<Readable> {
  if (source instanceof Readable) return decompressedReadable(source);
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < 4) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const b = Buffer.from(r.value);
    head.push(b);
    headLen += b.length;
  }
  const prefix = Buffer.concat(head);
  const whole = Readable.from(
    (async function* () {
      try {
        if (prefix.length) yield prefix;
        if (ended) return;
        for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
      } finally {
        // Stopped early (consumer destroyed us): let the source release its resources.
        if (!ended) await it.return?.();
      }
    })(),
    { objectMode: false },
  );
  if (prefix.subarray(0, 4).equals(ZSTD)) {
    whole.destroy();
    throw new NotImplementedError("zstd-compressed layers are not supported");
  }
  if (!prefix.subarray(0, 2).equals(GZIP)) return whole;
  // pipeline destroys every stream with the first error, so a failing source
  // makes the gunzip stream (what the caller reads) fail too.
  return pipeline(whole, createGunzip(), () => {});
}

/**
 * A Node stream (an HTTP request body) is sniffed in place: its first bytes
 * are read and put back with unshift(), and a plain tar is the stream itself.
 * Wrapping it (as below for any other source) would put an async generator
 * step on every chunk of a 200 MB `docker cp`.
 */
async function decompressedReadable(src: Readable): Promise<Readable> {
  const { head, ended } = await peek(src, 4);
  if (head.subarray(0, 4).equals(ZSTD)) {
    src.destroy();
    throw new NotImplementedError("zstd-compressed layers are not supported");
  }
  const whole = ended ? Readable.from(head.length ? [head] : [], { objectMode: false }) : src;
  if (!head.subarray(0, 2).equals(GZIP)) return whole;
  return pipeline(whole, createGunzip(), () => {});
}

/** Reads at least `n` bytes (fewer if the stream ends first) and, unless it ended, puts them back. */
function peek(src: Readable, n: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let len = 0;
    const cleanup = (): void => {
      src.off("readable", onReadable);
      src.off("end", onEnd);
      src.off("error", onError);
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ head: Buffer.concat(parts), ended: true });
    };
    const onReadable = (): void => {
      for (let c: Buffer | null; len < n && (c = src.read() as Buffer | null) !== null; ) {
        parts.push(c);
        len += c.length;
      }
      if (len < n) return; // more to come, or 'end'
      cleanup();
      const head = Buffer.concat(parts);
      src.unshift(head);
      resolve({ head, ended: false });
    };
    src.on("readable", onReadable);
    src.on("end", onEnd);
    src.on("error", onError);
  });
}
