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
