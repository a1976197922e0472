/**
 * berth's embedded DNS server: what Docker runs at 127.0.0.11 inside each
 * container on a user-defined network, run here once on the host and bound to
 * each network's gateway address (the caller gives an address that exists on
 * the host, e.g. the bridge's gateway, and writes it into the containers'
 * resolv.conf).
 *
 * Lifecycle: construct with a resolver callback and an upstream list; listen()
 * on each address (UDP and TCP on the same port); close(address) when a
 * network goes; closeAll() on shutdown, which also abandons queries still
 * waiting on upstreams.
 *
 * Bounds, so that a hostile or broken client costs a fixed amount of memory:
 * at most `maxInFlight` queries are being answered at once (beyond it a query
 * gets SERVFAIL at once, without forwarding); TCP connections are capped, each
 * handles a bounded number of pipelined queries, holds at most one partial
 * message, is dropped when idle or when it does not read its replies, and is
 * closed on a message too short to be DNS.
 */
import dgram from "node:dgram";
import net from "node:net";
import { AlreadyExistsError } from "../../errors/index.js";
import { QueryHandler, type DnsResolver } from "./query-handler.js";
import { FrameReader, frame } from "./tcp-frames.js";
import type { UpstreamServer } from "./upstream.js";
import { HEADER_SIZE, Rcode, encodeHeaderOnlyReply, readHeader } from "./wire.js";

export interface EmbeddedDnsOptions {
  resolve: DnsResolver;
  /**
   * The upstream resolvers for a query from clientAddress, asked per query:
   * upstreamResolvers(hostResolvConf, container's --dns) from resolv-conf.ts.
   */
  upstreams: (clientAddress: string) => Array<string | UpstreamServer>;
  searchDomains?: (clientAddress: string) => string[];
  /** Seconds; Docker's respTTL. */
  ttl?: number;
  /** Per upstream server and attempt; Docker's extIOTimeout is 4 s. */
  forwardTimeoutMs?: number;
  /** Queries being answered at once, all listeners together; Docker's maxConcurrent is 1024. */
  maxInFlight?: number;
  maxTcpConnections?: number;
  /** Pipelined queries one TCP connection may have outstanding before it is paused. */
  maxTcpPipeline?: number;
  tcpIdleTimeoutMs?: number;
  log?: (m: string) => void;
}

interface Listener {
  port: number;
  udp: dgram.Socket;
  tcp: net.Server;
  connections: Set<net.Socket>;
}

const MAX_UNREAD_REPLIES = 256 * 1024;

export class EmbeddedDns {
  private readonly listeners = new Map<string, Listener>();
  private readonly o: Required<Omit<EmbeddedDnsOptions, "searchDomains" | "log">> & Pick<EmbeddedDnsOptions, "searchDomains" | "log">;
  private abort = new AbortController();
  private handler: QueryHandler;
  private inFlightCount = 0;

  constructor(o: EmbeddedDnsOptions) {
    this.o = { ttl: 600, forwardTimeoutMs: 4000, maxInFlight: 1024, maxTcpConnections: 256, maxTcpPipeline: 16, tcpIdleTimeoutMs: 10_000, ...o };
    this.handler = this.makeHandler();
  }

  /** Queries being answered right now (for tests and metrics). */
  get inFlight(): number {
    return this.inFlightCount;
  }

  get addresses(): string[] {
    return [...this.listeners.keys()];
  }

  /**
   * Serves UDP and TCP on address:port. Port 0 picks a free port, the same for
   * both; the port in use is returned. Throws AlreadyExistsError when this
   * server listens on that address already, and the bind error (EADDRINUSE,
   * EADDRNOTAVAIL…) when the address cannot be bound.
   */
  async listen(address: string, port = 53): Promise<number> {
    if (this.listeners.has(address)) throw new AlreadyExistsError(`embedded DNS already listens on ${address}`);
    const attempts = port === 0 ? 5 : 1;
    for (let i = 1; ; i++) {
      const udp = await this.bindUdp(address, port);
      const bound = udp.address().port;
      try {
        const connections = new Set<net.Socket>();
        const tcp = await this.bindTcp(address, bound, connections);
        if (this.listeners.has(address)) {
          // A concurrent listen() on the same address won the race.
          udp.close();
          tcp.close();
          throw new AlreadyExistsError(`embedded DNS already listens on ${address}`);
        }
        this.listeners.set(address, { port: bound, udp, tcp, connections });
        return bound;
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) udp.close();
        if (i >= attempts || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      }
    }
  }

