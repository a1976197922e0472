/**
 * A container's overlay upper dir → an OCI layer tar (commit; later build).
 *
 * The reverse of archive/whiteout.ts, as Docker's overlayWhiteoutConverter
 * writes it:
 *   NAME a 0:0 character device   → regular empty file `.wh.NAME`, mode 0600
 *                                   (overlay's mark for "deleted here")
 *   DIR  trusted.overlay.opaque=y → DIR's own entry, then an empty file
 *                                   `DIR/.wh..wh..opq` with DIR's owner and mode
 * Everything else is written as is by TreePacker (hardlinks, symlinks,
 * devices, modes, owners, mtimes). The upper dir itself is not an entry.
 *
 * The tar is produced as a stream: commit pipes it into the content store and
 * the layer store at once, so nothing is spooled. Reading the opaque xattr
 * costs a helper process per directory; upper dirs hold few directories.
 */
import type { Stats } from "node:fs";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { lgetxattr } from "../../sys/syscall-helper.js";
import { OVERLAY_OPAQUE_XATTR, WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from "../whiteout.js";
import { TreePacker, type Headers, type VisitResult } from "./tree-packer.js";

/** True for an overlay whiteout: a character device with device number 0:0. */
export function isOverlayWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

export async function isOpaqueDir(abs: string): Promise<boolean> {
  const v = await lgetxattr(abs, OVERLAY_OPAQUE_XATTR);
  return v !== undefined && v.toString() === "y";
}

async function visitUpper(abs: string, rel: string, st: Stats, header: Headers): Promise<VisitResult> {
  if (isOverlayWhiteout(st)) {
    const slash = rel.lastIndexOf("/");
    const name = `${rel.slice(0, slash + 1)}${WHITEOUT_PREFIX}${rel.slice(slash + 1)}`;
    return { header: { name, type: "file", size: 0, mode: 0o600, uid: 0, gid: 0, mtime: st.mtime } };
  }
  if (st.isDirectory() && (await isOpaqueDir(abs))) {
    const marker: Headers = { name: `${rel}/${WHITEOUT_OPAQUE}`, type: "file", size: 0, mode: st.mode & 0o777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    return { header, extra: [marker] };
  }
  return { header };
}

/**
 * Streams the layer tar of `upperDir`; walk errors surface as stream errors.
 * `masked` names (without a leading "/") of empty files to leave out: the
 * mount points the runtime created for /etc/hosts and friends, which Docker
 * keeps in a separate init layer so they never reach a commit.
 */
export function packUpperDir(upperDir: string, masked: ReadonlySet<string> = new Set()): Readable {
  const pack = tar.pack();
  const visit = (abs: string, rel: string, st: Stats, header: Headers): Promise<VisitResult> | VisitResult =>
    masked.has(rel) && st.isFile() && st.size === 0 ? { header: null } : visitUpper(abs, rel, st, header);
  const packer = new TreePacker(pack, { visit });
  packer.addChildren(upperDir, "").then(
    () => pack.finalize(),
    (e: Error) => pack.destroy(e),
  );
  // A Node stream (tar-stream's is streamx); destroying it stops the walk.
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}
