/**
 * Name resolution on user-defined networks: one embedded DNS server
 * (network/dns) listening on every user network's gateway address. A query
 * is answered from the network the asking container is on (found from its
 * source address): container names, network aliases and short IDs of the
 * running containers on that network (A), and their addresses back to
 * "name.network" (PTR). Everything else is forwarded to the host's
 * resolvers. The default bridge gets no server, as in Docker.
 */
import { readFileSync } from "node:fs";
import { EmbeddedDns, type DnsAnswer, type DnsQueryType } from "../../network/dns/index.js";
import { contains, parseCidr, parseIp } from "../../network/ipv4.js";
import { upstreamResolvers } from "../../network/resolv-conf.js";
import type { ContainerNetworks } from "./container-networks.js";
import type { NetworkService } from "./network-service.js";
import type { NetworkRecord } from "./types.js";

export class NetworkDns {
  private readonly dns: EmbeddedDns;
  private upstreams: string[] = [];

  constructor(
    private readonly nets: NetworkService,
    private readonly sandboxes: ContainerNetworks,
    private readonly nameOf: (id: string) => string | undefined,
    private readonly log: (m: string) => void = () => {},
  ) {
    this.dns = new EmbeddedDns({ resolve: (n, t, c) => this.resolve(n, t, c), upstreams: () => this.upstreams, log });
  }

  private userNetworks(): NetworkRecord[] {
    return this.nets.list().filter((n) => n.driver === "bridge" && !n.predefined && n.ipam);
  }

  /** Listens on every user network's gateway, stops listening on removed ones. */
  async sync(): Promise<void> {
    let host = "";
    try {
      host = readFileSync("/etc/resolv.conf", "utf8");
    } catch {
      /* no resolv.conf: public defaults */
    }
    this.upstreams = upstreamResolvers(host);
    const want = new Set(this.userNetworks().map((n) => n.ipam!.gateway));
    for (const a of this.dns.addresses) if (!want.has(a)) await this.dns.close(a);
    for (const a of want) {
      if (this.dns.addresses.includes(a)) continue;
      await this.dns.listen(a, 53).catch((e) => this.log(`embedded DNS on ${a}:53: ${e}`));
    }
  }

  private resolve(name: string, type: DnsQueryType, client: string): DnsAnswer | undefined {
    let clientIp: number;
    try {
      clientIp = parseIp(client.replace(/^::ffff:/, ""));
    } catch {
      return undefined;
    }
    const net = this.userNetworks().find((n) => contains(parseCidr(n.ipam!.subnet), clientIp));
    if (!net) return undefined;
    const q = name.toLowerCase().replace(new RegExp(`\\.${escapeRe(net.name.toLowerCase())}$`), "");
    for (const s of this.sandboxes.allSandboxes()) {
      const e = s.endpoints.find((x) => x.networkId === net.id);
      if (!e) continue;
      const cname = this.nameOf(s.containerId) ?? "";
      if (type === "PTR") {
        if (e.ip === name) return { ptr: `${cname}.${net.name}` };
        continue;
      }
      const names = [cname.toLowerCase(), s.containerId.slice(0, 12), s.containerId, ...e.aliases.map((a) => a.toLowerCase())];
      if (names.includes(q)) return { addresses: type === "A" ? [e.ip] : [] };
    }
    // an internal network has no way out: its containers learn nothing from outside resolvers either
    if (net.internal) return type === "PTR" ? undefined : { addresses: [] };
    return undefined;
  }

  async close(): Promise<void> {
    await this.dns.closeAll();
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
