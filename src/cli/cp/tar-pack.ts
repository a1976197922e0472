/**
 * Packs a local file or directory into a tar stream for PUT /archive: the top
 * entry is named `topName` (the basename the copy should have in the
 * container), symlinks are stored as links (followed only for the top path
 * with -L), file modes and mtimes are kept, uid/gid too (the daemon applies
 * them only with copyUIDGID, i.e. `cp -a`).
 */
import { createReadStream, type Stats } from "node:fs";
import { lstat, readdir, readlink, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

function header(name: string, st: Stats) {
  return { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
}

async function addPath(pack: tar.Pack, source: string, name: string, st: Stats): Promise<void> {
  if (st.isSymbolicLink()) {
    pack.entry({ ...header(name, st), type: "symlink", linkname: await readlink(source) });
  } else if (st.isDirectory()) {
    pack.entry({ ...header(name, st), type: "directory" });
    for (const child of (await readdir(source)).sort()) {
      const childPath = path.join(source, child);
      await addPath(pack, childPath, `${name}/${child}`, await lstat(childPath));
    }
  } else if (st.isFile()) {
    const entry = pack.entry({ ...header(name, st), type: "file", size: st.size });
    await pipeline(createReadStream(source), entry);
  }
  // sockets, fifos and devices are skipped, as a user-level copy cannot recreate them meaningfully
}

export async function packLocalPath(source: string, topName: string, options: { followLink?: boolean } = {}): Promise<tar.Pack> {
  const st = options.followLink ? await stat(source) : await lstat(source);
  const pack = tar.pack();
  void addPath(pack, source, topName, st).then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  return pack;
}
