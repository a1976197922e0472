/**
 * `docker events` default line (cli/command/system/events.go printOutput):
 * `<time> <Type> <Action> <Actor.ID> (k=v, k=v)` with attributes sorted by key
 * and the time as Go's RFC3339NanoFixed in the local zone
 * ("2026-11-27T10:25:05.257634630Z" under UTC, "…+01:00" elsewhere).
 */
import type { EventMessage } from "../../client/index.js";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** RFC3339 with exactly nine fraction digits, in the zone whose offset (minutes east of UTC) is given. */
export function rfc3339NanoFixed(timeNano: bigint, offsetMinutes = -new Date(Number(timeNano / 1_000_000n)).getTimezoneOffset()): string {
  const ms = Number(timeNano / 1_000_000n) + offsetMinutes * 60_000;
  const d = new Date(ms);
  const nanos = String(timeNano % 1_000_000_000n).padStart(9, "0");
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (offsetMinutes === 0) return `${date}.${nanos}Z`;
  const sign = offsetMinutes > 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  return `${date}.${nanos}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function formatEventLine(event: EventMessage, timeNano: bigint, offsetMinutes?: number): string {
  let line = `${rfc3339NanoFixed(timeNano, offsetMinutes)} ${event.Type} ${event.Action} ${event.Actor.ID}`;
  const attributes = Object.entries(event.Actor.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (attributes.length > 0) line += ` (${attributes.map(([k, v]) => `${k}=${v}`).join(", ")})`;
  return line;
}
