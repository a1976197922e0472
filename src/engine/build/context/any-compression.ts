/**
 * Build contexts (and ADD's local archives) may be plain tar, gzip, bzip2 or
 * xz, as Docker's DecompressStream accepts; the format is sniffed from the
 * magic bytes. gzip uses zlib; bzip2 and xz go through the Debian tools.
 */
import type { Readable } from "node:stream";
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

/**
 * Reads the first bytes and puts them back (unshift), so the caller gets the
 * source stream itself: no extra stream layer per chunk for the common plain
 * tar. `head` holds at least `want` bytes unless the stream is shorter.
 */
export async function peek(source: Readable, want = 6): Promise<{ head: Buffer; whole: Readable }> {
  const chunks: Buffer[] = [];
  let len = 0;
  while (len < want) {
    const c = source.read() as Buffer | null;
    if (c !== null) {
      chunks.push(c);
      len += c.length;
      continue;
    }
    if (source.readableEnded || source.destroyed) break;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        source.off("readable", done);
        source.off("end", done);
        source.off("error", fail);
        resolve();
      };
      const fail = (e: Error) => {
        source.off("readable", done);
        source.off("end", done);
        reject(e);
      };
      source.once("readable", done);
      source.once("end", done);
      source.once("error", fail);
    });
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) source.unshift(head);
  return { head, whole: source };
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
