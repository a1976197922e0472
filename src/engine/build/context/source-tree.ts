/**
 * Where COPY/ADD read from, behind one small interface: the build context
 * (an index over the spool, build-context.ts) or a directory on the host (a
 * mounted stage or image root for --from, a downloaded URL, a heredoc).
 * Nothing here follows a symlink: `stat` is an lstat, and copies make links.
 */
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import type { BuildContext } from "./build-context.js";

export interface SourceNode {
  type: "file" | "directory" | "symlink" | "other";
  mode: number;
  size: number;
  mtime: Date;
  linkname?: string;
}

export interface SourceTree {
  stat(rel: string): Promise<SourceNode | undefined>;
  /** names inside directory `rel`, sorted */
  children(rel: string): Promise<string[]>;
  /** a regular file's bytes */
  open(rel: string): Readable;
}

export class ContextTree implements SourceTree {
  constructor(readonly ctx: BuildContext) {}

  async stat(rel: string): Promise<SourceNode | undefined> {
    return this.ctx.entries.get(rel);
  }

  async children(rel: string): Promise<string[]> {
    return this.ctx.children(rel);
  }

  open(rel: string): Readable {
    return this.ctx.openFile(rel);
  }
}

/** A host directory; `root` itself is trusted, names below it are lstat'ed, never followed. */
export class DirTree implements SourceTree {
  constructor(readonly root: string) {}

  private abs(rel: string): string {
    return rel === "" ? this.root : path.join(this.root, rel);
  }

  async stat(rel: string): Promise<SourceNode | undefined> {
    const st = await fs.lstat(this.abs(rel)).catch(() => undefined);
    if (!st) return undefined;
    const type = st.isDirectory() ? "directory" : st.isFile() ? "file" : st.isSymbolicLink() ? "symlink" : "other";
    return { type, mode: st.mode & 0o7777, size: st.size, mtime: st.mtime, ...(type === "symlink" ? { linkname: await fs.readlink(this.abs(rel)) } : {}) };
  }

  async children(rel: string): Promise<string[]> {
    return (await fs.readdir(this.abs(rel))).sort();
  }

  open(rel: string): Readable {
    return createReadStream(this.abs(rel), { highWaterMark: 1 << 20 });
  }
}
