/**
 * Host ports for published container ports. Before DNAT rules send a host
 * port to a container, berth binds that port itself and keeps the socket
 * open while the container runs (as docker-proxy does): a port that another
 * program (or another berthd, or dockerd) holds is refused at start with a
 * clear error, and nobody else can take a port berth has published. Traffic
 * never reaches these sockets: DNAT in PREROUTING/OUTPUT redirects it first.
 * A host port of 0 asks the kernel for a free one (`-p 80`, `-P`).
 */
import dgram from "node:dgram";
import net from "node:net";

export interface PortRequest {
  proto: "tcp" | "udp";
  hostIp: string;
  /** First and last acceptable host port; 0/0 = any. */
  from: number;
  to: number;
}

export class PortInUseError extends Error {
  constructor(readonly proto: string, readonly hostIp: string, readonly port: number, detail: string) {
    super(`Bind for ${hostIp || "0.0.0.0"}:${port} failed: port is already allocated (${detail})`);
  }
}

type Holder = net.Server | dgram.Socket;

function bindTcp(ip: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer((c) => c.destroy());
    s.once("error", reject);
    s.listen({ host: ip || "0.0.0.0", port, exclusive: true }, () => {
      s.off("error", reject);
      s.unref();
      resolve(s);
    });
  });
}

function bindUdp(ip: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: "udp4" });
    s.once("error", reject);
    s.bind({ address: ip || "0.0.0.0", port, exclusive: true }, () => {
      s.off("error", reject);
      s.unref();
      resolve(s);
    });
  });
}

function portOf(h: Holder): number {
  const a = h.address();
  return typeof a === "object" && a ? a.port : 0;
}

export class PortReservations {
  private readonly held = new Map<string, Holder[]>();

  /** Binds every request for `owner`; all or nothing. Returns the host ports in request order. */
  async reserve(owner: string, reqs: PortRequest[]): Promise<number[]> {
    const got: Holder[] = [];
    try {
      for (const r of reqs) got.push(await this.bindOne(r));
    } catch (e) {
      for (const h of got) h.close();
      throw e;
    }
    this.held.set(owner, [...(this.held.get(owner) ?? []), ...got]);
    return got.map(portOf);
  }

  private async bindOne(r: PortRequest): Promise<Holder> {
    const bind = (p: number) => (r.proto === "udp" ? bindUdp(r.hostIp, p) : bindTcp(r.hostIp, p));
    if (r.from === 0) return bind(0);
    let last: unknown;
    for (let p = r.from; p <= r.to; p++) {
      try {
        return await bind(p);
      } catch (e) {
        last = e;
      }
    }
    const code = (last as NodeJS.ErrnoException | undefined)?.code ?? "";
    throw new PortInUseError(r.proto, r.hostIp, r.from, code === "EADDRINUSE" ? "address already in use" : String((last as Error)?.message ?? last));
  }

  release(owner: string): void {
    for (const h of this.held.get(owner) ?? []) h.close();
    this.held.delete(owner);
  }

  releaseAll(): void {
    for (const o of [...this.held.keys()]) this.release(o);
  }
}
