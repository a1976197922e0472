/**
 * The small part of the DNS wire format (RFC 1035 §4) the embedded server
 * needs: read a query's header, its one question and its EDNS payload size,
 * and write replies with A/AAAA/PTR answers. Forwarded queries and answers
 * are relayed as bytes and never re-encoded.
 *
 * Every read is bounds-checked and every input is hostile: a name is at most
 * 255 octets on the wire and 63 per label (RFC 1035 §2.3.4), a compression
 * pointer must point strictly backwards (so pointer loops cannot exist) and
 * at most MAX_POINTER_JUMPS are followed; anything else is a WireError.
 */
import net from "node:net";

export const HEADER_SIZE = 12;
export const MAX_NAME_OCTETS = 255;
export const MAX_LABEL_OCTETS = 63;
const MAX_POINTER_JUMPS = 16;

export const enum RrType {
  A = 1,
  PTR = 12,
  MX = 15,
  AAAA = 28,
  OPT = 41,
}
export const CLASS_IN = 1;

export const enum Rcode {
  NoError = 0,
  FormErr = 1,
  ServFail = 2,
  NxDomain = 3,
  NotImp = 4,
  Refused = 5,
}

export class WireError extends Error {}

export interface Header {
  id: number;
  isResponse: boolean;
  opcode: number;
  isTruncated: boolean;
  isRecursionDesired: boolean;
  isCheckingDisabled: boolean;
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export interface Question {
  /** The name's labels as sent (case kept), without the root label. */
  labels: Buffer[];
  type: number;
  class: number;
}

export interface Query {
  header: Header;
  question: Question;
  /** The EDNS(0) UDP payload size the client accepts, or undefined without an OPT record. */
  ednsUdpSize?: number;
}

export function readHeader(msg: Buffer): Header {
  if (msg.length < HEADER_SIZE) throw new WireError("message shorter than a header");
  const flags = msg.readUInt16BE(2);
  return {
    id: msg.readUInt16BE(0),
    isResponse: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    isTruncated: (flags & 0x0200) !== 0,
    isRecursionDesired: (flags & 0x0100) !== 0,
    isCheckingDisabled: (flags & 0x0010) !== 0,
    rcode: flags & 0xf,
    qdcount: msg.readUInt16BE(4),
    ancount: msg.readUInt16BE(6),
    nscount: msg.readUInt16BE(8),
    arcount: msg.readUInt16BE(10),
  };
}

/**
 * Reads a (possibly compressed) name at `offset`. Returns its labels and the
 * offset just past the name where it started (not where a pointer led).
 */
export function readName(msg: Buffer, offset: number): { labels: Buffer[]; next: number } {
  const labels: Buffer[] = [];
  let octets = 1; // the root label
  let pos = offset;
  let next = -1;
  let jumps = 0;
  // A pointer must land before the start of the label sequence it interrupts;
  // with targets strictly decreasing, a loop is impossible.
  let floor = offset;
  for (;;) {
    if (pos >= msg.length) throw new WireError("name runs past the message");
    const len = msg[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      return { labels, next };
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length) throw new WireError("truncated compression pointer");
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (target >= floor) throw new WireError("compression pointer does not point backwards");
      if (++jumps > MAX_POINTER_JUMPS) throw new WireError("too many compression pointers");
      if (next < 0) next = pos + 2;
      pos = target;
      floor = target;
      continue;
    }
    if (kind !== 0) throw new WireError("unknown label type");
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS) throw new WireError("name longer than 255 octets");
    if (pos + 1 + len > msg.length) throw new WireError("label runs past the message");
    labels.push(msg.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}

/** Skips one resource record; returns its type, class, TTL field and the offset after it. */
function readRecordHead(msg: Buffer, offset: number): { type: number; klass: number; ttl: number; nameIsRoot: boolean; next: number } {
  const { labels, next: afterName } = readName(msg, offset);
  if (afterName + 10 > msg.length) throw new WireError("record header runs past the message");
  const rdlength = msg.readUInt16BE(afterName + 8);
  const next = afterName + 10 + rdlength;
  if (next > msg.length) throw new WireError("record data runs past the message");
  return { type: msg.readUInt16BE(afterName), klass: msg.readUInt16BE(afterName + 2), ttl: msg.readUInt32BE(afterName + 4), nameIsRoot: labels.length === 0, next };
}

/**
 * Parses a query that the caller has already accepted on its header
 * (one question). Reads the question and every record after it, to find the
 * OPT record and to refuse messages whose counts lie about their content.
 */
export function parseQuery(msg: Buffer): Query {
  const header = readHeader(msg);
  if (header.qdcount !== 1) throw new WireError("a query carries exactly one question");
  const { labels, next } = readName(msg, HEADER_SIZE);
  if (next + 4 > msg.length) throw new WireError("question runs past the message");
  const question: Question = { labels, type: msg.readUInt16BE(next), class: msg.readUInt16BE(next + 2) };
  let pos = next + 4;
  let ednsUdpSize: number | undefined;
  const records = header.ancount + header.nscount + header.arcount;
  for (let i = 0; i < records; i++) {
    const rr = readRecordHead(msg, pos);
    const isAdditional = i >= header.ancount + header.nscount;
    if (rr.type === RrType.OPT) {
      // RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root.
      if (!isAdditional || !rr.nameIsRoot || ednsUdpSize !== undefined) throw new WireError("misplaced OPT record");
      ednsUdpSize = rr.klass;
    }
    pos = rr.next;
  }
  return ednsUdpSize === undefined ? { header, question } : { header, question, ednsUdpSize };
}

/** A name as the resolver callback sees it: lower case, dot-joined, no trailing dot; undefined if a label is not plain text. */
export function nameToText(labels: Buffer[]): string | undefined {
  const parts: string[] = [];
  for (const l of labels) {
    // Printable ASCII without '.', so that joining with '.' stays unambiguous.
    for (const b of l) if (b <= 0x20 || b >= 0x7f || b === 0x2e) return undefined;
    parts.push(l.toString("latin1").toLowerCase());
  }
  return parts.join(".");
}

/** Encodes "a.b.c" or "a.b.c." uncompressed; throws WireError for empty or oversized labels. */
export function encodeName(name: string): Buffer {
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  if (bare === "") return Buffer.from([0]);
  const parts: Buffer[] = [];
  let octets = 1;
  for (const label of bare.split(".")) {
    // Printable ASCII only: what nameToText() accepts comes back out unchanged.
    if (label.length === 0 || label.length > MAX_LABEL_OCTETS || !/^[\x21-\x7e]+$/.test(label)) throw new WireError(`bad label in ${JSON.stringify(name)}`);
    const b = Buffer.from(label, "latin1");
    octets += b.length + 1;
    parts.push(Buffer.from([b.length]), b);
  }
  if (octets > MAX_NAME_OCTETS) throw new WireError("name longer than 255 octets");
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function encodeLabels(labels: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const l of labels) parts.push(Buffer.from([l.length]), l);
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function replyFlags(h: Header, rcode: number, isTruncated: boolean): number {
  // QR, the query's opcode, RD and CD copied (miekg/dns SetReply), RA set as Docker's resolver does.
  return 0x8000 | (h.opcode << 11) | (isTruncated ? 0x0200 : 0) | (h.isRecursionDesired ? 0x0100 : 0) | 0x0080 | (h.isCheckingDisabled ? 0x0010 : 0) | (rcode & 0xf);
}

/** A header-only reply (FORMERR, NOTIMP for messages whose question could not be read). */
export function encodeHeaderOnlyReply(h: Header, rcode: number): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  out.writeUInt16BE(h.id, 0);
  out.writeUInt16BE(replyFlags(h, rcode, false), 2);
  return out;
}

export interface AnswerRecord {
  type: RrType.A | RrType.AAAA | RrType.PTR;
  ttl: number;
  /** A: an IPv4 address; AAAA: an IPv6 address; PTR: a domain name. */
  data: string;
}

function encodeRdata(a: AnswerRecord): Buffer {
  if (a.type === RrType.A) {
    if (!net.isIPv4(a.data)) throw new WireError(`not an IPv4 address: ${a.data}`);
    return Buffer.from(a.data.split(".").map(Number));
  }
  if (a.type === RrType.AAAA) return ipv6ToBytes(a.data);
  return encodeName(a.data);
}

/**
 * A reply to `q` with its question echoed as sent and `answers` owned by the
 * question's name (a pointer to offset 12). Answers that would push the reply
 * past `maxSize` are dropped and the TC bit set (over UDP the client then
 * retries over TCP, RFC 2181 §9).
 */
export function encodeReply(q: Query, rcode: number, answers: AnswerRecord[], maxSize: number): Buffer {
  const qname = encodeLabels(q.question.labels);
  const head = Buffer.alloc(HEADER_SIZE);
  const qtail = Buffer.alloc(4);
  qtail.writeUInt16BE(q.question.type, 0);
  qtail.writeUInt16BE(q.question.class, 2);
  const parts: Buffer[] = [head, qname, qtail];
  let size = HEADER_SIZE + qname.length + 4;
  let count = 0;
  let isTruncated = false;
  for (const a of answers) {
    const rdata = encodeRdata(a);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc000 | HEADER_SIZE, 0);
    rr.writeUInt16BE(a.type, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(a.ttl >>> 0, 6);
    rr.writeUInt16BE(rdata.length, 10);
    if (size + rr.length + rdata.length > maxSize) {
      isTruncated = true;
      break;
    }
    parts.push(rr, rdata);
    size += rr.length + rdata.length;
    count++;
  }
  head.writeUInt16BE(q.header.id, 0);
  head.writeUInt16BE(replyFlags(q.header, rcode, isTruncated), 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(count, 6);
  return Buffer.concat(parts, size);
}

export function ipv6ToBytes(addr: string): Buffer {
  if (!net.isIPv6(addr)) throw new WireError(`not an IPv6 address: ${addr}`);
  let text = addr;
  const out = Buffer.alloc(16);
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = text.includes("::") ? (text.split("::") as [string, string]) : [text, undefined];
  const l = left ? left.split(":") : [];
  const r = right === undefined ? [] : right ? right.split(":") : [];
  const groups = right === undefined ? l : [...l, ...Array<string>(8 - l.length - r.length).fill("0"), ...r];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
