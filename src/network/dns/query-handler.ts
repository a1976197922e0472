/**
 * What the embedded DNS server answers, independent of sockets: one query in,
 * at most one reply out. Mirrors Docker's embedded resolver
 * (libnetwork/resolver.go ServeDNS) on top of miekg/dns's default message
 * acceptance:
 *
 * - shorter than a header, or a response: dropped, no reply;
 * - opcode other than QUERY: NOTIMP; not exactly one question, more than one
 *   answer or authority record, more than two additional records, or a body
 *   that does not parse: FORMERR (header-only replies, as miekg sends them);
 * - A/AAAA: the resolver's addresses (shuffled, TTL 600), an empty NOERROR when
 *   it knows the name without addresses of that family; MX: an empty NOERROR
 *   for a known name ("implicit MX", RFC 5321 §5.1); PTR for a complete
 *   reverse name: the resolver's name for that address;
 * - everything else, and every name the resolver does not know, goes
 *   upstream. Docker forwards unknown names even in its own network domain,
 *   and so does this; when every upstream fails the reply is SERVFAIL.
 */
import net from "node:net";
import { reverseNameToAddress } from "./reverse-name.js";
import { forwardQuery, type UpstreamServer } from "./upstream.js";
import { CLASS_IN, HEADER_SIZE, Rcode, RrType, WireError, encodeHeaderOnlyReply, encodeReply, nameToText, parseQuery, readHeader, type AnswerRecord, type Query } from "./wire.js";

export type DnsQueryType = "A" | "AAAA" | "PTR";

/**
 * A: addresses (IPv4 only are used); AAAA: addresses (IPv6 only are used);
 * an empty list means "this name is ours but has no address of that family".
 * PTR: ptr, the name to return for the address.
 */
export interface DnsAnswer {
  addresses?: string[];
  ptr?: string;
}

/**
 * name: lower case, no trailing dot (for PTR: the address, "172.18.0.2" or
 * canonical IPv6); clientAddress: the querying container's source address;
 * serverAddress: the listen() address the query came to (which network's
 * gateway). undefined: not ours, forward it.
 */
export type DnsResolver = (name: string, type: DnsQueryType, clientAddress: string, serverAddress: string) => DnsAnswer | undefined | Promise<DnsAnswer | undefined>;

export interface QueryContext {
  transport: "udp" | "tcp";
  clientAddress: string;
  serverAddress: string;
}

export interface QueryHandlerOptions {
  resolve: DnsResolver;
  /** Asked per query; the client address lets a container's --dns servers be its upstreams, as in Docker. */
  upstreams: (clientAddress: string) => Array<string | UpstreamServer>;
  /**
   * Optional: search domains of the querying container. When a name is not
   * known as asked and ends in one of these, it is tried once more without
   * that suffix before going upstream. Docker does not do this (it relies on
   * the client's search order); leave it unset for Docker's behaviour.
   */
  searchDomains?: (clientAddress: string) => string[];
  ttl: number;
  forwardTimeoutMs: number;
  signal?: AbortSignal;
  log?: (m: string) => void;
}

/** RFC 1035 §4.2.1: UDP replies fit 512 octets unless EDNS says more (RFC 6891 §6.2.5). */
export const MIN_UDP_SIZE = 512;
const MAX_MESSAGE = 0xffff;

export class QueryHandler {
  constructor(private readonly o: QueryHandlerOptions) {}

