/**
 * Client of native/berth-fsutil (see the C file's header for the protocol):
 * the mknod and lsetxattr calls Node.js cannot make (reading an xattr is
 * the long-lived syscall helper's lgetxattr, sys/syscall-helper.ts: no
 * process spawn per look).
 *
 * Unpack queues these calls in an FsUtilBatch and runs the whole queue in
 * one process (`berth-fsutil batch`, records on stdin), so a layer with
 * thousands of whiteouts or device nodes costs one spawn, not thousands.
 * Queued calls must keep tar order with the calls Node makes directly, so the
 * batch remembers every path it will touch: before unpack creates, replaces
 * or links anything at or below such a path it calls `flush()` first. Real
 * layers almost never trigger that; hostile or odd ones stay correct.
 *
 * The binary is built by `make -C native` into native/bin/; compiled code
 * runs from dist/src/archive/, three levels below the repository root.
 * BERTH_FSUTIL overrides the location.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../sys/exec.js";
import { InvalidArgumentError } from "../errors/index.js";

export function fsutilBinary(): string {
  return process.env.BERTH_FSUTIL ?? fileURLToPath(new URL("../../../native/bin/berth-fsutil", import.meta.url));
}

export interface MknodSpec {
  /** File type bits (S_IFCHR/S_IFBLK/S_IFIFO) | permission bits incl. setuid/sticky. */
  mode: number;
  major: number;
  minor: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch (fractional allowed); undefined leaves the creation time. */
  atime?: number;
  mtime?: number;
}

export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

/** Above this many queued bytes unpack flushes, to bound memory. */
const FLUSH_BYTES = 4 * 1024 * 1024;

function timeField(t: number | undefined): string {
  if (t === undefined || !Number.isFinite(t)) return "-";
  const sec = Math.floor(t);
  const nsec = Math.round((t - sec) * 1e9);
  return `${sec}.${String(Math.min(nsec, 999_999_999)).padStart(9, "0")}`;
}

function checkPath(p: string): void {
  if (!path.isAbsolute(p) || p.includes("\0")) throw new InvalidArgumentError(`fsutil: bad path ${JSON.stringify(p)}`);
}

export class FsUtilBatch {
  private records: Buffer[] = [];
  private queuedBytes = 0;
  private readonly touched = new Set<string>();

  get size(): number {
    return this.records.length;
  }

  get isFull(): boolean {
    return this.queuedBytes >= FLUSH_BYTES;
  }

  mknod(p: string, spec: MknodSpec): void {
    checkPath(p);
    this.push(p, [
      "mknod",
      p,
      spec.mode.toString(8),
      String(spec.major),
      String(spec.minor),
      String(spec.uid),
      String(spec.gid),
      timeField(spec.atime),
      timeField(spec.mtime),
    ]);
  }

  lsetxattr(p: string, name: string, value: Uint8Array): void {
    checkPath(p);
    if (name === "" || name.includes("\0")) throw new InvalidArgumentError(`bad xattr name ${JSON.stringify(name)}`);
    this.push(p, ["lsetxattr", p, name, Buffer.from(value).toString("hex")]);
  }

  /** True when a queued call targets `p` or one of its ancestors (absolute paths). */
  touches(p: string): boolean {
    if (this.touched.size === 0) return false;
    for (let cur = p; ; cur = path.dirname(cur)) {
      if (this.touched.has(cur)) return true;
      if (cur === path.dirname(cur)) return false;
    }
  }

  /** Runs every queued call, in order, in one berth-fsutil process. */
  async flush(): Promise<void> {
    if (this.records.length === 0) return;
    const input = Buffer.concat(this.records);
    this.records = [];
    this.queuedBytes = 0;
    this.touched.clear();
    await run([fsutilBinary(), "batch"], { input });
  }

  private push(p: string, fields: string[]): void {
    const rec = Buffer.from(fields.map((f) => `${f}\0`).join(""));
    this.records.push(rec);
    this.queuedBytes += rec.length;
    this.touched.add(p);
  }
}

