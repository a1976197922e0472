/**
 * Streaming layer unpack: layer blob (plain or gzip tar) → directory.
 *
 * One pass, nothing buffered whole: the blob is sniffed and gunzipped
 * (decompress.ts); every uncompressed byte goes through a sha256 — that digest
 * is the layer's diffId — and into tar-stream's parser; each entry is applied
 * by EntryWriter in archive order, which keeps it inside destDir
 * (entry-name.ts, layer-tree.ts) and turns OCI whiteouts into overlay ones
 * (whiteout.ts). A hostile entry fails the whole unpack with an
 * InvalidArgumentError naming the entry.
 *
 * destDir should be a fresh directory: on failure it is left half-written,
 * and the caller (the layer store) unpacks into a temporary directory that it
 * renames into place only after success and a diffId check.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import tar from "tar-stream";
import { decompressed } from "./decompress.js";
import { EntryWriter, PARSER_BUFFER_BYTES } from "./entry-writer.js";
import type { EntryData } from "./file-data-writer.js";
import { trackPaxXattrs, type TarHeader } from "./pax-xattrs.js";

export interface UnpackResult {
  /** "sha256:…" of the uncompressed tar stream. */
  diffId: string;
  /** Bytes of the uncompressed tar stream. */
  size: number;
}

interface Waitable {
  once(event: string, fn: () => void): unknown;
  off(event: string, fn: () => void): unknown;
}

/** Resolves on 'drain' or 'close' (a destroyed parser never drains). */
function drainedOrClosed(w: Waitable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      w.off("drain", done);
      w.off("close", done);
      resolve();
    };
    w.once("drain", done);
    w.once("close", done);
  });
}

export async function unpackLayer(layer: Readable | AsyncIterable<Uint8Array>, destDir: string): Promise<UnpackResult> {
  const root = path.resolve(destDir);
  await fs.mkdir(root, { recursive: true });
  const input = await decompressed(layer);
  const extract = tar.extract({ highWaterMark: PARSER_BUFFER_BYTES });
  const xattrsOf = trackPaxXattrs(extract);
  const hash = createHash("sha256");
  let size = 0;

  const feed = async (): Promise<void> => {
    try {
      for await (const chunk of input) {
        const buf = chunk as Buffer;
        hash.update(buf);
        size += buf.length;
        if (extract.destroyed) throw new Error("tar parser stopped");
        if (!extract.write(buf)) await drainedOrClosed(extract as unknown as Waitable);
      }
      extract.end(undefined); // streamx types demand an argument; undefined means "no last chunk"
    } catch (e) {
      extract.destroy(e as Error);
      throw e;
    }
  };

  const consume = async (): Promise<void> => {
    const writer = new EntryWriter(root);
    try {
      for await (const entry of extract) {
        const header = entry.header as unknown as TarHeader;
        await writer.apply(header, xattrsOf(header), entry as unknown as EntryData);
        entry.resume(); // data of entries that carry bytes we do not use (e.g. hardlinks with a size)
      }
      await writer.finish();
    } catch (e) {
      input.destroy();
      extract.destroy(e as Error);
      throw e;
    }
  };

  const [fed, consumed] = await Promise.allSettled([feed(), consume()]);
  // The entry error is the meaningful one; the feeder then only saw its input stop.
  if (consumed.status === "rejected") throw consumed.reason;
  if (fed.status === "rejected") throw fed.reason;
  return { diffId: `sha256:${hash.digest("hex")}`, size };
}
