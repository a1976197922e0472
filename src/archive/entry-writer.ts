/**
 * Applies tar entries, one at a time in archive order, to a LayerTree.
 *
 * For each entry: clean its name; flush queued native calls if they touch
 * this path; make its parents real directories; remove what is already there
 * unless both are directories (later entries win, as in tar); create it
 * without following symlinks; then owner (lchown), mode (chmod after chown,
 * which clears setuid), times, xattrs. Device nodes, fifos, overlay whiteouts
 * and xattrs go through one FsUtilBatch (fsutil.ts). `finish()` runs that
 * batch, then sets directory times last, because creating children (and the
 * batch's whiteout nodes) changes a directory's mtime.
 * Hardlinks share their target's inode, so they get no metadata of their own.
 *
 * Per-entry metadata calls (open, lstat, mkdir, chown, chmod, utimes, symlink,
 * link, close) are synchronous: each is microseconds of local filesystem
 * work, while as an async call each is a thread-pool round trip that costs a
 * millisecond or more on a loaded host, six to ten of them per file, all in
 * series with the tar stream (Docker's untar makes the same calls
 * synchronously). File contents, the bulk, are written asynchronously in
 * batches (file-data-writer.ts); removing a replaced subtree stays async.
 */
import { chmodSync, closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lutimesSync, mkdirSync, openSync, symlinkSync } from "node:fs";
import { InvalidArgumentError } from "../errors/index.js";
import { cleanEntryName } from "./entry-name.js";
import { writeFileData, type EntryData } from "./file-data-writer.js";
import { FsUtilBatch, S_IFBLK, S_IFCHR, S_IFIFO } from "./fsutil.js";
import { LayerTree } from "./layer-tree.js";
import { paxTime, type TarHeader } from "./pax-xattrs.js";
import { OVERLAY_OPAQUE_XATTR, parseWhiteout } from "./whiteout.js";

interface Meta {
  uid: number;
  gid: number;
  perm: number;
  atime: number;
  mtime: number;
}

function metaOf(h: TarHeader): Meta {
  const mtime = paxTime(h, "mtime") ?? (h.mtime ? h.mtime.getTime() / 1000 : 0);
  // Docker: atime = latest(atime, mtime) (pkg/archive createTarFile).
  const atime = Math.max(paxTime(h, "atime") ?? mtime, mtime);
  return { uid: h.uid ?? 0, gid: h.gid ?? 0, perm: (h.mode ?? 0o644) & 0o7777, atime, mtime };
}

/**
 * How much tar input the parser may hold before it stops reading its source
 * (its writable highWaterMark; tar-stream's default is 16 KiB). While the
 * current entry's consumer is busy (a file being opened, a batch being
 * written), a small buffer fills at once and the source stops: for
 * `docker cp` that is the request socket, and the CLI on the other end
 * stalls with it. A few MiB keep the bytes coming meanwhile.
 */
export const PARSER_BUFFER_BYTES = 4 * 1024 * 1024;

const DEVICE_TYPE_BITS: Record<string, number> = {
  "character-device": S_IFCHR,
  "block-device": S_IFBLK,
  fifo: S_IFIFO,
};

export class EntryWriter {
  private readonly tree: LayerTree;
  private readonly batch = new FsUtilBatch();
  /** abs dir path → [atime, mtime], applied in finish(). */
  private readonly dirTimes = new Map<string, [number, number]>();

  constructor(root: string) {
    this.tree = new LayerTree(root);
  }

  async apply(h: TarHeader, xattrs: Map<string, Buffer>, data: EntryData): Promise<void> {
    const label = `entry ${JSON.stringify(h.name)}`;
    const comps = cleanEntryName(h.name, "entry");
    const meta = metaOf(h);
    if (comps.length === 0) {
      if (h.type !== "directory") throw new InvalidArgumentError(`${label}: only a directory may name the layer root`);
      await this.applyDirMeta([], meta, xattrs);
      return;
    }
    const whiteout = parseWhiteout(comps[comps.length - 1]!);
    if (whiteout?.kind === "meta") return;
    // Anything inside AUFS metadata dirs (.wh..wh.plnk/…) is skipped with them, as Docker does.
    if (comps.slice(0, -1).some((c) => parseWhiteout(c)?.kind === "meta" || parseWhiteout(c)?.kind === "opaque")) return;
    if (whiteout?.kind === "opaque") {
      const dir = comps.slice(0, -1);
      await this.prepare(comps, label, true); // creates dir (a parent of the marker) if missing
      this.batch.lsetxattr(this.tree.abs(dir), OVERLAY_OPAQUE_XATTR, Buffer.from("y"));
      return this.flushIfFull();
    }
    if (whiteout?.kind === "whiteout") {
      const target = [...comps.slice(0, -1), whiteout.target];
      await this.prepare(target, label, false);
      this.batch.mknod(this.tree.abs(target), { mode: S_IFCHR, major: 0, minor: 0, uid: meta.uid, gid: meta.gid });
      return this.flushIfFull();
    }
    switch (h.type) {
      case "directory":
        return this.writeDir(comps, label, meta, xattrs);
      case "file":
      case "contiguous-file":
        return this.writeFile(comps, label, meta, xattrs, data);
      case "symlink": {
        await this.prepare(comps, label, false);
        const p = this.tree.abs(comps);
        symlinkSync(h.linkname ?? "", p);
        lchownSync(p, meta.uid, meta.gid);
        lutimesSync(p, meta.atime, meta.mtime);
        return this.queueXattrs(p, xattrs);
      }
      case "link":
        return this.writeHardlink(comps, label, h.linkname ?? "");
      case "character-device":
      case "block-device":
      case "fifo": {
        await this.prepare(comps, label, false);
        const p = this.tree.abs(comps);
        this.batch.mknod(p, {
          mode: DEVICE_TYPE_BITS[h.type]! | meta.perm,
          major: h.devmajor ?? 0,
          minor: h.devminor ?? 0,
          ...meta,
        });
        return this.queueXattrs(p, xattrs);
      }
      default:
        throw new InvalidArgumentError(`${label}: unsupported tar entry type ${String(h.type)}`);
    }
  }

