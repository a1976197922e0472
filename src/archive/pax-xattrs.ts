/**
 * Extended attributes from PAX records ("SCHILY.xattr.<name>=<bytes>", the
 * form GNU tar, Go's archive/tar and therefore Docker write).
 *
 * Xattr values are raw bytes (security.capability is a binary struct), but
 * tar-stream decodes every PAX value as UTF-8, which mangles them. So the raw
 * PAX header is captured by wrapping this one Extract instance's
 * `_decodeLongHeader` (tar-stream 3.x internals; checked at runtime) and
 * parsed here byte-exactly. If that hook ever disappears we fall back to the
 * decoded strings, which are exact for text values such as
 * trusted.overlay.opaque or security.selinux.
 */
import type { Extract, Header } from "tar-stream";

/** tar-stream 3 puts the decoded PAX records on the header; its typings omit it. */
export type TarHeader = Omit<Header, "pax"> & { pax?: Record<string, string> | null };

const XATTR_PREFIX = "SCHILY.xattr.";

/** Parses PAX records "<len> <key>=<value>\n" keeping values as bytes. */
export function parsePaxRecords(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < buf.length) {
    const sp = buf.indexOf(0x20, off);
    if (sp < 0) break;
    const len = Number.parseInt(buf.toString("latin1", off, sp), 10);
    if (!Number.isSafeInteger(len) || len <= 0 || off + len > buf.length) break;
    const rec = buf.subarray(sp + 1, off + len - 1); // drop trailing "\n"
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out.set(rec.toString("utf8", 0, eq), Buffer.from(rec.subarray(eq + 1)));
    off += len;
  }
  return out;
}

interface ExtractInternals {
  _decodeLongHeader?: (buf: Buffer) => void;
  _header?: { type?: string } | null;
  _pax?: Record<string, string> | null;
}

/**
 * Makes `extract` remember the raw bytes of each entry's PAX header; returns
 * a function giving an entry's xattrs (name → value bytes).
 */
export function trackPaxXattrs(extract: Extract): (header: TarHeader) => Map<string, Buffer> {
  const raw = new WeakMap<object, Map<string, Buffer>>();
  const internals = extract as unknown as ExtractInternals;
  const original = internals._decodeLongHeader;
  if (typeof original === "function") {
    internals._decodeLongHeader = function (this: ExtractInternals, buf: Buffer): void {
      original.call(this, buf);
      if (this._header?.type === "pax-header" && this._pax) raw.set(this._pax, parsePaxRecords(Buffer.from(buf)));
    };
  }
  return (header) => {
    const xattrs = new Map<string, Buffer>();
    const pax = header.pax;
    if (!pax) return xattrs;
    const records = raw.get(pax);
    if (records) {
      for (const [k, v] of records) if (k.startsWith(XATTR_PREFIX)) xattrs.set(k.slice(XATTR_PREFIX.length), v);
    }
    // Keys only in the decoded form come from a global PAX header.
    for (const [k, v] of Object.entries(pax)) {
      if (k.startsWith(XATTR_PREFIX) && !xattrs.has(k.slice(XATTR_PREFIX.length))) {
        xattrs.set(k.slice(XATTR_PREFIX.length), Buffer.from(v, "utf8"));
      }
    }
    return xattrs;
  };
}

/** PAX times ("1700000000.123456789") when present, else undefined. */
export function paxTime(header: TarHeader, key: "mtime" | "atime"): number | undefined {
  const v = header.pax?.[key];
  if (v === undefined || !/^-?\d+(\.\d+)?$/.test(v)) return undefined;
  return Number(v);
}
