/**
 * The build context: the tar the client sends with POST /build, extracted
 * once into a private directory under the data root while every regular
 * file's content is hashed (one streaming pass; the hashes feed the COPY/ADD
 * cache keys, so a rebuild never reads the files twice).
 *
 * Terms: *rel* = a context path without a leading "./" or "/" and without a
 * trailing "/" ("" is the context root).
 *
 * Hostile entries are refused with an InvalidArgumentError naming the entry,
 * before anything is written for it: absolute names, `..` components, names
 * below a symlink (the classic escape: `a -> /etc`, then `a/passwd`),
 * hardlinks to names outside the archive, devices and fifos. Symlinks
 * themselves are kept as links; nothing in the builder ever follows one
 * out of the context (copy-sources.ts copies links as links).
 */
import { createHash } from "node:crypto";
import { createWriteStream, promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { InvalidArgumentError } from "../../../errors/index.js";
import { decompressAny } from "./any-compression.js";

export interface ContextEntry {
  type: "file" | "directory" | "symlink";
  mode: number;
  size: number;
  mtime: Date;
  /** symlink target */
  linkname?: string;
  /** hex sha256 of a regular file's content */
  sha256?: string;
}

export class BuildContext {
  /** Every entry by rel, in archive order; parents of listed entries are listed too. */
  readonly entries = new Map<string, ContextEntry>();

  private constructor(readonly root: string) {}

  /** Extracts `body` (plain, gzip, bzip2 or xz tar) into `root`, which must be a new, empty directory. */
  static async receive(body: Readable, root: string): Promise<BuildContext> {
    const ctx = new BuildContext(root);
    await fs.mkdir(root, { mode: 0o700 });
    ctx.entries.set("", { type: "directory", mode: 0o755, size: 0, mtime: new Date(0) });
    const input = await decompressAny(body);
    const extract = tar.extract();
    input.on("error", (e) => extract.destroy(e));
    input.pipe(extract as unknown as NodeJS.WritableStream);
    try {
      for await (const entry of extract) {
        await ctx.apply(entry.header, entry as unknown as Readable);
        entry.resume();
      }
    } catch (e) {
      input.destroy();
      extract.destroy();
      throw e;
    }
    return ctx;
  }

  /** The host path of a rel (no symlink on the way, by construction). */
  hostPath(rel: string): string {
    return rel === "" ? this.root : path.join(this.root, rel);
  }

  /** Cleans an entry name; throws for names that would leave the context. */
  static cleanName(name: string): string {
    if (name.startsWith("/")) throw new InvalidArgumentError(`context entry ${JSON.stringify(name)}: absolute paths are not allowed in a build context`);
    const parts: string[] = [];
    for (const c of name.split("/")) {
      if (c === "" || c === ".") continue;
      if (c === "..") throw new InvalidArgumentError(`context entry ${JSON.stringify(name)}: a path outside the build context is not allowed`);
      parts.push(c);
    }
    return parts.join("/");
  }

  private async ensureParents(rel: string, name: string): Promise<void> {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      const e = this.entries.get(dir);
      if (e && e.type !== "directory") {
        throw new InvalidArgumentError(`context entry ${JSON.stringify(name)}: its parent ${JSON.stringify(dir)} is not a directory (${e.type})`);
      }
      if (!e) {
        await fs.mkdir(this.hostPath(dir), { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== "EEXIST") throw err;
        });
        this.entries.set(dir, { type: "directory", mode: 0o755, size: 0, mtime: new Date(0) });
      }
    }
  }

  private async apply(h: tar.Header, data: Readable): Promise<void> {
    const rel = BuildContext.cleanName(h.name);
    if (rel === "") return;
    await this.ensureParents(rel, h.name);
    const host = this.hostPath(rel);
    const prev = this.entries.get(rel);
    if (prev && !(prev.type === "directory" && h.type === "directory")) {
      await fs.rm(host, { recursive: true, force: true });
      for (const k of [...this.entries.keys()]) if (k.startsWith(`${rel}/`)) this.entries.delete(k);
    }
    const mode = (h.mode ?? 0o644) & 0o7777;
    const mtime = h.mtime ?? new Date(0);
    switch (h.type) {
      case "directory":
        if (!prev) await fs.mkdir(host, { mode: 0o755 });
        this.entries.set(rel, { type: "directory", mode, size: 0, mtime });
        return;
      case "file":
      case "contiguous-file": {
        const hash = createHash("sha256");
        data.on("data", (c: Buffer) => hash.update(c));
        await pipeline(data, createWriteStream(host, { mode: 0o600 }));
        await fs.chmod(host, mode & 0o777);
        this.entries.set(rel, { type: "file", mode, size: h.size ?? 0, mtime, sha256: hash.digest("hex") });
        return;
      }
      case "symlink":
        await fs.symlink(h.linkname ?? "", host);
        this.entries.set(rel, { type: "symlink", mode: 0o777, size: 0, mtime, linkname: h.linkname ?? "" });
        return;
      case "link": {
        const target = BuildContext.cleanName(h.linkname ?? "");
        const t = this.entries.get(target);
        if (!t || t.type !== "file") throw new InvalidArgumentError(`context entry ${JSON.stringify(h.name)}: hardlink to ${JSON.stringify(h.linkname)}, which is not a file in the context`);
        await fs.link(this.hostPath(target), host);
        this.entries.set(rel, { ...t });
        return;
      }
      default:
        throw new InvalidArgumentError(`context entry ${JSON.stringify(h.name)}: ${h.type} entries are not allowed in a build context`);
    }
  }

  /** Removes ignored entries from the index (their files stay on disk, unreachable by COPY). */
  applyIgnore(isIgnored: (rel: string) => boolean): void {
    for (const rel of [...this.entries.keys()]) {
      if (rel !== "" && isIgnored(rel)) this.entries.delete(rel);
    }
  }

  /** Reads a small file of the context (the Dockerfile): refuses symlinks out and oversize. */
  async readSmallFile(rel: string, limit = 4 * 1024 * 1024): Promise<Buffer | undefined> {
    let cur = rel;
    for (let hops = 0; hops < 16; hops++) {
      const e = this.entries.get(cur);
      if (!e) return undefined;
      if (e.type === "file") {
        if (e.size > limit) throw new InvalidArgumentError(`${rel} is too large (over ${limit} bytes)`);
        return fs.readFile(this.hostPath(cur));
      }
      if (e.type !== "symlink") return undefined;
      const target = e.linkname!.startsWith("/") ? e.linkname! : path.posix.join(path.posix.dirname(cur), e.linkname!);
      const norm = path.posix.normalize(target).replace(/^\/+/, "");
      if (norm.startsWith("..")) return undefined;
      cur = norm;
    }
    return undefined;
  }
}
