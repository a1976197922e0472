/**
 * Extracts a tar from GET /archive on the local side. The archive's top
 * entry carries the source's basename; `rename` swaps it for the destination
 * name (copy to a path that does not exist yet). Nothing may land outside
 * `baseDir`: names with ".." or absolute names are refused, and an entry
 * whose parent is a symlink is refused, so a link in the container cannot
 * redirect writes elsewhere on the host. Modes and mtimes are kept; owners
 * only with `-a` (and only when we may chown).
 */
import { createWriteStream } from "node:fs";
import { chmod, chown, lstat, mkdir, rm, symlink, utimes, link } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { CliError } from "../exit-codes.js";

export interface ExtractOptions {
  baseDir: string;
  /** Replace the first path component (the source's basename) with this name. */
  rename?: string;
  keepOwner?: boolean;
}

export function targetPath(entryName: string, options: ExtractOptions): string {
  const parts = entryName.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new CliError(`refusing to extract "${entryName}": path escapes the destination`);
  if (options.rename !== undefined && parts.length > 0) parts[0] = options.rename;
  return path.join(options.baseDir, ...parts);
}

async function assertNoSymlinkParents(baseDir: string, target: string): Promise<void> {
  let dir = path.dirname(target);
  while (dir.length > baseDir.length && dir.startsWith(baseDir)) {
    const st = await lstat(dir).catch(() => undefined);
    if (st?.isSymbolicLink()) throw new CliError(`refusing to extract through symbolic link "${dir}"`);
    dir = path.dirname(dir);
  }
}

export async function extractTar(tarStream: Readable, options: ExtractOptions): Promise<void> {
  const extract = tar.extract();
  tarStream.pipe(extract);
  const dirTimes: Array<[string, Date]> = [];
  for await (const entry of extract) {
    const h = entry.header;
    const target = targetPath(h.name, options);
    await assertNoSymlinkParents(options.baseDir, target);
    const existing = await lstat(target).catch(() => undefined);
    if (h.type === "directory") {
      if (existing && !existing.isDirectory()) await rm(target, { force: true });
      await mkdir(target, { recursive: true });
      dirTimes.push([target, h.mtime ?? new Date()]);
    } else {
      if (existing?.isDirectory() && h.type === "file") throw new CliError(`cannot overwrite directory "${target}" with non-directory`);
      if (existing && !existing.isDirectory()) await rm(target, { force: true });
      if (h.type === "file" || h.type === "contiguous-file") {
        await pipeline(entry, createWriteStream(target, { mode: h.mode }));
      } else if (h.type === "symlink") {
        await symlink(h.linkname ?? "", target);
      } else if (h.type === "link") {
        await link(targetPath(h.linkname ?? "", options), target);
      }
    }
    entry.resume();
    if (h.type !== "symlink") {
      if (h.mode !== undefined) await chmod(target, h.mode & 0o7777);
      if (h.mtime && h.type !== "directory") await utimes(target, h.mtime, h.mtime);
    }
    if (options.keepOwner && h.uid !== undefined && h.gid !== undefined) await chown(target, h.uid, h.gid).catch(() => undefined);
  }
  // Directory times last: writing their children changed them.
  for (const [dir, mtime] of dirTimes.reverse()) await utimes(dir, mtime, mtime).catch(() => undefined);
}
