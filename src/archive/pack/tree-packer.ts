/**
 * Host directory tree → tar entries (the writing half of archive/, used by
 * `docker cp` out, `docker export` and commit's layer tar).
 *
 * Entries are written in Docker's order (a pre-order walk, each directory's
 * children sorted by name), never following symlinks: a symlink is stored as
 * a symlink, a device or fifo as such, a file with st_nlink > 1 seen a second
 * time as a hardlink to the first name (so a layer keeps shared inodes).
 * Modes, owners and mtimes come from lstat. Directory names end in "/".
 *
 * `visit` lets a caller rename or drop entries and add extra ones (commit
 * turns overlay whiteouts into OCI `.wh.` files through it). `oneFilesystem`
 * stops at directories on another device, so a walk of a mounted rootfs
 * never descends into something mounted inside it.
 *
 * Sockets cannot be archived and are skipped, as Docker does.
 *
 * The walk's metadata calls (lstat, readdir, readlink) are synchronous: local
 * filesystem work of microseconds each, where an async call is a thread-pool
 * round trip that costs a millisecond or more on a loaded host, in series
 * with the stream (as in archive/entry-writer.ts). File contents are read
 * asynchronously, 1 MiB at a time.
 */
import { createReadStream, lstatSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import path from "node:path";
import type { Header, Pack } from "tar-stream";

/** A tar header as the packer builds it (tar-stream fills in the rest). */
export type Headers = Partial<Header> & Pick<Header, "name">;
import { S_IFBLK, S_IFCHR, S_IFIFO } from "../fsutil.js";

const S_IFMT = 0o170000;
const READ_CHUNK = 1024 * 1024;

export interface VisitResult {
  /** Replacement header (or the default one); null drops the entry (and, for a dir, its contents). */
  header: Headers | null;
  /** Entries written right after this one (e.g. an opaque-dir marker). */
  extra?: Headers[];
}

export interface PackTreeOptions {
  /** Called for each entry before it is written; `rel` is the entry name without the trailing "/". */
  visit?: (abs: string, rel: string, st: Stats, header: Headers) => Promise<VisitResult> | VisitResult;
  oneFilesystem?: boolean;
}

/** Writes one finished entry, streaming a regular file's bytes. */
function writeEntry(pack: Pack, header: Headers, abs?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (header.type !== "file" || !header.size) {
      pack.entry(header, Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
      return;
    }
    const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    // Big reads for big files: every chunk pays a fixed cost in the read stream, the
    // tar packer and the HTTP response, and 64 KiB (the default) on 200 MB is 3,200 of them.
    // The read stops at the size the header announced, whatever the file does meanwhile.
    const src = createReadStream(abs!, { flags: "r", end: header.size - 1, highWaterMark: Math.min(READ_CHUNK, Math.max(header.size, 16 * 1024)) });
    src.on("error", (e) => {
      sink.destroy(e);
      reject(e);
    });
    // The whole archive torn down (its reader went away): the entry's sink errors while the file
    // is being piped into it; without a listener that error would be thrown as an uncaught one.
    sink.on("error", (e: Error) => {
      src.destroy();
      reject(e);
    });
    src.pipe(sink);
  });
}

/** The default tar header of `st` named `name` (no trailing slash); undefined for sockets. */
export async function headerFor(abs: string, name: string, st: Stats): Promise<Headers | undefined> {
  const base: Headers = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
  switch (st.mode & S_IFMT) {
    case 0o040000:
      return { ...base, name: `${name}/`, type: "directory" };
    case 0o100000:
      return { ...base, type: "file", size: st.size };
    case 0o120000:
      return { ...base, type: "symlink", linkname: readlinkSync(abs) };
    case S_IFCHR:
    case S_IFBLK:
      return {
        ...base,
        type: (st.mode & S_IFMT) === S_IFCHR ? "character-device" : "block-device",
        devmajor: Math.floor(st.rdev / 256) & 0xfff,
        devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00),
      };
    case S_IFIFO:
      return { ...base, type: "fifo" };
    default:
      return undefined;
  }
}

export class TreePacker {
  /** dev:ino → first entry name, for hardlinks. */
  private readonly links = new Map<string, string>();

  constructor(
    private readonly pack: Pack,
    private readonly opts: PackTreeOptions = {},
  ) {}

  /** Writes `abs` as entry `name` (and, for a directory, everything below it). */
  async add(abs: string, name: string, rootDev?: number): Promise<void> {
    if (this.isAbandoned()) return;
    const st = lstatSync(abs);
    const dev = rootDev ?? st.dev;
    let header = await headerFor(abs, name, st);
    if (!header) return;
    let extra: Headers[] = [];
    if (this.opts.visit) {
      const v = await this.opts.visit(abs, name, st, header);
      if (v.header === null) return;
      header = v.header;
      extra = v.extra ?? [];
    }
    if (header.type === "file" && st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      const first = this.links.get(key);
      if (first !== undefined) header = { ...header, type: "link", linkname: first, size: 0 };
      else this.links.set(key, header.name);
    }
    await writeEntry(this.pack, header, abs);
    for (const e of extra) await writeEntry(this.pack, e);
    if (header.type === "directory" && !(this.opts.oneFilesystem && st.dev !== dev)) {
      await this.addChildren(abs, name, dev);
    }
  }

  /** The archive was torn down (its reader went away): the rest of the walk is pointless. */
  private isAbandoned(): boolean {
    const p = this.pack as unknown as { destroying?: boolean; destroyed?: boolean };
    return p.destroying === true || p.destroyed === true;
  }

  /** Writes the children of directory `abs`, named under `prefix` ("" = at the archive root). */
  async addChildren(abs: string, prefix: string, rootDev?: number): Promise<void> {
    const dev = rootDev ?? lstatSync(abs).dev;
    const names = readdirSync(abs).sort();
    for (const n of names) if (!this.isAbandoned()) await this.add(path.join(abs, n), prefix === "" ? n : `${prefix}/${n}`, dev);
  }
}