  /** The reply to send, or undefined to send nothing. Never throws. */
  async handle(msg: Buffer, ctx: QueryContext): Promise<Buffer | undefined> {
    if (msg.length < HEADER_SIZE) return undefined;
    const header = readHeader(msg);
    if (header.isResponse) return undefined;
    if (header.opcode !== 0) return encodeHeaderOnlyReply(header, Rcode.NotImp);
    if (header.qdcount !== 1 || header.ancount > 1 || header.nscount > 1 || header.arcount > 2) return encodeHeaderOnlyReply(header, Rcode.FormErr);
    let q: Query;
    try {
      q = parseQuery(msg);
    } catch (err) {
      if (err instanceof WireError) return encodeHeaderOnlyReply(header, Rcode.FormErr);
      throw err;
    }
    const maxSize = ctx.transport === "tcp" ? MAX_MESSAGE : Math.max(MIN_UDP_SIZE, q.ednsUdpSize ?? 0);
    try {
      const local = await this.answerLocally(q, ctx, maxSize);
      if (local) return local;
    } catch (err) {
      this.o.log?.(`dns: resolving ${nameToText(q.question.labels) ?? "?"} failed: ${(err as Error).message}`);
      return encodeReply(q, Rcode.ServFail, [], maxSize);
    }
    let servers: UpstreamServer[];
    try {
      servers = this.o.upstreams(ctx.clientAddress).map((s) => (typeof s === "string" ? { address: s } : s));
    } catch (err) {
      this.o.log?.(`dns: listing upstream resolvers failed: ${(err as Error).message}`);
      return encodeReply(q, Rcode.ServFail, [], maxSize);
    }
    const reply = await forwardQuery(msg, {
      servers,
      transport: ctx.transport,
      timeoutMs: this.o.forwardTimeoutMs,
      maxReplySize: maxSize,
      ...(this.o.signal ? { signal: this.o.signal } : {}),
      ...(this.o.log ? { log: this.o.log } : {}),
    });
    if (!reply) return encodeReply(q, Rcode.ServFail, [], maxSize);
    if (reply.length > maxSize) {
      // An upstream that ignored the client's size: tell the client to use TCP.
      const tc = encodeReply(q, readHeader(reply).rcode, [], maxSize);
      tc[2]! |= 0x02;
      return tc;
    }
    return reply;
  }

  private async answerLocally(q: Query, ctx: QueryContext, maxSize: number): Promise<Buffer | undefined> {
    if (q.question.class !== CLASS_IN) return undefined;
    const name = nameToText(q.question.labels);
    if (!name) return undefined;
    switch (q.question.type) {
      case RrType.A:
      case RrType.AAAA: {
        const isV4 = q.question.type === RrType.A;
        const ans = await this.lookup(name, isV4 ? "A" : "AAAA", ctx);
        if (!ans?.addresses) return undefined;
        const addrs = shuffle(ans.addresses.filter((a) => (isV4 ? net.isIPv4(a) : net.isIPv6(a))));
        const records: AnswerRecord[] = addrs.map((data) => ({ type: isV4 ? RrType.A : RrType.AAAA, ttl: this.o.ttl, data }));
        return encodeReply(q, Rcode.NoError, records, maxSize);
      }
      case RrType.MX: {
        const v4 = await this.lookup(name, "A", ctx);
        const v6 = v4?.addresses?.length ? v4 : await this.lookup(name, "AAAA", ctx);
        return v4?.addresses?.length || v6?.addresses?.length ? encodeReply(q, Rcode.NoError, [], maxSize) : undefined;
      }
      case RrType.PTR: {
        const addr = reverseNameToAddress(name);
        if (!addr) return undefined;
        const ans = await this.o.resolve(addr, "PTR", ctx.clientAddress, ctx.serverAddress);
        if (!ans?.ptr) return undefined;
        try {
          return encodeReply(q, Rcode.NoError, [{ type: RrType.PTR, ttl: this.o.ttl, data: ans.ptr }], maxSize);
        } catch (err) {
          if (!(err instanceof WireError)) throw err;
          this.o.log?.(`dns: resolver gave an unencodable PTR name for ${addr}: ${err.message}`);
          return undefined;
        }
      }
      default:
        return undefined;
    }
  }

  private async lookup(name: string, type: "A" | "AAAA", ctx: QueryContext): Promise<DnsAnswer | undefined> {
    const ans = await this.o.resolve(name, type, ctx.clientAddress, ctx.serverAddress);
    if (ans?.addresses || !this.o.searchDomains) return ans;
    for (const domain of this.o.searchDomains(ctx.clientAddress)) {
      const suffix = "." + domain.toLowerCase().replace(/\.$/, "");
      if (name.length > suffix.length && name.endsWith(suffix)) {
        const again = await this.o.resolve(name.slice(0, -suffix.length), type, ctx.clientAddress, ctx.serverAddress);
        if (again?.addresses) return again;
      }
    }
    return ans;
  }
}

/** Docker shuffles (shuffleAddr) so that several containers behind one alias share the load. */
function shuffle<T>(xs: T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
