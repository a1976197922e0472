/**
 * Manifests by tag or digest: `GET|HEAD|PUT|DELETE /v2/<name>/manifests/<ref>`.
 *
 * GET/HEAD serve the exact stored bytes with their stored media type (the one
 * pushed; clients' Accept lists are honoured by having stored what they
 * pushed — no conversion exists). PUT reads at most 4 MiB (413 beyond), digests
 * the bytes, checks the document and that everything it references is in the
 * repository, then stores it (repo-store.ts: crash-safe order). Extra tags can
 * be given as `?tag=` when pushing by digest (OCI-Tag in the response).
 * DELETE by digest removes the manifest and its tags; by tag, only the tag.
 */
import { promises as fs } from "node:fs";
import { pipeline } from "node:stream/promises";
import { sha256Digest } from "../../../oci/digest.js";
import { MAX_MANIFEST_BYTES } from "../../../oci/manifest.js";
import { RegistryError } from "../errcodes.js";
import { bareMediaType, readBodyCapped, sendEmpty } from "../http-util.js";
import { checkManifest } from "../manifest-check.js";
import { isValidDigest, isValidTag } from "../paths.js";
import type { Handler, HandlerContext } from "./context.js";

function checkReference(ref: string): void {
  if (ref.startsWith("sha256:") || ref.includes(":")) {
    if (!isValidDigest(ref)) throw new RegistryError("DIGEST_INVALID", { digest: ref.slice(0, 100) });
  } else if (!isValidTag(ref)) {
    throw new RegistryError("MANIFEST_INVALID", { tag: ref.slice(0, 200), reason: "invalid tag" }, { message: "invalid tag" });
  }
}

export const getManifest: Handler = async (c) => {
  checkReference(c.ref);
  const rev = await c.repos.resolve(c.name, c.ref);
  const headers = {
    "Content-Type": rev.mediaType,
    "Docker-Content-Digest": rev.digest,
    ETag: `"${rev.digest}"`,
    "Content-Length": String(rev.size),
  };
  if (c.req.method === "HEAD") {
    c.res.writeHead(200, headers);
    c.res.end();
    return;
  }
  const fh = await fs.open(c.content.blobPath(rev.digest), "r").catch(() => {
    throw new RegistryError("MANIFEST_UNKNOWN", { reference: c.ref });
  });
  c.res.writeHead(200, headers);
  await pipeline(fh.createReadStream(), c.res).catch(() => c.res.destroy());
};

function extraTags(c: HandlerContext): string[] {
  const tags = c.query.getAll("tag");
  if (tags.length > 100) throw new RegistryError("MANIFEST_INVALID", { reason: "more than 100 tag parameters" }, { status: 414 });
  for (const t of tags) if (!isValidTag(t)) throw new RegistryError("MANIFEST_INVALID", { tag: t.slice(0, 200), reason: "invalid tag" });
  return tags;
}

export const putManifest: Handler = async (c) => {
  checkReference(c.ref);
  const tags = extraTags(c);
  const bytes = await readBodyCapped(c.req, MAX_MANIFEST_BYTES, () =>
    new RegistryError("MANIFEST_INVALID", { reason: `manifest larger than ${MAX_MANIFEST_BYTES} bytes` }, { status: 413 }),
  );
  const digest = sha256Digest(bytes);
  const byDigest = isValidDigest(c.ref);
  if (byDigest && digest !== c.ref) throw new RegistryError("DIGEST_INVALID", { expected: c.ref, actual: digest });
  const checked = checkManifest(bytes, bareMediaType(c.req.headers["content-type"]));
  const allTags = byDigest ? tags : [c.ref, ...tags];
  await c.repos.putManifest(c.name, bytes, digest, checked, allTags);
  const headers: Record<string, string> = { Location: `/v2/${c.name}/manifests/${digest}`, "Docker-Content-Digest": digest };
  if (checked.subject) headers["OCI-Subject"] = checked.subject.digest;
  if (byDigest && tags.length > 0) headers["OCI-Tag"] = tags.join(", ");
  sendEmpty(c.res, 201, headers);
};

export const deleteManifest: Handler = async (c) => {
  checkReference(c.ref);
  if (isValidDigest(c.ref)) await c.repos.deleteManifest(c.name, c.ref);
  else await c.repos.deleteTag(c.name, c.ref);
  sendEmpty(c.res, 202);
};
