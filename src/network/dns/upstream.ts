/**
 * Forwarding to upstream resolvers, as Docker's embedded resolver does
 * (libnetwork/resolver.go): the client's query bytes go out unchanged, over
 * the transport the client used, to at most three servers in order, each with
 * its own timeout; SERVFAIL, REFUSED, timeouts and errors move on to the next
 * server. A truncated UDP answer is retried over TCP with the same server.
 *
 * Each exchange uses its own socket (a fresh random source port) and accepts
 * only a reply carrying the query's ID with the QR bit set, so an off-path
 * sender must guess both to inject an answer.
 */
import dgram from "node:dgram";
import net from "node:net";
import { FrameReader, frame } from "./tcp-frames.js";
import { HEADER_SIZE, Rcode, readHeader } from "./wire.js";

export interface UpstreamServer {
  address: string;
  /** 53 unless given (tests run fake upstreams on high ports). */
  port?: number;
}

/** Docker's maxExtDNS. */
export const MAX_UPSTREAMS = 3;

export class ExchangeError extends Error {}

function isReplyTo(query: Buffer, reply: Buffer): boolean {
  return reply.length >= HEADER_SIZE && reply.readUInt16BE(0) === query.readUInt16BE(0) && (reply[2]! & 0x80) !== 0;
}

function withDeadline<T>(timeoutMs: number, signal: AbortSignal | undefined, run: (settle: (err: Error | null, v?: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cleanup = (): void => {};
    const settle = (err: Error | null, v?: T): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      cleanup();
      if (err) reject(err);
      else resolve(v as T);
    };
    const onAbort = (): void => settle(new ExchangeError("aborted"));
    const timer = setTimeout(() => settle(new ExchangeError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    if (signal?.aborted) return settle(new ExchangeError("aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    cleanup = run(settle);
    if (done) cleanup();
  });
}

export function exchangeUdp(server: UpstreamServer, query: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
  return withDeadline<Buffer>(timeoutMs, signal, (settle) => {
    const sock = dgram.createSocket(net.isIPv6(server.address) ? "udp6" : "udp4");
    sock.on("error", (err) => settle(err));
    sock.on("message", (reply) => {
      if (isReplyTo(query, reply)) settle(null, reply);
    });
    sock.connect(server.port ?? 53, server.address, () => {
      sock.send(query, (err) => {
        if (err) settle(err);
      });
    });
    return () => {
      try {
        sock.close();
      } catch {
        /* already closed */
      }
    };
  });
}

export function exchangeTcp(server: UpstreamServer, query: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
  return withDeadline<Buffer>(timeoutMs, signal, (settle) => {
    const reader = new FrameReader();
    const sock = net.connect({ host: server.address, port: server.port ?? 53 });
    sock.on("error", (err) => settle(err));
    sock.on("connect", () => sock.write(frame(query)));
    sock.on("data", (chunk) => {
      for (const reply of reader.push(chunk)) if (isReplyTo(query, reply)) return settle(null, reply);
    });
    sock.on("end", () => settle(new ExchangeError("upstream closed the connection without an answer")));
    return () => sock.destroy();
  });
}

export interface ForwardOptions {
  servers: UpstreamServer[];
  transport: "udp" | "tcp";
  timeoutMs: number;
  /** The largest reply the client accepts (UDP: 512 or its EDNS size). */
  maxReplySize: number;
  signal?: AbortSignal;
  log?: (m: string) => void;
}

/** The first usable upstream answer, or undefined when every server failed. */
export async function forwardQuery(query: Buffer, o: ForwardOptions): Promise<Buffer | undefined> {
  for (const server of o.servers.slice(0, MAX_UPSTREAMS)) {
    if (o.signal?.aborted) return undefined;
    let reply: Buffer;
    try {
      reply = o.transport === "udp" ? await exchangeUdp(server, query, o.timeoutMs, o.signal) : await exchangeTcp(server, query, o.timeoutMs, o.signal);
    } catch (err) {
      o.log?.(`dns: forwarding to ${server.address}:${server.port ?? 53}/${o.transport} failed: ${(err as Error).message}`);
      continue;
    }
    const h = readHeader(reply);
    if (o.transport === "udp" && h.isTruncated) {
      // The full answer may still fit what the client accepts (an upstream
      // with a smaller buffer); if not, the truncated one makes the client
      // come back over TCP.
      try {
        const full = await exchangeTcp(server, query, o.timeoutMs, o.signal);
        if (full.length <= o.maxReplySize) reply = full;
      } catch (err) {
        o.log?.(`dns: TCP retry to ${server.address}:${server.port ?? 53} failed: ${(err as Error).message}`);
      }
    }
    const rcode = readHeader(reply).rcode;
    if (rcode === Rcode.ServFail || rcode === Rcode.Refused) continue;
    return reply;
  }
  return undefined;
}