  async close(address: string): Promise<void> {
    const l = this.listeners.get(address);
    if (!l) return;
    this.listeners.delete(address);
    for (const c of l.connections) c.destroy();
    await Promise.all([new Promise<void>((r) => l.udp.close(() => r())), new Promise<void>((r) => l.tcp.close(() => r()))]);
  }

  async closeAll(): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.listeners.keys()].map((a) => this.close(a)));
    this.abort = new AbortController();
    this.handler = this.makeHandler();
  }

  private makeHandler(): QueryHandler {
    return new QueryHandler({
      resolve: this.o.resolve,
      upstreams: this.o.upstreams,
      ttl: this.o.ttl,
      forwardTimeoutMs: this.o.forwardTimeoutMs,
      signal: this.abort.signal,
      ...(this.o.searchDomains ? { searchDomains: this.o.searchDomains } : {}),
      ...(this.o.log ? { log: this.o.log } : {}),
    });
  }

  /** Answers one message within the in-flight cap; resolves to the reply or undefined. */
  private async answer(msg: Buffer, transport: "udp" | "tcp", clientAddress: string, serverAddress: string): Promise<Buffer | undefined> {
    if (this.inFlightCount >= this.o.maxInFlight) {
      if (msg.length < HEADER_SIZE) return undefined;
      const h = readHeader(msg);
      return h.isResponse ? undefined : encodeHeaderOnlyReply(h, Rcode.ServFail);
    }
    this.inFlightCount++;
    try {
      return await this.handler.handle(msg, { transport, clientAddress, serverAddress });
    } catch (err) {
      this.o.log?.(`dns: query from ${clientAddress} failed: ${(err as Error).stack ?? err}`);
      return undefined;
    } finally {
      this.inFlightCount--;
    }
  }

  private bindUdp(address: string, port: number): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const udp = dgram.createSocket({ type: net.isIPv6(address) ? "udp6" : "udp4" });
      udp.once("error", reject);
      udp.bind({ address, port, exclusive: true }, () => {
        udp.off("error", reject);
        udp.on("error", (err) => this.o.log?.(`dns: UDP socket on ${address}: ${err.message}`));
        udp.on("message", (msg, rinfo) => {
          void this.answer(msg, "udp", rinfo.address, address).then((reply) => {
            if (!reply) return;
            try {
              udp.send(reply, rinfo.port, rinfo.address);
            } catch {
              /* the listener closed while the query was being answered */
            }
          });
        });
        resolve(udp);
      });
    });
  }

  private bindTcp(address: string, port: number, connections: Set<net.Socket>): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const tcp = net.createServer({ allowHalfOpen: true }, (sock) => this.serveTcp(sock, address, connections));
      tcp.maxConnections = this.o.maxTcpConnections;
      tcp.once("error", reject);
      tcp.listen({ host: address, port, exclusive: true }, () => {
        tcp.off("error", reject);
        tcp.on("error", (err) => this.o.log?.(`dns: TCP listener on ${address}: ${err.message}`));
        resolve(tcp);
      });
    });
  }

  private serveTcp(sock: net.Socket, address: string, connections: Set<net.Socket>): void {
    connections.add(sock);
    const reader = new FrameReader();
    const client = sock.remoteAddress ?? "";
    let pending = 0;
    // A client may half-close after its last query (allowHalfOpen): answer, then close.
    let hasEnded = false;
    // Idle means nothing to read and nothing being answered: a forward may
    // legitimately take up to three upstream timeouts.
    sock.setTimeout(this.o.tcpIdleTimeoutMs, () => {
      if (pending === 0) sock.destroy();
    });
    sock.on("error", () => sock.destroy());
    sock.on("close", () => connections.delete(sock));
    sock.on("end", () => {
      hasEnded = true;
      if (pending === 0) sock.end();
    });
    sock.on("data", (chunk) => {
      for (const msg of reader.push(chunk)) {
        // RFC 7766 §8: a client may pipeline; replies may come back out of order.
        if (msg.length < HEADER_SIZE) return void sock.destroy();
        pending++;
        if (pending >= this.o.maxTcpPipeline) sock.pause();
        void this.answer(msg, "tcp", client, address).then((reply) => {
          pending--;
          if (sock.destroyed) return;
          if (reply) sock.write(frame(reply));
          // A client that sends but never reads would make us buffer replies forever.
          if (sock.writableLength > MAX_UNREAD_REPLIES) return void sock.destroy();
          if (hasEnded && pending === 0) sock.end();
          else if (pending < this.o.maxTcpPipeline && sock.isPaused()) sock.resume();
        });
      }
    });
  }
}
