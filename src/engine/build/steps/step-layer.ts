/**
 * A build step's layer: the changes in an overlay upper dir, as an OCI layer
 * tar, without the noise a container leaves there.
 *
 * The upper dir of a RUN container also holds the empty mount-point files
 * the runtime made for /etc/hosts & co. and the copied-up parents of
 * whatever changed. Docker keeps the former in a separate init layer and its
 * diff ignores directories whose only "change" is having been copied up, so
 * `RUN true` commits an empty diff (no layer, `empty_layer: true` in the
 * history). Here a directory is part of the layer when it is new (absent
 * from every lower layer), opaque, or holds a change; a non-directory is a
 * change unless it is one of the masked mount points. Whiteouts become
 * `.wh.` entries, opaque dirs get `.wh..wh..opq`, as upper-layer.ts does.
 */
import { promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { isOpaqueDir, isOverlayWhiteout } from "../../../archive/pack/upper-layer.js";
import { TreePacker, type Headers, type VisitResult } from "../../../archive/pack/tree-packer.js";
import { WHITEOUT_OPAQUE, WHITEOUT_PREFIX } from "../../../archive/whiteout.js";

async function existsInLower(lowerDirs: readonly string[], rel: string): Promise<boolean> {
  for (const d of lowerDirs) {
    const st = await fs.lstat(path.join(d, rel)).catch(() => undefined);
    if (st) return !isOverlayWhiteout(st);
  }
  return false;
}

/** What a step changed in its upper dir: the rel paths (no leading "/") in the layer, and which of its dirs are opaque. */
export interface StepChanges {
  keep: Set<string>;
  opaque: Set<string>;
}

/**
 * The upper dir's changes; `keep` empty = no change. Whether a directory is
 * opaque is an xattr Node cannot read (one request to the syscall helper per
 * look, a fork of a small process), so it is asked only for directories that
 * exist in a lower layer: for a new directory the marker would hide nothing,
 * and it is in the layer anyway.
 */
export async function changedPaths(upperDir: string, lowerDirs: readonly string[], masked: ReadonlySet<string>): Promise<StepChanges> {
  const keep = new Set<string>();
  const opaque = new Set<string>();
  const walk = async (abs: string, rel: string): Promise<boolean> => {
    let any = false;
    for (const name of await fs.readdir(abs)) {
      const childAbs = path.join(abs, name);
      const childRel = rel === "" ? name : `${rel}/${name}`;
      const st = await fs.lstat(childAbs);
      let include: boolean;
      if (st.isDirectory()) {
        const inner = await walk(childAbs, childRel);
        const inLower = await existsInLower(lowerDirs, childRel);
        const isOpaque = inLower && (await isOpaqueDir(childAbs));
        if (isOpaque) opaque.add(childRel);
        include = inner || isOpaque || !inLower;
      } else {
        include = !(masked.has(childRel) && st.isFile() && st.size === 0);
      }
      if (include) {
        keep.add(childRel);
        any = true;
      }
    }
    return any;
  };
  await walk(upperDir, "");
  return { keep, opaque };
}

function visit(rel: string, st: Stats, header: Headers, changes: StepChanges): VisitResult {
  if (!changes.keep.has(rel)) return { header: null };
  if (isOverlayWhiteout(st)) {
    const slash = rel.lastIndexOf("/");
    const name = `${rel.slice(0, slash + 1)}${WHITEOUT_PREFIX}${rel.slice(slash + 1)}`;
    return { header: { name, type: "file", size: 0, mode: 0o600, uid: 0, gid: 0, mtime: st.mtime } };
  }
  if (st.isDirectory() && changes.opaque.has(rel)) {
    const marker: Headers = { name: `${rel}/${WHITEOUT_OPAQUE}`, type: "file", size: 0, mode: st.mode & 0o777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    return { header, extra: [marker] };
  }
  return { header };
}

/** Streams the layer tar of the kept entries of `upperDir`. */
export function packChanges(upperDir: string, changes: StepChanges): Readable {
  const pack = tar.pack();
  const packer = new TreePacker(pack, { visit: async (_abs, rel, st, header) => visit(rel, st, header, changes) });
  packer.addChildren(upperDir, "").then(
    () => pack.finalize(),
    (e: Error) => pack.destroy(e),
  );
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

/** Removes the runtime's empty mount-point files from an upper dir, so an adopted upper holds only the step's changes. */
export async function dropMountPoints(upperDir: string, masked: ReadonlySet<string>): Promise<void> {
  for (const rel of masked) {
    const p = path.join(upperDir, rel);
    const st = await fs.lstat(p).catch(() => undefined);
    if (st?.isFile() && st.size === 0) await fs.rm(p, { force: true });
  }
}
