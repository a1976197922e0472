/**
 * Test helpers for the embedded DNS server: a query encoder, a reply decoder,
 * real UDP/TCP clients and a fake upstream resolver on a real socket. Used by
 * the unit tests here and by integration tests; not by berthd.
 */
import dgram from "node:dgram";
import net from "node:net";
import { FrameReader, frame } from "./tcp-frames.js";
import { canonicalIPv6 } from "./reverse-name.js";
import { HEADER_SIZE, encodeName, readHeader, readName, type Header } from "./wire.js";

export interface QuerySpec {
  id?: number;
  name: string;
  type?: number;
  class?: number;
  /** Adds an OPT record advertising this UDP payload size. */
  edns?: number;
}

export function encodeQuery(q: QuerySpec): Buffer {
  const head = Buffer.alloc(HEADER_SIZE);
  head.writeUInt16BE(q.id ?? Math.floor(Math.random() * 0x10000), 0);
  head.writeUInt16BE(0x0100, 2); // RD
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(q.edns ? 1 : 0, 10);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(q.type ?? 1, 0);
  tail.writeUInt16BE(q.class ?? 1, 2);
  const parts = [head, encodeName(q.name), tail];
  if (q.edns) {
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(41, 1);
    opt.writeUInt16BE(q.edns, 3);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

export interface DecodedRecord {
  name: string;
  type: number;
  ttl: number;
  data: string;
}

export interface DecodedReply {
  header: Header;
  questions: Array<{ name: string; type: number }>;
  answers: DecodedRecord[];
}

const text = (labels: Buffer[]) => labels.map((l) => l.toString("latin1")).join(".");

export function decodeReply(msg: Buffer): DecodedReply {
  const header = readHeader(msg);
  let pos = HEADER_SIZE;
  const questions: DecodedReply["questions"] = [];
  for (let i = 0; i < header.qdcount; i++) {
    const n = readName(msg, pos);
    questions.push({ name: text(n.labels), type: msg.readUInt16BE(n.next) });
    pos = n.next + 4;
  }
  const answers: DecodedRecord[] = [];
  for (let i = 0; i < header.ancount; i++) {
    const n = readName(msg, pos);
    const type = msg.readUInt16BE(n.next);
    const ttl = msg.readUInt32BE(n.next + 4);
    const len = msg.readUInt16BE(n.next + 8);
    const rdata = msg.subarray(n.next + 10, n.next + 10 + len);
    let data = rdata.toString("hex");
    if (type === 1) data = [...rdata].join(".");
    if (type === 28) data = canonicalIPv6(rdata.toString("hex").match(/.{4}/g)!.join(":"));
    if (type === 12) data = text(readName(msg, n.next + 10).labels);
    answers.push({ name: text(n.labels), type, ttl, data });
    pos = n.next + 10 + len;
  }
  return { header, questions, answers };
}

export interface Endpoint {
  address: string;
  port: number;
}

/** Sends one datagram and waits for the first datagram back. */
export function udpExchange(to: Endpoint, msg: Buffer, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(to.address) ? "udp6" : "udp4");
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error("no UDP reply"));
    }, timeoutMs);
    sock.on("message", (m) => {
      clearTimeout(timer);
      sock.close();
      resolve(m);
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      sock.close();
      reject(e);
    });
    sock.send(msg, to.port, to.address);
  });
}

/** Sends raw bytes over one TCP connection and collects `expect` framed replies. */
export function tcpExchange(to: Endpoint, bytes: Buffer | Buffer[], expect: number, timeoutMs = 3000): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const replies: Buffer[] = [];
    const reader = new FrameReader();
    const sock = net.connect(to.port, to.address);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`got ${replies.length} of ${expect} TCP replies`));
    }, timeoutMs);
    sock.on("connect", () => {
      for (const b of Array.isArray(bytes) ? bytes : [bytes]) sock.write(b);
    });
    sock.on("data", (c) => {
      replies.push(...reader.push(c));
      if (replies.length >= expect) {
        clearTimeout(timer);
        sock.destroy();
        resolve(replies);
      }
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      if (replies.length >= expect) resolve(replies);
      else reject(new Error(`connection closed after ${replies.length} of ${expect} TCP replies`));
    });
  });
}

export const tcpQuery = async (to: Endpoint, msg: Buffer): Promise<Buffer> => (await tcpExchange(to, frame(msg), 1))[0]!;

/** What a fake upstream does with a query: a reply, or undefined to stay silent. */
export type UpstreamBehaviour = (query: Buffer, transport: "udp" | "tcp") => Buffer | undefined;

/** A fake upstream resolver on real UDP and TCP sockets, on one port. */
export class FakeUpstream {
  readonly seen: Array<{ transport: "udp" | "tcp"; query: Buffer }> = [];
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    readonly address: string,
    private behaviour: UpstreamBehaviour,
  ) {}

  /** Port 0 picks a free one; 53 for a server a container's --dns can name. */
  async start(port = 0): Promise<this> {
    this.udp = dgram.createSocket("udp4");
    await new Promise<void>((r, j) => {
      this.udp!.once("error", j);
      this.udp!.bind(port, this.address, () => r());
    });
    this.port = this.udp.address().port;
    this.udp.on("message", (m, rinfo) => {
      this.seen.push({ transport: "udp", query: m });
      const reply = this.behaviour(m, "udp");
      if (reply) this.udp!.send(reply, rinfo.port, rinfo.address);
    });
    this.tcp = net.createServer((s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => {});
      const reader = new FrameReader();
      s.on("data", (c) => {
        for (const m of reader.push(c)) {
          this.seen.push({ transport: "tcp", query: m });
          const reply = this.behaviour(m, "tcp");
          if (reply) s.write(frame(reply));
        }
      });
    });
    await new Promise<void>((r) => this.tcp!.listen(this.port, this.address, () => r()));
    return this;
  }

  get endpoint(): Endpoint {
    return { address: this.address, port: this.port };
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())), new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r()))]);
  }
}

/**
 * A reply to `query` as an upstream would build it: the question copied, then
 * `answers` A records for the question's name (each 16 octets), rcode and TC
 * as given.
 */
export function upstreamReply(query: Buffer, o: { rcode?: number; answers?: string[]; isTruncated?: boolean; authoritative?: boolean } = {}): Buffer {
  const h = readHeader(query);
  const q = readName(query, HEADER_SIZE);
  const question = query.subarray(HEADER_SIZE, q.next + 4);
  const head = Buffer.alloc(HEADER_SIZE);
  head.writeUInt16BE(h.id, 0);
  head.writeUInt16BE(0x8000 | 0x0100 | 0x0080 | (o.isTruncated ? 0x0200 : 0) | (o.authoritative ? 0x0400 : 0) | (o.rcode ?? 0), 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(o.answers?.length ?? 0, 6);
  const rrs = (o.answers ?? []).map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(1, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(30, 6);
    rr.writeUInt16BE(4, 10);
    Buffer.from(ip.split(".").map(Number)).copy(rr, 12);
    return rr;
  });
  return Buffer.concat([head, question, ...rrs]);
}
