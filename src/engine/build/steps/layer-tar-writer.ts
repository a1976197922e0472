/**
 * The layer tar of a COPY, written while the files are copied: each file's
 * bytes go once from the source to both the step's root and the tar, so the
 * upper dir is never walked and read back (what packChanges would do). The
 * tar holds every entry the copy wrote plus the directories above them (new
 * or copied up), parents first — the same changes the upper dir holds, which
 * the layer store then adopts as the layer.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { Readable, type Writable } from "node:stream";
import tar from "tar-stream";

export interface EntryMeta {
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
}

export class LayerTarWriter {
  private readonly pack = tar.pack();
  private readonly emitted = new Set<string>();
  readonly readable: Readable = Readable.from(this.pack as AsyncIterable<Buffer>, { objectMode: false });

  constructor(private readonly root: string) {}

  private rel(host: string): string {
    return path.relative(this.root, host).split(path.sep).join("/");
  }

  private entry(header: Partial<tar.Header> & { name: string }, body?: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.pack.entry(header, body ?? Buffer.alloc(0), (e) => (e ? reject(e) : resolve())));
  }

  /** Emits the directories from the root down to `host` (excluded unless `self`), as they are now. */
  async parents(host: string, self = false): Promise<void> {
    const parts = this.rel(host).split("/").filter(Boolean);
    const upto = self ? parts.length : parts.length - 1;
    for (let i = 1; i <= upto; i++) {
      const rel = parts.slice(0, i).join("/");
      if (this.emitted.has(rel)) continue;
      const st = await fs.lstat(path.join(this.root, rel));
      if (!st.isDirectory()) continue;
      this.emitted.add(rel);
      await this.entry({ name: `${rel}/`, type: "directory", mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime });
    }
  }

  async dir(host: string, m: EntryMeta): Promise<void> {
    await this.parents(host);
    const rel = this.rel(host);
    this.emitted.add(rel);
    await this.entry({ name: `${rel}/`, type: "directory", mode: m.mode, uid: m.uid, gid: m.gid, mtime: m.mtime });
  }

  async symlink(host: string, linkname: string, m: EntryMeta): Promise<void> {
    await this.parents(host);
    await this.entry({ name: this.rel(host), type: "symlink", linkname, mode: 0o777, uid: m.uid, gid: m.gid, mtime: m.mtime });
  }

  /** Copies `src` (exactly `size` bytes) into `dst` and into the tar at once. */
  async file(host: string, m: EntryMeta, size: number, src: Readable, dst: Writable): Promise<void> {
    await this.parents(host);
    // tar-stream's entry is a streamx Writable; used through Node's Writable surface
    const sink = this.pack.entry({ name: this.rel(host), type: "file", size, mode: m.mode, uid: m.uid, gid: m.gid, mtime: m.mtime }) as unknown as Writable;
    const sinkDone = new Promise<void>((resolve, reject) => {
      sink.on("finish", resolve);
      sink.on("error", reject);
    });
    const dstDone = new Promise<void>((resolve, reject) => {
      dst.on("finish", resolve);
      dst.on("error", reject);
    });
    for await (const chunk of src) {
      // listen before awaiting either: the other one may drain meanwhile
      const waits: Array<Promise<unknown>> = [];
      if (!dst.write(chunk)) waits.push(new Promise((r) => dst.once("drain", r)));
      if (!sink.write(chunk)) waits.push(new Promise((r) => sink.once("drain", r)));
      if (waits.length) await Promise.all(waits);
    }
    dst.end();
    sink.end();
    await Promise.all([dstDone, sinkDone]);
  }

  finalize(): void {
    this.pack.finalize();
  }

  destroy(err: Error): void {
    this.pack.destroy(err);
  }
}
