/**
 * The build context: the tar the client sends with POST /build, read once
 * while every regular file's content is hashed (content-digest.ts; the
 * hashes feed the COPY/ADD cache keys, so a rebuild never reads the files
 * again).
 *
 * Nothing is extracted under its own name: each regular file's bytes go to
 * a numbered file in the spool directory (never a name from the archive), and
 * the index maps context paths to those. A COPY that misses the cache copies
 * its sources from there into the step's root with a kernel-side copy
 * (fs.copyFile: copy_file_range/sendfile, no pass through this process); a
 * fully cached rebuild never writes a context file anywhere. This is what
 * keeps an unchanged rebuild of a large context close to the time the client
 * takes to send it.
 *
 * Terms: *rel* = a context path without a leading "./" or "/" and without a
 * trailing "/" ("" is the context root).
 *
 * Hostile entries are refused with an InvalidArgumentError naming the entry:
 * absolute names, `..` components, names below a symlink (the classic escape:
 * `a -> /etc`, then `a/passwd`), hardlinks to names outside the archive,
 * devices and fifos. Symlinks are kept as links; nothing in the builder ever
 * follows one (copies make links, never read through them).
 */
import { createReadStream, createWriteStream, promises as fs } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import tar from "tar-stream";
import { BerthError, ExecError, InvalidArgumentError } from "../../../errors/index.js";
import { decompressAny } from "./any-compression.js";
import { newContentHasher } from "./content-digest.js";

export interface ContextEntry {
  type: "file" | "directory" | "symlink";
  mode: number;
  size: number;
  mtime: Date;
  /** symlink target */
  linkname?: string;
  /** a regular file's content digest ("blake3:<hex>", content-digest.ts) */
  digest?: string;
  /** the spool file holding a regular file's bytes (when it did not fit in memory) */
  file?: string;
  /** a regular file's bytes, when the context's memory budget held them */
  chunks?: Buffer[];
}

/**
 * A body that is not a (complete) tar, or whose compression is broken, is the
 * client's fault: 400. File system errors (they carry a syscall) stay what they are.
 */
