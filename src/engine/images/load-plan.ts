/**
 * What docker load is about to register: one ImageToRegister per image,
 * built from the spooled archive before any layer is unpacked, so that a
 * malformed archive is refused before anything is registered.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { parseImageConfig, MAX_CONFIG_BYTES } from "../../oci/image-config.js";
import type { Descriptor } from "../../oci/manifest.js";
import type { BlobInfo } from "../../store/content/content-store.js";
import type { ImageContext } from "./image-deps.js";
import type { ImageToRegister } from "./register-image.js";
import { lookup, type SpooledArchive } from "./archive-spool.js";

export type LoadPlan = ImageToRegister;

export function invalidArchive(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid archive: ${message}`);
}

/** The spooled blob for an archive path; InvalidArgumentError when the archive lacks it. */
export function requireFile(archive: SpooledArchive, name: string, what: string): BlobInfo {
  let info: BlobInfo | undefined;
  try {
    info = lookup(archive, name);
  } catch (e) {
    throw invalidArchive(`${what} path ${JSON.stringify(name)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!info) throw invalidArchive(`${what} ${JSON.stringify(name)} is missing from the archive`);
  return info;
}

/** The blob a descriptor names, which must be in the archive with the declared size. */
export function requireBlob(archive: SpooledArchive, d: Descriptor, what: string): BlobInfo {
  const info = requireFile(archive, `blobs/sha256/${d.digest.slice(7)}`, what);
  if (info.size !== d.size) throw invalidArchive(`${what} ${d.digest} has ${info.size} bytes, its descriptor says ${d.size}`);
  return info;
}

export async function readConfigBlob(ctx: ImageContext, info: BlobInfo) {
  try {
    return parseImageConfig(await ctx.content.readBlob(info.digest, MAX_CONFIG_BYTES));
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw invalidArchive(`config ${info.digest}: ${e.message}`);
    throw e;
  }
}

/** Reads the first bytes of a blob to tell gzip from plain tar. */
export async function blobIsGzip(ctx: ImageContext, digest: string): Promise<boolean> {
  const s = await ctx.content.createReadStream(digest);
  try {
    for await (const chunk of s) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
    }
    return false;
  } finally {
    s.destroy();
  }
}
