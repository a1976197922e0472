/**
 * SHA-256 of a file while it is being written, computed on a worker thread
 * that reads the written bytes back from the page cache (file-hash-worker.ts).
 *
 * Why: hashing a 50 MB layer on the daemon's one JavaScript thread costs
 * ≈ 40 ms (SHA-NI) on the path of the build step that wrote it, while the
 * machine's other core is idle at that point (the client has sent its
 * context). The bytes cannot be handed to a worker without a copy (they are
 * views into the context's socket buffers), but the kernel already has them:
 * the worker reads them back from the page cache, which costs the main
 * thread nothing. The writer tells the job which byte ranges are written
 * (`written`, in any order) and the total at the end (`finish`).
 *
 * One worker per process, started on first use and unref'd while it has
 * nothing to do (it never keeps a process alive), ended after a few idle
 * seconds (a worker holds ≈ 5–10 MB); if it dies, the pending jobs reject and
 * the next job starts a new one.
 */
import { Worker } from "node:worker_threads";

interface Pending {
  resolve(hex: string): void;
  reject(e: Error): void;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();
let idleTimer: NodeJS.Timeout | undefined;
let idleMs = 5000;

/** Tests: whether a worker is running, and a shorter idle time. */
export function hashWorkerRunning(): boolean {
  return worker !== undefined;
}
export function setHashWorkerIdleMs(ms: number): void {
  idleMs = ms;
}

/** No job left: unref the worker, and end it unless a job comes within idleMs. */
function idle(w: Worker): void {
  w.unref();
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (worker === w && pending.size === 0) {
      worker = undefined;
      void w.terminate();
    }
  }, idleMs);
  idleTimer.unref();
}

function failAll(e: Error): void {
  for (const p of pending.values()) p.reject(e);
  pending.clear();
}

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL("./file-hash-worker.js", import.meta.url));
  w.on("message", (m: { id: number; digest?: string; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) idle(w);
    if (m.digest !== undefined) p.resolve(m.digest);
    else p.reject(new Error(`hashing failed: ${m.error ?? "unknown error"}`));
  });
  const gone = (e: Error) => {
    if (worker !== w) return; // ended while idle: nothing was pending
    worker = undefined;
    failAll(e);
  };
  w.on("error", (e) => gone(e));
  w.on("exit", (code) => gone(new Error(`hash worker exited (${code})`)));
  w.unref();
  worker = w;
  return w;
}

export class BackgroundFileHash {
  private readonly id = nextId++;
  private readonly w: Worker;
  private readonly result: Promise<string>;
  private settled = false;

  /** Starts hashing `file` (it must exist: opened at once by the worker). */
  constructor(file: string) {
    this.w = theWorker();
    if (idleTimer) clearTimeout(idleTimer);
    this.result = new Promise<string>((resolve, reject) => pending.set(this.id, { resolve, reject }));
    this.result.catch(() => {}); // observed by finish(); a cancelled job's rejection is nobody's business
    this.w.ref();
    this.w.postMessage({ op: "open", id: this.id, path: file });
  }

  /** Written ranges not yet joined to the prefix: start → end. */
  private readonly ahead = new Map<number, number>();
  /** The file is written from 0 up to here. */
  private prefix = 0;

  /** Bytes [start, end) of the file are written; the worker hashes as far as the file is written without a gap. */
  written(start: number, end: number): void {
    this.ahead.set(start, end);
    const before = this.prefix;
    for (let next = this.ahead.get(this.prefix); next !== undefined; next = this.ahead.get(this.prefix)) {
      this.ahead.delete(this.prefix);
      this.prefix = next;
    }
    if (this.prefix > before) this.w.postMessage({ op: "upto", id: this.id, n: this.prefix });
  }

  /** The file is complete at `bytes` bytes: resolves with its hex SHA-256. */
  finish(bytes: number): Promise<string> {
    this.w.postMessage({ op: "end", id: this.id, n: bytes });
    this.settled = true;
    return this.result;
  }

  /** Abandons the job (the file is being thrown away). */
  cancel(): void {
    if (this.settled) return;
    this.settled = true;
    this.w.postMessage({ op: "cancel", id: this.id });
    const p = pending.get(this.id);
    pending.delete(this.id);
    if (pending.size === 0) idle(this.w);
    p?.reject(new Error("cancelled"));
  }
}
