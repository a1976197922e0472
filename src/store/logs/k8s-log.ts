/**
 * Reader for the container log that conmon writes (the CRI "k8s-file" format).
 *
 * conmon, not berthd, holds a container's stdio and writes this file, so the
 * log keeps growing while berthd is down. Each line is
 *   <RFC3339Nano timestamp> <stdout|stderr> <P|F> <content>
 * where P marks a partial line (content continues in the next entry) and F a
 * full one (its newline was stripped). Docker's API serves the same data
 * framed per stream, so readers here yield entries with the newline restored
 * for F entries and left off for P entries.
 */
import { promises as fs, watch, type FSWatcher } from "node:fs";
import type { FileHandle } from "node:fs/promises";

export interface LogEntry {
  stream: "stdout" | "stderr";
  /** The timestamp as conmon wrote it. */
  timestamp: string;
  /** Milliseconds since the epoch, for since/until filters. */
  timeMs: number;
  /** Nanoseconds within the second, for Docker's RFC3339Nano timestamps. */
  data: Buffer;
}

export interface ReadOptions {
  /** Unix seconds (fractional allowed); entries strictly before are skipped. */
  since?: number;
  /** Unix seconds; entries after are skipped. */
  until?: number;
  /** Only the last N entries; undefined or negative = all. */
  tail?: number;
  stdout?: boolean;
  stderr?: boolean;
}

/** Parses one line (without its trailing \n); undefined when it is not a log line. */
export function parseLogLine(line: Buffer): LogEntry | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const s3 = line.indexOf(0x20, s2 + 1);
  const timestamp = line.subarray(0, s1).toString();
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== "stdout" && stream !== "stderr") return undefined;
  const tag = s3 < 0 ? line.subarray(s2 + 1).toString() : line.subarray(s2 + 1, s3).toString();
  const content = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  const isPartial = tag.split(":").includes("P");
  const timeMs = Date.parse(timestamp);
  return {
    stream,
    timestamp,
    timeMs: Number.isNaN(timeMs) ? 0 : timeMs,
    data: isPartial ? Buffer.from(content) : Buffer.concat([content, Buffer.from("\n")]),
  };
}

function wanted(e: LogEntry, o: ReadOptions): boolean {
  if (e.stream === "stdout" && o.stdout === false) return false;
  if (e.stream === "stderr" && o.stderr === false) return false;
  if (o.since !== undefined && o.since > 0 && e.timeMs < o.since * 1000) return false;
  if (o.until !== undefined && o.until > 0 && e.timeMs > o.until * 1000) return false;
  return true;
}

/** Splits a buffer into complete lines; returns them and the unconsumed rest. */
function splitLines(buf: Buffer): { lines: Buffer[]; rest: Buffer } {
  const lines: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    lines.push(buf.subarray(start, nl));
    start = nl + 1;
  }
  return { lines, rest: buf.subarray(start) };
}

const CHUNK = 256 * 1024;

/** Reads entries from `offset` to the current end of an open file. Returns them and the offset after the last complete line. */
async function readHandleFrom(fh: FileHandle, offset: number): Promise<{ entries: LogEntry[]; offset: number }> {
  const entries: LogEntry[] = [];
  let pending = Buffer.alloc(0);
  let pos = offset;
  let consumed = offset;
  const buf = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const { lines, rest } = splitLines(Buffer.concat([pending, buf.subarray(0, bytesRead)]));
    for (const l of lines) {
      consumed += l.length + 1;
      const e = parseLogLine(l);
      if (e) entries.push(e);
    }
    pending = Buffer.from(rest);
  }
  return { entries, offset: consumed };
}

async function openIfExists(file: string): Promise<FileHandle | undefined> {
  try {
    return await fs.open(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Reads entries from `offset` to the current end of the file. */
export async function readFrom(file: string, offset: number): Promise<{ entries: LogEntry[]; offset: number }> {
  const fh = await openIfExists(file);
  if (!fh) return { entries: [], offset };
  try {
    return await readHandleFrom(fh, offset);
  } finally {
    await fh.close();
  }
}

/** All entries matching the options (tail applied after the filters, as Docker does). */
export async function readLog(file: string, o: ReadOptions = {}): Promise<{ entries: LogEntry[]; offset: number }> {
  const { entries, offset } = await readFrom(file, 0);
  let out = entries.filter((e) => wanted(e, o));
  if (o.tail !== undefined && o.tail >= 0) out = o.tail === 0 ? [] : out.slice(-o.tail);
  return { entries: out, offset };
}

/**
 * Follows the log from `offset`, yielding entries as conmon appends them, until
 * `isDone()` is true (the container exited) and everything written has been read,
 * or the signal aborts.
 */
export async function* followLog(
  file: string,
  offset: number,
  o: ReadOptions & { isDone: () => boolean; signal?: AbortSignal; wake?: (cb: () => void) => () => void },
): AsyncGenerator<LogEntry> {
  let watcher: FSWatcher | undefined;
  let fh: FileHandle | undefined;
  let wakeUp: (() => void) | undefined;
  const poke = () => wakeUp?.();
  try {
    try {
      watcher = watch(file, poke);
      watcher.on("error", () => {});
    } catch {
      /* the file may not exist yet; polling covers it */
    }
    const unsubscribe = o.wake?.(poke);
    const onAbort = () => poke();
    o.signal?.addEventListener("abort", onAbort);
    try {
      for (;;) {
        const wasDone = o.isDone();
        // The handle stays open: an --rm container's directory (and this log) may be removed
        // right after it exits, and the last lines must still reach the attached client.
        fh ??= await openIfExists(file);
        const r = fh ? await readHandleFrom(fh, offset) : { entries: [], offset };
        offset = r.offset;
        for (const e of r.entries) if (wanted(e, o)) yield e;
        if (o.signal?.aborted) return;
        if (wasDone) return;
        if (o.until !== undefined && o.until > 0 && Date.now() > o.until * 1000) return;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 250);
          wakeUp = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wakeUp = undefined;
      }
    } finally {
      unsubscribe?.();
      o.signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    watcher?.close();
    await fh?.close();
  }
}
