/**
 * Output of logs and attach on the wire. Without a TTY every chunk is framed
 * with Docker's 8-byte header [stream, 0, 0, 0, length BE32] (stdout = 1,
 * stderr = 2); with a TTY the bytes go raw. `timestamps` prefixes each entry
 * with its RFC3339Nano UTC time and a space (transcript 03, logs --timestamps).
 */
import type { LogEntry } from "../store/logs/k8s-log.js";

export function frameHeader(stream: 1 | 2, length: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(length, 4);
  return h;
}

/** conmon writes "2026-11-27T10:28:49.837406232+00:00"; Docker prints "…232Z". */
export function dockerTimestamp(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  if (m[3] === "Z" || m[3] === "+00:00" || m[3] === "-00:00") return `${m[1]}${m[2] ?? ""}Z`;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return ts;
  const frac = m[2] ? m[2].padEnd(10, "0").slice(0, 10) : "";
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d+Z$/, `${frac}Z`);
}

export function encodeEntry(e: LogEntry, o: { tty: boolean; timestamps: boolean }): Buffer {
  const payload = o.timestamps ? Buffer.concat([Buffer.from(dockerTimestamp(e.timestamp) + " "), e.data]) : e.data;
  if (o.tty) return payload;
  return Buffer.concat([frameHeader(e.stream === "stdout" ? 1 : 2, payload.length), payload]);
}
