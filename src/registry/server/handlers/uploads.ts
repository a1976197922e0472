/**
 * Blob uploads (distribution-spec "Pushing blobs"):
 *   POST   /v2/<name>/blobs/uploads/?digest=D      monolithic, body is the blob → 201
 *   POST   /v2/<name>/blobs/uploads/?mount=D&from=R  cross-repository mount → 201,
 *                                                  or a new session (202) when R lacks D
 *                                                  or the caller may not pull from R
 *   POST   /v2/<name>/blobs/uploads/               new session → 202, Location
 *   PATCH  <location>   chunk (Content-Range a-b optional; out of order → 416) → 202
 *   PUT    <location>?digest=D  optional final chunk, verify, commit → 201
 *   GET    <location>   status → 204 with Range
 *   DELETE <location>   cancel → 204
 */
import { InvalidArgumentError } from "../../../errors/index.js";
import { RegistryError } from "../errcodes.js";
import { parseContentRange, sendEmpty, uploadRange } from "../http-util.js";
import { checkDigest, checkName, isValidUploadId } from "../paths.js";
import type { Handler, HandlerContext } from "./context.js";

function blobLocation(name: string, digest: string): string {
  return `/v2/${name}/blobs/${digest}`;
}

function sessionHeaders(name: string, id: string, size: number): Record<string, string> {
  return { Location: `/v2/${name}/blobs/uploads/${id}`, Range: uploadRange(size), "Docker-Upload-UUID": id };
}

function created(c: HandlerContext, digest: string): void {
  sendEmpty(c.res, 201, { Location: blobLocation(c.name, digest), "Docker-Content-Digest": digest });
}

function uploadId(c: HandlerContext): string {
  if (!isValidUploadId(c.ref)) throw new RegistryError("BLOB_UPLOAD_UNKNOWN", { upload: c.ref.slice(0, 100) });
  return c.ref;
}

function hasBody(c: HandlerContext): boolean {
  const len = c.req.headers["content-length"];
  return (len !== undefined && len !== "0") || c.req.headers["transfer-encoding"] !== undefined;
}

export const startUpload: Handler = async (c) => {
  const mount = c.query.get("mount");
  const from = c.query.get("from");
  if (mount !== null) {
    checkDigest(mount);
    if (from !== null && from !== c.name) {
      checkName(from);
      // Mounting copies a link out of R: only for whom may read R (else a plain upload, as distribution).
      if (!c.mayPull(from)) return newSession(c);
      const linked = await c.repos.statBlob(from, mount).then(
        () => true,
        () => false,
      );
      if (linked) {
        await c.repos.linkBlob(c.name, mount);
        c.req.resume();
        return created(c, mount);
      }
    }
  }
  const digest = c.query.get("digest");
  if (digest !== null) {
    checkDigest(digest);
    const declared = c.req.headers["content-length"];
    try {
      await c.content.ingest(c.req, declared !== undefined ? { digest, size: Number(declared) } : { digest });
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new RegistryError("DIGEST_INVALID", { digest, reason: e.message });
      throw e;
    }
    await c.repos.linkBlob(c.name, digest);
    return created(c, digest);
  }
  return newSession(c);
};

async function newSession(c: HandlerContext): Promise<void> {
  c.req.resume();
  const id = await c.uploads.create(c.name);
  sendEmpty(c.res, 202, sessionHeaders(c.name, id, 0));
}

export const patchUpload: Handler = async (c) => {
  const id = uploadId(c);
  const range = parseContentRange(c.req.headers["content-range"]);
  const size = await c.uploads.append(c.name, id, c.req, range);
  sendEmpty(c.res, 202, sessionHeaders(c.name, id, size));
};

export const finishUpload: Handler = async (c) => {
  const id = uploadId(c);
  const digest = c.query.get("digest");
  if (digest === null) throw new RegistryError("DIGEST_INVALID", { reason: "digest query parameter missing" });
  checkDigest(digest);
  const range = parseContentRange(c.req.headers["content-range"]);
  await c.uploads.complete(c.name, id, digest, hasBody(c) ? c.req : undefined, range);
  await c.repos.linkBlob(c.name, digest);
  created(c, digest);
};

export const uploadStatus: Handler = async (c) => {
  const id = uploadId(c);
  const size = await c.uploads.size(c.name, id);
  sendEmpty(c.res, 204, sessionHeaders(c.name, id, size));
};

export const cancelUpload: Handler = async (c) => {
  const id = uploadId(c);
  await c.uploads.cancel(c.name, id);
  sendEmpty(c.res, 204);
};
