/**
 * Tar streams of paths in a container's root filesystem, as Docker's
 * GET /containers/{id}/archive and GET /containers/{id}/export write them.
 *
 *   packPath(host, "hostname")  a file → one entry "hostname"; a directory →
 *                               "etc/", "etc/…" (renamed to `name`, which is
 *                               "." for a request like "/etc/."); a symlink
 *                               → the symlink itself (the CLI follows it with
 *                               -L by asking again for its target).
 *   packRoot(root)              every child of the root, names relative
 *                               ("bin/", "bin/busybox"), no entry for "/",
 *                               never crossing into another filesystem.
 *
 * The caller resolves `host` inside the container root (sys/secure-join.ts);
 * the walk itself never follows a symlink.
 */
import { Readable } from "node:stream";
import tar from "tar-stream";
import { TreePacker } from "./tree-packer.js";

function streamOf(fill: (packer: TreePacker) => Promise<void>, opts: { oneFilesystem?: boolean }): Readable {
  const pack = tar.pack();
  const packer = new TreePacker(pack, opts);
  fill(packer).then(
    () => pack.finalize(),
    (e: Error) => pack.destroy(e),
  );
  // Once the reader has gone (the returned stream destroyed, e.g. `docker export | head`),
  // nobody listens to the pack any more: a late error of the walk (its root unmounted
  // meanwhile) must not become an uncaught 'error' event.
  pack.on("error", () => {});
  // A Node stream (tar-stream's is streamx); destroying it stops the walk (TreePacker checks).
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

export function packPath(hostPath: string, name: string): Readable {
  return streamOf((p) => p.add(hostPath, name), { oneFilesystem: true });
}

export function packRoot(root: string): Readable {
  return streamOf((p) => p.addChildren(root, ""), { oneFilesystem: true });
}
