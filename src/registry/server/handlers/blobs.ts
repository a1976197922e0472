/**
 * Blobs: `GET|HEAD /v2/<name>/blobs/<digest>` (with Range → 206) and
 * `DELETE` (→ 202; removes this repository's link, the bytes stay until GC).
 * Bodies stream from the blob file; nothing is read whole.
 */
import { promises as fs } from "node:fs";
import { pipeline } from "node:stream/promises";
import { RegistryError } from "../errcodes.js";
import { parseByteRange, sendEmpty } from "../http-util.js";
import { checkDigest } from "../paths.js";
import type { Handler } from "./context.js";

export const getBlob: Handler = async (c) => {
  checkDigest(c.ref);
  const size = await c.repos.statBlob(c.name, c.ref);
  const headers: Record<string, string> = {
    "Docker-Content-Digest": c.ref,
    "Content-Type": "application/octet-stream",
    "Accept-Ranges": "bytes",
    ETag: `"${c.ref}"`,
    "Cache-Control": "max-age=31536000",
  };
  const range = parseByteRange(c.req.headers.range, size);
  if (range === "unsatisfiable") {
    c.res.writeHead(416, { ...headers, "Content-Range": `bytes */${size}`, "Content-Length": "0" });
    c.res.end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  if (range) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
  if (c.req.method === "HEAD" || length === 0) {
    c.res.writeHead(range ? 206 : 200, { ...headers, "Content-Length": String(length) });
    c.res.end();
    return;
  }
  // Open before the status line: a blob removed meanwhile is still a clean 404.
  const fh = await fs.open(c.content.blobPath(c.ref), "r").catch(() => {
    throw new RegistryError("BLOB_UNKNOWN", { digest: c.ref });
  });
  c.res.writeHead(range ? 206 : 200, { ...headers, "Content-Length": String(length) });
  await pipeline(fh.createReadStream({ start, end }), c.res).catch(() => c.res.destroy());
};

export const deleteBlob: Handler = async (c) => {
  checkDigest(c.ref);
  await c.repos.unlinkBlob(c.name, c.ref);
  sendEmpty(c.res, 202, { "Docker-Content-Digest": c.ref });
};

export const blobNotAllowed: Handler = async () => {
  throw new RegistryError("UNSUPPORTED");
};