function asContextError(e: unknown): unknown {
  if (e instanceof BerthError && !(e instanceof ExecError)) return e;
  if (e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === "string") return e;
  return new InvalidArgumentError(`invalid build context: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * Context files are kept in memory up to this many bytes per build (the rest
 * goes to spool files): a fully cached rebuild then writes nothing at all,
 * and a COPY writes each file once, into the step's root.
 */
export const CONTEXT_MEMORY_BUDGET = 128 * 1024 * 1024;

/** Watched files larger than this are not kept in memory (the Dockerfile limit). */
const WATCH_LIMIT = 4 * 1024 * 1024;

const dirEntry = (mode = 0o755, mtime = new Date(0)): ContextEntry => ({ type: "directory", mode, size: 0, mtime });

export class BuildContext {
  /** Every entry by rel, in archive order; parents of listed entries are listed too. */
  readonly entries = new Map<string, ContextEntry>();
  private childrenIndex: Map<string, string[]> | undefined;

  /** Resolves when the whole context is in (entries complete, spool written); rejects with the receipt's error. */
  done: Promise<void> = Promise.resolve();
  /** The complete content of watched small files seen so far (begin's `watch`). */
  private readonly watchedContent = new Map<string, Buffer>();
  private readonly watchers = new Map<string, Array<() => void>>();
  private stop: ((e: Error) => void) | undefined;

  private constructor(
    readonly spool: string,
    private readonly memoryBudget: number,
  ) {}

  /** Reads `body` (plain, gzip, bzip2 or xz tar) into the spool directory `spool` (created; must not exist). */
  static async receive(body: Readable, spool: string, memoryBudget = CONTEXT_MEMORY_BUDGET): Promise<BuildContext> {
    const ctx = BuildContext.begin(body, spool, [], memoryBudget);
    await ctx.done;
    return ctx;
  }

  /**
   * Starts reading the context and returns at once: `done` says when it is
   * all in. The small files named in `watch` (the Dockerfile, .dockerignore)
   * are also kept in memory as they arrive, so a build can start its steps
   * that need no context file while the rest is still coming (the docker
   * CLI sends the Dockerfile among the first entries).
   */
  static begin(body: Readable, spool: string, watch: string[], memoryBudget = CONTEXT_MEMORY_BUDGET): BuildContext {
    const ctx = new BuildContext(spool, memoryBudget);
    for (const w of watch) ctx.watchers.set(w, []);
    ctx.done = ctx.read(body);
    ctx.done.catch(() => {}).finally(() => {
      for (const list of ctx.watchers.values()) for (const wake of list.splice(0)) wake();
    });
    return ctx;
  }

  /** A watched file's content once it has arrived; undefined when the context ended without it (or it is not a regular file). */
  async watched(rel: string): Promise<Buffer | undefined> {
    for (;;) {
      const buf = this.watchedContent.get(rel);
      if (buf) return buf;
      const settled = await Promise.race([this.done.then(() => true, () => true), new Promise<false>((r) => this.watchers.get(rel)?.push(() => r(false)))]);
      if (settled) {
        await this.done; // rethrows the receipt's error
        return this.watchedContent.get(rel);
      }
    }
  }

  /** Stops a receipt still running (the build gave up); `done` then rejects. */
  abort(): void {
    this.stop?.(new InvalidArgumentError("build cancelled"));
  }

  private async read(body: Readable): Promise<void> {
    const ctx = this;
    const spool = this.spool;
    ctx.entries.set("", dirEntry());
    await fs.mkdir(spool, { mode: 0o700 });
    let files = 0;
    let memoryUsed = 0;
    let out: ReturnType<typeof createWriteStream> | undefined;
    const input = await decompressAny(body).catch((e) => {
      throw asContextError(e);
    });
    const extract = tar.extract();
    input.on("error", (e) => extract.destroy(e));
    input.pipe(extract as unknown as NodeJS.WritableStream);
    this.stop = (e) => {
      input.destroy();
      extract.destroy(e);
    };
    try {
      for await (const entry of extract) {
        const h = entry.header;
        const rel = BuildContext.cleanName(h.name);
        if (rel === "") {
          entry.resume();
          continue;
        }
        ctx.checkParents(rel, h.name);
        ctx.forget(rel, h.type === "directory");
        const mode = (h.mode ?? 0o644) & 0o7777;
        const mtime = h.mtime ?? new Date(0);
        switch (h.type) {
          case "directory":
            ctx.entries.set(rel, dirEntry(mode, mtime));
            entry.resume();
            break;
          case "file":
          case "contiguous-file": {
            const hash = newContentHasher();
            const keep: Buffer[] | undefined = this.watchers.has(rel) && (h.size ?? 0) <= WATCH_LIMIT ? [] : undefined;
            let size = 0;
            const declared = h.size ?? 0;
            if (memoryUsed + declared <= this.memoryBudget) {
              // kept in memory: a cache hit never writes it, a miss writes it once, into the step's root
              memoryUsed += declared;
              const chunks: Buffer[] = [];
              for await (const chunk of entry as AsyncIterable<Buffer>) {
                hash.update(chunk);
                chunks.push(chunk);
                size += chunk.length;
              }
              ctx.entries.set(rel, { type: "file", mode, size, mtime, digest: hash.digest(), chunks });
              if (keep) {
                this.watchedContent.set(rel, Buffer.concat(chunks));
                for (const wake of this.watchers.get(rel)!.splice(0)) wake();
              }
              break;
            }
            const file = path.join(spool, String(files++));
            out = createWriteStream(file, { flags: "wx", mode: 0o600, highWaterMark: 1 << 20 });
            const outDone = finished(out);
            outDone.catch(() => {});
            for await (const chunk of entry as AsyncIterable<Buffer>) {
              hash.update(chunk);
              keep?.push(chunk);
              size += chunk.length;
              if (!out.write(chunk)) await once(out, "drain");
            }
            out.end();
            await outDone;
            out = undefined;
            ctx.entries.set(rel, { type: "file", mode, size, mtime, digest: hash.digest(), file });
            if (keep) {
              this.watchedContent.set(rel, Buffer.concat(keep));
              for (const wake of this.watchers.get(rel)!.splice(0)) wake();
            }
            break;
          }
          case "symlink":
            ctx.entries.set(rel, { type: "symlink", mode: 0o777, size: 0, mtime, linkname: h.linkname ?? "" });
            entry.resume();
            break;
          case "link": {
            const t = ctx.entries.get(BuildContext.cleanName(h.linkname ?? ""));
            if (!t || t.type !== "file") throw new InvalidArgumentError(`context entry ${JSON.stringify(h.name)}: hardlink to ${JSON.stringify(h.linkname)}, which is not a file in the context`);
            ctx.entries.set(rel, { ...t, mode, mtime });
            entry.resume();
            break;
          }
          default:
            throw new InvalidArgumentError(`context entry ${JSON.stringify(h.name)}: ${h.type} entries are not allowed in a build context`);
        }
      }
    } catch (e) {
      input.destroy();
      extract.destroy();
      out?.destroy();
      throw asContextError(e);
    }
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

  /** Every parent must be a directory (implicitly created when absent); a symlink parent is an escape attempt. */
  private checkParents(rel: string, name: string): void {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      const e = this.entries.get(dir);
      if (e && e.type !== "directory") {
        throw new InvalidArgumentError(`context entry ${JSON.stringify(name)}: its parent ${JSON.stringify(dir)} is not a directory (${e.type})`);
      }
      if (!e) this.entries.set(dir, dirEntry());
    }
  }

  /** A later entry replaces an earlier one of the same name (and a non-directory drops what was below it). */
  private forget(rel: string, keepChildren: boolean): void {
    if (!this.entries.has(rel)) return;
    if (keepChildren && this.entries.get(rel)!.type === "directory") return;
    this.entries.delete(rel);
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${rel}/`)) this.entries.delete(k);
  }

  /** Removes ignored entries from the index (their bytes stay in the spool, unreachable by COPY). */
  applyIgnore(isIgnored: (rel: string) => boolean): void {
    for (const rel of [...this.entries.keys()]) {
      if (rel !== "" && isIgnored(rel)) this.entries.delete(rel);
    }
    this.childrenIndex = undefined;
  }

  /** Names directly inside directory `rel`, sorted. */
  children(rel: string): string[] {
    if (!this.childrenIndex) {
      const idx = new Map<string, string[]>();
      for (const k of this.entries.keys()) {
        if (k === "") continue;
        const slash = k.lastIndexOf("/");
        const parent = slash < 0 ? "" : k.slice(0, slash);
        let list = idx.get(parent);
        if (!list) idx.set(parent, (list = []));
        list.push(k.slice(slash + 1));
      }
      for (const l of idx.values()) l.sort();
      this.childrenIndex = idx;
    }
    return this.childrenIndex.get(rel) ?? [];
  }

  private fileEntry(rel: string): ContextEntry {
    const e = this.entries.get(rel);
    if (!e || e.type !== "file" || (e.file === undefined && e.chunks === undefined)) throw new InvalidArgumentError(`${rel} is not a file of the build context`);
    return e;
  }

  /** A regular file's bytes. */
  openFile(rel: string): Readable {
    const e = this.fileEntry(rel);
    if (e.chunks) return Readable.from(e.chunks, { objectMode: false });
    return createReadStream(e.file!, { highWaterMark: 1 << 20 });
  }

  /** The private spool file holding a regular file's bytes (read only: copies are taken from it); undefined when the bytes are in memory. */
  spoolFile(rel: string): string | undefined {
    return this.fileEntry(rel).file;
  }

  /** A regular file's bytes when they are held in memory (read only). */
  memoryContent(rel: string): readonly Buffer[] | undefined {
    return this.fileEntry(rel).chunks;
  }

  /** Reads a small file of the context (the Dockerfile), following in-context symlinks; refuses oversize. */
  async readSmallFile(rel: string, limit = 4 * 1024 * 1024): Promise<Buffer | undefined> {
    let cur = rel;
    for (let hops = 0; hops < 16; hops++) {
      const e = this.entries.get(cur);
      if (!e) return undefined;
      if (e.type === "file") {
        if (e.size > limit) throw new InvalidArgumentError(`${rel} is too large (over ${limit} bytes)`);
        const chunks: Buffer[] = [];
        for await (const c of this.openFile(cur)) chunks.push(c as Buffer);
        return Buffer.concat(chunks);
      }
      if (e.type !== "symlink") return undefined;
      const target = e.linkname!.startsWith("/") ? e.linkname! : path.posix.join(path.posix.dirname(cur), e.linkname!);
      const norm = path.posix.normalize(target).replace(/^\/+/, "");
      if (norm === ".." || norm.startsWith("../")) return undefined;
      cur = norm;
    }
    return undefined;
  }

  /** Deletes the spool (and lets the memory go). */
  async dispose(): Promise<void> {
    this.entries.clear();
    await fs.rm(this.spool, { recursive: true, force: true });
  }
}
