/**
 * Copies resolved sources into a mounted root filesystem with Docker's
 * COPY semantics:
 *   - a directory source copies its *contents* into the destination;
 *   - a file goes to `dest/<name>` when dest ends in "/", when there are
 *     several sources, or when dest is an existing directory; else to dest;
 *   - missing parent directories are created (0755, root);
 *   - copied entries get uid/gid 0 (or --chown's), keep their mode (or get
 *     --chmod's) and mtime; symlinks are copied as links, never followed.
 * Every destination path is resolved inside the root (secureJoin), so a
 * symlink in the image pointing at "/" still means the image's root.
 */
import { constants as fsConstants, createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { InvalidArgumentError } from "../../../errors/index.js";
import { mkdirInRoot, secureJoin } from "../../../sys/secure-join.js";
import type { SourceTree } from "../context/source-tree.js";
import type { ResolvedSource } from "./copy-sources.js";
import { FileWriteQueue } from "./file-write-queue.js";
import type { LayerTarWriter } from "./layer-tar-writer.js";

export interface CopyOptions {
  uid: number;
  gid: number;
  /** --chmod; undefined keeps each source's mode */
  chmod?: number;
  /** when given, every written entry also goes into this layer tar (layer-tar-writer.ts) */
  tar?: LayerTarWriter;
}

/** A copy under way: its options and the writes it has queued. */
type Copying = CopyOptions & { writes: FileWriteQueue };

async function lstatOrUndefined(p: string) {
  return fs.lstat(p).catch(() => undefined);
}

/** Creates `file` (must not exist) with the buffers' bytes and its owner, mode and mtime, all through one open file. */
async function writeBuffers(file: string, bufs: readonly Buffer[], m: { uid: number; gid: number; mode: number; mtime: Date }): Promise<void> {
  const fh = await fs.open(file, "wx", 0o600);
  try {
    for (let i = 0; i < bufs.length; i += 1024) await fh.writev(bufs.slice(i, i + 1024));
    await fh.chown(m.uid, m.gid);
    await fh.chmod(m.mode); // after chown, which clears setuid/setgid
    await fh.utimes(m.mtime, m.mtime);
  } finally {
    await fh.close();
  }
}

async function placeFile(tree: SourceTree, rel: string, dstHost: string, mode: number, mtime: Date, o: Copying): Promise<void> {
  await o.writes.settle(dstHost); // a file of an earlier source at the same path
  const existing = await lstatOrUndefined(dstHost);
  if (existing?.isDirectory()) throw new InvalidArgumentError(`cannot copy to non-directory: ${dstHost} is a directory`);
  if (existing) await fs.unlink(dstHost);
  const finalMode = o.chmod ?? mode & 0o7777;
  const pieces = tree.memoryContent?.(rel);
  if (pieces !== undefined) {
    // the same buffers (not copies) go into the layer tar now and into the root with one writev, queued
    const meta = { mode: finalMode, uid: o.uid, gid: o.gid, mtime };
    const tarred = o.tar?.fileBuffers(dstHost, meta, pieces);
    await o.writes.add(dstHost, () => writeBuffers(dstHost, pieces, meta));
    await tarred;
    return;
  }
  const copySource = tree.copySource?.(rel);
  if (copySource !== undefined) {
    // the kernel copies the bytes into the root (no pass through this process) while they stream into the layer tar
    const copied = fs.copyFile(copySource, dstHost, fsConstants.COPYFILE_EXCL);
    copied.catch(() => {}); // awaited below
    try {
      if (o.tar) {
        const st = await tree.stat(rel);
        await o.tar.fileEntry(dstHost, { mode: finalMode, uid: o.uid, gid: o.gid, mtime }, st?.size ?? 0, tree.open(rel));
      }
    } finally {
      await copied;
    }
    await fs.chown(dstHost, o.uid, o.gid);
    await fs.chmod(dstHost, finalMode);
    await fs.utimes(dstHost, mtime, mtime);
    return;
  }
  const out = createWriteStream(dstHost, { flags: "wx", mode: 0o600, highWaterMark: 1 << 20 });
  if (o.tar) {
    const st = await tree.stat(rel);
    await o.tar.file(dstHost, { mode: finalMode, uid: o.uid, gid: o.gid, mtime }, st?.size ?? 0, tree.open(rel), out);
  } else {
    await pipeline(tree.open(rel), out);
  }
  await fs.chown(dstHost, o.uid, o.gid);
  await fs.chmod(dstHost, finalMode);
  await fs.utimes(dstHost, mtime, mtime);
}

async function placeEntry(tree: SourceTree, rel: string, dstHost: string, o: Copying): Promise<void> {
  const st = await tree.stat(rel);
  if (!st) return;
  await o.writes.settle(dstHost);
  if (st.type === "symlink") {
    const existing = await lstatOrUndefined(dstHost);
    if (existing?.isDirectory()) await fs.rm(dstHost, { recursive: true });
    else if (existing) await fs.unlink(dstHost);
    await fs.symlink(st.linkname ?? "", dstHost);
    await fs.lchown(dstHost, o.uid, o.gid);
    await o.tar?.symlink(dstHost, st.linkname ?? "", { mode: 0o777, uid: o.uid, gid: o.gid, mtime: st.mtime });
    return;
  }
  if (st.type === "directory") {
    const existing = await lstatOrUndefined(dstHost);
    if (existing && !existing.isDirectory()) await fs.unlink(dstHost);
    if (!existing?.isDirectory()) await fs.mkdir(dstHost);
    await fs.chown(dstHost, o.uid, o.gid);
    await fs.chmod(dstHost, o.chmod ?? st.mode & 0o7777);
    await o.tar?.dir(dstHost, { mode: o.chmod ?? st.mode & 0o7777, uid: o.uid, gid: o.gid, mtime: st.mtime });
    for (const name of await tree.children(rel)) await placeEntry(tree, rel === "" ? name : `${rel}/${name}`, path.join(dstHost, name), o);
    await o.writes.drain(); // the files below are created before the directory's mtime is set
    await fs.utimes(dstHost, st.mtime, st.mtime);
    return;
  }
  if (st.type !== "file") return; // the context has no devices (refused on receipt); an image's are not copied
  await placeFile(tree, rel, dstHost, st.mode, st.mtime, o);
}

/**
 * `dest` is absolute (WORKDIR already applied) and keeps its trailing "/".
 * `src.modeOverride` (ADD URL) wins over the file's own mode.
 */
export async function copyIntoRoot(root: string, sources: readonly ResolvedSource[], dest: string, opts: CopyOptions, verb: string): Promise<void> {
  const o: Copying = { ...opts, writes: new FileWriteQueue() };
  try {
    await copySources(root, sources, dest, o, verb);
  } catch (e) {
    // nothing may still be writing into the root once the step goes on to unmount it
    await o.writes.drain().catch(() => {});
    throw e;
  }
  await o.writes.drain();
}

async function copySources(root: string, sources: readonly ResolvedSource[], dest: string, o: Copying, verb: string): Promise<void> {
  const destIsDir = dest.endsWith("/") || sources.length > 1;
  if (sources.length > 1 && !dest.endsWith("/")) {
    throw new InvalidArgumentError(`When using ${verb} with more than one source file, the destination must be a directory and end with a /`);
  }
  for (const s of sources) {
    if (s.type === "directory") {
      const dir = await mkdirInRoot(root, dest);
      await o.tar?.parents(dir, true);
      for (const name of await s.tree.children(s.rel)) {
        const target = await secureJoin(root, path.posix.join(dest, name));
        if (path.dirname(target) !== dir) await mkdirInRoot(root, path.posix.dirname(path.posix.join(dest, name)));
        await placeEntry(s.tree, s.rel === "" ? name : `${s.rel}/${name}`, target, o);
      }
      continue;
    }
    let target = await secureJoin(root, dest);
    const existing = await lstatOrUndefined(target);
    if (destIsDir || existing?.isDirectory()) {
      await mkdirInRoot(root, dest);
      target = await secureJoin(root, path.posix.join(dest, s.baseName));
    } else {
      await mkdirInRoot(root, path.posix.dirname(dest));
      target = await secureJoin(root, dest);
    }
    const st = await s.tree.stat(s.rel);
    if (s.modeOverride !== undefined && st?.type === "file") await placeFile(s.tree, s.rel, target, s.modeOverride, st.mtime, o);
    else await placeEntry(s.tree, s.rel, target, o);
  }
}
