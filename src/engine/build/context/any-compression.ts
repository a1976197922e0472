/**
 * Build contexts (and ADD's local archives) may be plain tar, gzip, bzip2 or
 * xz, as Docker's DecompressStream accepts; the format is sniffed from the
 * magic bytes. gzip uses zlib; bzip2 and xz go through the Debian tools.
 */
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { pipeline } from "node:stream";
import { filterThrough } from "../../../sys/filter-process.js";

export type Compression = "gzip" | "bzip2" | "xz" | "none";

export function sniffCompression(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.subarray(0, 3).toString("latin1") === "BZh") return "bzip2";
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return "xz";
  return "none";
}

/** Reads the first bytes, then returns the whole stream (prefix included) and its compression. */
export async function peek(source: Readable, want = 6): Promise<{ head: Buffer; whole: Readable }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < want) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    chunks.push(Buffer.from(r.value));
    len += r.value.length;
  }
  const head = Buffer.concat(chunks);
  const whole = Readable.from(
    (async function* () {
      if (head.length) yield head;
      if (ended) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })(),
    { objectMode: false },
  );
  return { head, whole };
}

/** The uncompressed bytes of `source`, whichever of the four formats it is in. */
export async function decompressAny(source: Readable): Promise<Readable> {
  const { head, whole } = await peek(source);
  switch (sniffCompression(head)) {
    case "gzip":
      return pipeline(whole, createGunzip(), () => {});
    case "bzip2":
      return filterThrough(["bzip2", "-dc"], whole);
    case "xz":
      return filterThrough(["xz", "-dc"], whole);
    default:
      return whole;
  }
}