  /** Runs the queued native calls, then sets directory times. */
  async finish(): Promise<void> {
    await this.batch.flush();
    for (const [p, [atime, mtime]] of this.dirTimes) lutimesSync(p, atime, mtime);
  }

  /** Readies `comps` for a new entry: parents exist, nothing in the way (unless dir over dir). */
  private async prepare(comps: readonly string[], label: string, isDir: boolean): Promise<void> {
    if (this.batch.touches(this.tree.abs(comps))) await this.batch.flush();
    await this.tree.ensureParents(comps, label);
    const st = await this.tree.lstat(comps);
    if (st === undefined || (isDir && st.isDirectory())) return;
    await this.tree.removeAt(comps);
    if (st.isDirectory()) {
      const p = this.tree.abs(comps);
      for (const d of this.dirTimes.keys()) if (d === p || d.startsWith(`${p}/`)) this.dirTimes.delete(d);
    }
  }

  private async writeDir(comps: string[], label: string, meta: Meta, xattrs: Map<string, Buffer>): Promise<void> {
    await this.prepare(comps, label, true);
    try {
      mkdirSync(this.tree.abs(comps), { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    this.tree.markDir(comps);
    await this.applyDirMeta(comps, meta, xattrs);
  }

  private async applyDirMeta(comps: string[], meta: Meta, xattrs: Map<string, Buffer>): Promise<void> {
    const p = this.tree.abs(comps);
    lchownSync(p, meta.uid, meta.gid);
    chmodSync(p, meta.perm); // p was lstat'ed as a real directory: chmod cannot follow a link
    this.dirTimes.set(p, [meta.atime, meta.mtime]);
    return this.queueXattrs(p, xattrs);
  }

  private async writeFile(
    comps: string[],
    label: string,
    meta: Meta,
    xattrs: Map<string, Buffer>,
    data: EntryData,
  ): Promise<void> {
    await this.prepare(comps, label, false);
    const p = this.tree.abs(comps);
    const fd = openSync(p, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await writeFileData(fd, data);
      fchownSync(fd, meta.uid, meta.gid);
      fchmodSync(fd, meta.perm);
      futimesSync(fd, meta.atime, meta.mtime);
    } finally {
      closeSync(fd);
    }
    return this.queueXattrs(p, xattrs);
  }

  private async writeHardlink(comps: string[], label: string, linkname: string): Promise<void> {
    const what = `${label} (hardlink to ${JSON.stringify(linkname)})`;
    const target = cleanEntryName(linkname, `hardlink target of ${label}:`);
    if (target.length === 0) throw new InvalidArgumentError(`${what}: target is the layer root`);
    const targetPath = this.tree.abs(target);
    if (this.batch.touches(targetPath)) await this.batch.flush();
    await this.tree.checkParents(target, what);
    const st = await this.tree.lstat(target);
    if (st === undefined) throw new InvalidArgumentError(`${label}: hardlink target ${JSON.stringify(linkname)} is not in the layer`);
    if (st.isDirectory()) throw new InvalidArgumentError(`${label}: hardlink target ${JSON.stringify(linkname)} is a directory`);
    if (target.join("/") === comps.join("/")) return;
    await this.prepare(comps, label, false);
    try {
      linkSync(targetPath, this.tree.abs(comps)); // link(2) does not follow a symlink target
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      throw new InvalidArgumentError(`${label}: hardlink target ${JSON.stringify(linkname)} was removed by this entry`, { cause: e });
    }
  }

  private async queueXattrs(p: string, xattrs: Map<string, Buffer>): Promise<void> {
    for (const [name, value] of xattrs) this.batch.lsetxattr(p, name, value);
    await this.flushIfFull();
  }

  private async flushIfFull(): Promise<void> {
    if (this.batch.isFull) await this.batch.flush();
  }
}
