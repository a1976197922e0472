/**
 * Small HTTP helpers shared by the handlers: JSON responses, capped body
 * reads, Range / Content-Range parsing, and `n`/`last` pagination with the
 * RFC 5988 `Link: <…>; rel="next"` header used by tags, catalog and referrers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { RegistryError } from "./errcodes.js";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = "application/json"): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, "Content-Type": contentType, "Content-Length": String(data.byteLength) });
  res.end(data);
}

/** A response with no body (201/202/204 with headers only). */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, "Content-Length": "0" });
  res.end();
}

/**
 * Reads a request body whole, refusing more than `max` bytes: a declared
 * Content-Length above the cap fails before reading, a longer stream fails as
 * soon as it crosses the cap. `tooLarge` is thrown in both cases.
 */
export async function readBodyCapped(req: IncomingMessage, max: number, tooLarge: () => RegistryError): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).byteLength;
    if (total > max) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Drains and discards whatever body the client sent (so keep-alive stays usable). */
export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

/** Media type without parameters, lowercased ("application/json; charset=x" → "application/json"). */
export function bareMediaType(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const mt = value.split(";")[0]!.trim().toLowerCase();
  return mt === "" ? undefined : mt;
}

/** Parses a request `Range: bytes=a-b` against a blob of `size`. undefined: no/unsupported header → whole blob. */
export function parseByteRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined; // multi-range or garbage: ignore (RFC 9110 allows)
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

/** Parses an upload chunk's `Content-Range: a-b` (also tolerates a "bytes " prefix). */
export function parseContentRange(header: string | undefined): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m) throw new RegistryError("BLOB_UPLOAD_INVALID", { contentRange: header.slice(0, 100) }, { status: 416 });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) {
    throw new RegistryError("BLOB_UPLOAD_INVALID", { contentRange: header.slice(0, 100) }, { status: 416 });
  }
  return { start, end };
}

/** The upload `Range` response header: "0-<last byte>", "0-0" when nothing arrived yet (as distribution). */
export function uploadRange(size: number): string {
  return `0-${Math.max(0, size - 1)}`;
}

export interface Page<T> {
  items: T[];
  /** Set when more items follow: the `last` value for the next page. */
  next?: string;
}

/**
 * One page of a sorted list: items strictly after `last`, at most `n`
 * (n = 0 → empty page and no next, as the spec requires). `key` gives the
 * sort key used for `last`.
 */
export function paginate<T>(sorted: T[], key: (t: T) => string, nParam: string | null, lastParam: string | null, maxN = 10000): Page<T> {
  let n = maxN;
  if (nParam !== null) {
    if (!/^\d+$/.test(nParam)) throw new RegistryError("UNSUPPORTED", { n: nParam.slice(0, 50) }, { status: 400, message: "invalid n" });
    n = Math.min(Number(nParam), maxN);
  }
  let start = 0;
  if (lastParam !== null && lastParam !== "") {
    start = sorted.findIndex((t) => key(t) > lastParam);
    if (start < 0) start = sorted.length;
  }
  if (n === 0) return { items: [] };
  const items = sorted.slice(start, start + n);
  const next = start + n < sorted.length && items.length > 0 ? key(items[items.length - 1]!) : undefined;
  return next === undefined ? { items } : { items, next };
}

/** `Link: </path?n=..&last=..>; rel="next"` for a page that has more. */
export function linkHeader(pathname: string, n: number | undefined, last: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(extra);
  if (n !== undefined) q.set("n", String(n));
  q.set("last", last);
  return `<${pathname}?${q.toString()}>; rel="next"`;
}

/** Go's sort.Strings order (byte-wise), which the spec names for tag lists. */
export function byteSort(list: string[]): string[] {
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
