/**
 * First half of docker load: read the archive tar once, front to back, and
 * spool what it holds into the content store, because a tar stream cannot be
 * revisited once manifest.json or index.json (which may come last) is read.
 *
 *  - `blobs/sha256/<hex>` entries are ingested with <hex> as the expected
 *    digest: a mismatch fails the load.
 *  - the small index documents (manifest.json, index.json, oci-layout,
 *    repositories) are kept in memory, at most MAX_DOCUMENT_BYTES each.
 *  - every other regular file (`<id>/layer.tar`, `<hex>.json`) is ingested and
 *    remembered by name; legacy `<id>/json` and `<id>/VERSION` are skipped.
 *  - symlinks and hardlinks inside the archive become aliases of their target.
 * Names that are absolute or contain ".." are refused (InvalidArgumentError).
 */
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import tar, { type ExtractEvents } from "tar-stream";
import { InvalidArgumentError } from "../../errors/index.js";
import type { BlobInfo, ContentStore } from "../../store/content/content-store.js";
import { decompressIfGzip } from "./layer-stream.js";

export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
export const MAX_ENTRIES = 100_000;
const DOCUMENTS = new Set(["manifest.json", "index.json", "oci-layout", "repositories"]);
type Entry = ExtractEvents["entry"][1];
const BLOB_RE = /^blobs\/sha256\/([a-f0-9]{64})$/;
const LEGACY_METADATA_RE = /(^|\/)(json|VERSION)$/;

export interface SpooledArchive {
  documents: Map<string, Buffer>;
  /** Archive path → blob in the content store (aliases resolved by `lookup`). */
  files: Map<string, BlobInfo>;
  aliases: Map<string, string>;
}

/** Normalises an archive path ("./a//b" → "a/b"); InvalidArgumentError when it could escape. */
export function safeArchivePath(name: string): string {
  if (name.includes("\0")) throw new InvalidArgumentError(`invalid archive entry name ${JSON.stringify(name)}`);
  if (name.startsWith("/")) throw new InvalidArgumentError(`invalid archive entry ${JSON.stringify(name)}: absolute path`);
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new InvalidArgumentError(`invalid archive entry ${JSON.stringify(name)}: path escapes the archive`);
  return parts.join("/");
}

/** Finds a spooled file by archive path, following aliases (at most 16 hops). */
export function lookup(archive: SpooledArchive, name: string): BlobInfo | undefined {
  let cur = safeArchivePath(name);
  for (let i = 0; i < 16; i++) {
    const f = archive.files.get(cur);
    if (f) return f;
    const next = archive.aliases.get(cur);
    if (next === undefined) return undefined;
    cur = next;
  }
  return undefined;
}

/** tar-stream (streamx) entries yield `unknown`: check each chunk is bytes. */
async function* entryBytes(entry: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const c of entry) {
    if (!(c instanceof Uint8Array)) throw new TypeError("tar entry produced a non-byte chunk");
    yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
}

async function readSmall(entry: AsyncIterable<unknown>, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of entryBytes(entry)) {
    n += c.length;
    if (n > MAX_DOCUMENT_BYTES) throw new InvalidArgumentError(`${name} in the archive is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

async function spoolEntry(content: ContentStore, out: SpooledArchive, entry: Entry): Promise<void> {
  const h = entry.header;
  const name = safeArchivePath(h.name);
  if (h.type === "symlink" || h.type === "link") {
    const target = h.linkname ?? "";
    const resolved = h.type === "symlink" && !target.startsWith("/") ? path.posix.join(path.posix.dirname(name), target) : target;
    if (resolved.startsWith("..") || resolved.startsWith("/")) {
      throw new InvalidArgumentError(`invalid archive entry ${JSON.stringify(h.name)}: link target escapes the archive`);
    }
    out.aliases.set(name, safeArchivePath(resolved));
    return;
  }
  if (h.type !== "file" && h.type !== "contiguous-file") return;
  if (DOCUMENTS.has(name)) {
    out.documents.set(name, await readSmall(entry, name));
    return;
  }
  if (LEGACY_METADATA_RE.test(name)) return;
  const blob = BLOB_RE.exec(name);
  try {
    const info = await content.ingest(entryBytes(entry), blob ? { digest: `sha256:${blob[1]}`, size: h.size } : { size: h.size });
    out.files.set(name, info);
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`archive entry ${name}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Reads the whole (optionally gzipped) archive into the content store. */
export async function spoolArchive(content: ContentStore, input: Readable): Promise<SpooledArchive> {
  const out: SpooledArchive = { documents: new Map(), files: new Map(), aliases: new Map() };
  const { stream } = await decompressIfGzip(input);
  const extract = tar.extract();
  const feeding = pipeline(stream, extract);
  let count = 0;
  let failure: unknown;
  try {
    for await (const entry of extract) {
      if (++count > MAX_ENTRIES) throw new InvalidArgumentError(`archive has more than ${MAX_ENTRIES} entries`);
      try {
        await spoolEntry(content, out, entry);
      } catch (e) {
        failure = e; // our own error, not the tar parser's
        throw e;
      }
      entry.resume(); // whatever was not consumed (skipped entries, an existing blob)
    }
    await feeding;
  } catch (e) {
    extract.destroy();
    stream.destroy();
    await feeding.catch(() => {});
    if (e === failure || e instanceof InvalidArgumentError) throw e;
    // The tar parser (or gunzip) refused the bytes: the archive is malformed.
    throw new InvalidArgumentError(`invalid tar archive: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return out;
}
