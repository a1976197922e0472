/**
 * Stream helpers for layers: gzip sniffing and fanning one stream out to two
 * consumers with backpressure (the slower consumer paces the source).
 */
import { PassThrough, Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";

const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzipHeader(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/**
 * Peeks at the first bytes of `src` and returns a stream of the plain bytes:
 * gunzipped when `src` is gzip, `src`'s own bytes otherwise. Nothing is
 * buffered beyond the first chunk.
 */
export async function decompressIfGzip(src: Readable): Promise<{ stream: Readable; compression: "gzip" | "none" }> {
  const it = src[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let headLen = 0;
  while (headLen < 2) {
    const r = await it.next();
    if (r.done) break;
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    buffered.push(chunk);
    headLen += chunk.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* buffered;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    }
  }
  const raw = Readable.from(replay(), { objectMode: false });
  if (!isGzipHeader(Buffer.concat(buffered))) return { stream: raw, compression: "none" };
  const gunzip = createGunzip();
  pipeline(raw, gunzip, () => {
    /* errors surface on gunzip, which pipeline destroys */
  });
  return { stream: gunzip, compression: "gzip" };
}

/**
 * Feeds `src` to two consumers at once. Each consumer gets its own stream; if
 * either consumer fails, the source and the other consumer are destroyed, so
 * neither promise hangs.
 */
export async function tee<A, B>(
  src: Readable,
  first: (s: Readable) => Promise<A>,
  second: (s: Readable) => Promise<B>,
): Promise<[A, B]> {
  const a = new PassThrough();
  const b = new PassThrough();
  const abort = (err: Error): void => {
    src.destroy(err);
    a.destroy(err);
    b.destroy(err);
  };
  src.on("error", abort);
  src.pipe(a);
  src.pipe(b);
  const wrap = <T>(p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      abort(err instanceof Error ? err : new Error(String(err)));
      throw err;
    });
  const results = await Promise.allSettled([wrap(first(a)), wrap(second(b))]);
  const [ra, rb] = results;
  if (ra.status === "rejected") throw ra.reason;
  if (rb.status === "rejected") throw rb.reason;
  return [ra.value, rb.value];
}
