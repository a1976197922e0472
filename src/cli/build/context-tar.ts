/**
 * The build context the CLI sends, as the docker CLI makes it: a directory
 * tarred with .dockerignore applied client-side (ignored entries are not
 * sent; the Dockerfile and .dockerignore always are), a tarball sent as is,
 * or stdin — a tar (plain or compressed) as is, anything else taken as a
 * Dockerfile and wrapped in a one-entry tar. A Dockerfile given with -f from
 * outside the directory (or `-f -`) is added under a private name, which the
 * request's `dockerfile` parameter then names.
 */
import { createReadStream, promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { DockerIgnore } from "../../build/context/dockerignore.js";

export interface PackedContext {
  stream: Readable;
  /** the `dockerfile` parameter to send */
  dockerfile: string;
}

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

function isArchive(b: Buffer): boolean {
  if (b[0] === 0x1f && b[1] === 0x8b) return true;
  if (b.subarray(0, 3).toString("latin1") === "BZh") return true;
  if (b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
  return b.length >= 262 && b.subarray(257, 262).toString("latin1") === "ustar";
}

function oneEntryTar(name: string, content: Buffer): Readable {
  const pack = tar.pack();
  pack.entry({ name, mode: 0o644, size: content.length, mtime: new Date() }, content);
  pack.finalize();
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

async function walk(pack: tar.Pack, root: string, rel: string, ignore: DockerIgnore | undefined, keep: Set<string>): Promise<void> {
  const abs = rel === "" ? root : path.join(root, rel);
  for (const name of (await fs.readdir(abs)).sort()) {
    const childRel = rel === "" ? name : `${rel}/${name}`;
    const childAbs = path.join(abs, name);
    const st: Stats = await fs.lstat(childAbs);
    const ignored = ignore !== undefined && !keep.has(childRel) && ignore.matches(childRel);
    if (ignored && !(st.isDirectory() && ignore.mayHaveExceptionsUnder(childRel))) continue;
    const h = { name: childRel, mode: st.mode & 0o7777, uid: 0, gid: 0, mtime: st.mtime };
    if (st.isDirectory()) {
      if (!ignored) pack.entry({ ...h, type: "directory" });
      await walk(pack, root, childRel, ignore, keep);
    } else if (st.isSymbolicLink()) {
      if (!ignored) pack.entry({ ...h, type: "symlink", linkname: await fs.readlink(childAbs) });
    } else if (st.isFile() && !ignored) {
      await pipeline(createReadStream(childAbs), pack.entry({ ...h, type: "file", size: st.size }));
    }
  }
}

/** Packs a directory context; `extra` is a Dockerfile to add under `extraName`. */
function packDir(dir: string, ignore: DockerIgnore | undefined, keep: Set<string>, extra?: { name: string; content: Buffer }): Readable {
  const pack = tar.pack();
  (async () => {
    await walk(pack, dir, "", ignore, keep);
    if (extra) pack.entry({ name: extra.name, mode: 0o644, size: extra.content.length, mtime: new Date() }, extra.content);
    pack.finalize();
  })().catch((e: Error) => pack.destroy(e));
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

export async function packContext(context: string, dockerfileFlag: string | undefined, stdin: Readable): Promise<PackedContext> {
  if (context === "-") {
    const data = await readAll(stdin);
    if (isArchive(data)) return { stream: Readable.from([data]), dockerfile: dockerfileFlag ?? "Dockerfile" };
    return { stream: oneEntryTar("Dockerfile", data), dockerfile: "Dockerfile" };
  }
  const st = await fs.stat(context).catch(() => undefined);
  if (!st) throw new Error(`unable to prepare context: path "${context}" not found`);
  if (st.isFile()) return { stream: createReadStream(context), dockerfile: dockerfileFlag ?? "Dockerfile" };
  const ignoreText = await fs.readFile(path.join(context, ".dockerignore"), "utf8").catch(() => undefined);
  const ignore = ignoreText !== undefined ? DockerIgnore.parse(ignoreText) : undefined;
  const keep = new Set([".dockerignore"]);
  if (dockerfileFlag === "-") {
    const content = await readAll(stdin);
    const name = `.dockerfile.${Math.random().toString(16).slice(2, 14)}`;
    keep.add(name);
    return { stream: packDir(context, ignore, keep, { name, content }), dockerfile: name };
  }
  const dfPath = path.resolve(dockerfileFlag ? dockerfileFlag : path.join(context, "Dockerfile"));
  const rel = path.relative(path.resolve(context), dfPath);
  if (!rel.startsWith("..") && !path.isAbsolute(rel)) {
    const relPosix = rel.split(path.sep).join("/");
    keep.add(relPosix);
    return { stream: packDir(context, ignore, keep), dockerfile: relPosix };
  }
  const content = await fs.readFile(dfPath);
  const name = `.dockerfile.${Math.random().toString(16).slice(2, 14)}`;
  keep.add(name);
  return { stream: packDir(context, ignore, keep, { name, content }), dockerfile: name };
}
