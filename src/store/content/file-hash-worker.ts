/**
 * The worker side of background-file-hash.ts: hashes (SHA-256) files that
 * the main thread is still writing, reading each one back from the page
 * cache up to the offset the main thread says is written.
 *
 * Messages in:  { op: "open", id, path } | { op: "upto", id, n } | { op: "end", id, n } | { op: "cancel", id }
 * Messages out: { id, digest } (hex) | { id, error }
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";

interface Job {
  fd: number;
  hash: Hash;
  /** bytes hashed so far */
  pos: number;
  /** bytes the main thread says are written */
  upto: number;
  /** total size, once known */
  end?: number;
}

type Message = { op: "open"; id: number; path: string } | { op: "upto" | "end"; id: number; n: number } | { op: "cancel"; id: number };

const READ_BYTES = 1 << 20;
const jobs = new Map<number, Job>();
const buf = Buffer.allocUnsafe(READ_BYTES);

function drop(id: number): void {
  const job = jobs.get(id);
  if (!job) return;
  jobs.delete(id);
  try {
    closeSync(job.fd);
  } catch {
    /* already closed */
  }
}

function advance(id: number, job: Job): void {
  while (job.pos < job.upto) {
    const got = readSync(job.fd, buf, 0, Math.min(READ_BYTES, job.upto - job.pos), job.pos);
    if (got === 0) throw new Error(`file ended at ${job.pos} bytes, ${job.upto} were written`);
    job.hash.update(buf.subarray(0, got));
    job.pos += got;
  }
  if (job.end !== undefined && job.pos === job.end) {
    const digest = job.hash.digest("hex");
    drop(id);
    parentPort!.postMessage({ id, digest });
  }
}

parentPort!.on("message", (m: Message) => {
  try {
    if (m.op === "open") {
      jobs.set(m.id, { fd: openSync(m.path, "r"), hash: createHash("sha256"), pos: 0, upto: 0 });
      return;
    }
    if (m.op === "cancel") return drop(m.id);
    const job = jobs.get(m.id);
    if (!job) return;
    if (m.op === "end") job.end = m.n;
    job.upto = Math.max(job.upto, m.n);
    advance(m.id, job);
  } catch (e) {
    drop(m.id);
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
