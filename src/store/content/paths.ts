/**
 * On-disk layout of the local content store (layout version 1).
 *
 *   <root>/
 *     blobs/
 *       sha256/
 *         <64 hex>          an immutable, verified blob (mode 0444)
 *     ingest/
 *       <random hex>        bytes of an ingest in progress; renamed into
 *                           blobs/ only after its digest and size check out
 *
 * Every path is built here and nowhere else. A digest is validated before it
 * becomes part of a path: "sha256:" + exactly 64 lowercase hex digits, so a
 * digest can never smuggle "/" or ".." into the tree.
 * ingest/ and blobs/ are on the same filesystem (same root), which is what
 * makes the final rename atomic.
 */
import path from "node:path";
import { randomBytes } from "node:crypto";
import { InvalidArgumentError } from "../../errors/index.js";

export const CONTENT_LAYOUT_VERSION = 1;

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** Throws InvalidArgumentError unless `digest` is "sha256:" + 64 lowercase hex. Returns the hex part. */
export function parseDigest(digest: string): string {
  if (typeof digest !== "string" || !DIGEST_RE.test(digest)) {
    throw new InvalidArgumentError(`invalid digest ${JSON.stringify(String(digest).slice(0, 100))}: want sha256:<64 lowercase hex>`);
  }
  return digest.slice("sha256:".length);
}

export function isValidDigest(digest: string): boolean {
  return DIGEST_RE.test(digest);
}

export class ContentPaths {
  constructor(readonly root: string) {}

  blobsDir(): string {
    return path.join(this.root, "blobs", "sha256");
  }

  blob(digest: string): string {
    return path.join(this.blobsDir(), parseDigest(digest));
  }

  ingestDir(): string {
    return path.join(this.root, "ingest");
  }

  newIngest(): string {
    return path.join(this.ingestDir(), randomBytes(12).toString("hex"));
  }
}
