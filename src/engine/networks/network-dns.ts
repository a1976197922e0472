/**
 * Name resolution on user-defined networks: one embedded DNS server
 * (network/dns) listening on every user network's gateway address, answering
 * from a NetworkNameTable (Docker 20.10's rules: a container resolves names,
 * short IDs and aliases only on its own networks, "name.network" narrows to
 * one network, PTR gives "name.network"). The table is rebuilt from the
 * running sandboxes whenever endpoints change (start, stop, connect,
 * disconnect), networks are created or removed, or a container is renamed.
 *
 * Names it does not know are forwarded to the asking container's --dns
 * servers when it has some, else to the host's resolvers (as Docker's
 * per-sandbox resolver does). A container whose networks are all --internal
 * has no way out: nothing is forwarded for it, unknown A/AAAA names get an
 * empty answer. The default bridge gets no server, as in Docker.
 */
import { readFileSync } from "node:fs";
import { EmbeddedDns, NetworkNameTable, type DnsAnswer, type DnsQueryType } from "../../network/dns/index.js";
import { upstreamResolvers } from "../../network/resolv-conf.js";
import type { ContainerNetworks } from "./container-networks.js";
import type { NetworkService } from "./network-service.js";
import type { NetworkRecord } from "./types.js";

/** What the DNS server needs to know about a container. */
export interface DnsContainerInfo {
  /** Without Docker's leading "/". */
  name: string;
  /** HostConfig.Dns: this container's upstream resolvers. */
  dns: string[];
}

interface ClientInfo {
  containerId: string;
  /** Every network of the container is --internal. */
  internalOnly: boolean;
}

export class NetworkDns {
  private readonly dns: EmbeddedDns;
  private hostResolvConf = "";
  private table = new NetworkNameTable();
  /** Container address on a user network → who it is. */
  private clients = new Map<string, ClientInfo>();
  /** The names the table was built with, by container ID. */
  private names = new Map<string, string>();
  private stale = true;

  constructor(
    private readonly nets: NetworkService,
    private readonly sandboxes: ContainerNetworks,
    private readonly containerInfo: (id: string) => DnsContainerInfo | undefined,
    private readonly log: (m: string) => void = () => {},
  ) {
    this.dns = new EmbeddedDns({ resolve: (n, t, c) => this.resolve(n, t, c), upstreams: (c) => this.upstreams(c), log });
    sandboxes.onEndpointsChanged = () => this.invalidate();
  }

  private userNetworks(): NetworkRecord[] {
    return this.nets.list().filter((n) => n.driver === "bridge" && !n.predefined && n.ipam);
  }

  /** Endpoints or networks changed: the table is rebuilt before the next query. */
  invalidate(): void {
    this.stale = true;
  }

  /** Listens on every user network's gateway, stops listening on removed ones. */
  async sync(): Promise<void> {
    try {
      this.hostResolvConf = readFileSync("/etc/resolv.conf", "utf8");
    } catch {
      this.hostResolvConf = ""; // no resolv.conf: public defaults
    }
    this.invalidate();
    const want = new Set(this.userNetworks().map((n) => n.ipam!.gateway));
    for (const a of this.dns.addresses) if (!want.has(a)) await this.dns.close(a);
    for (const a of want) {
      if (this.dns.addresses.includes(a)) continue;
      await this.dns.listen(a, 53).catch((e) => this.log(`embedded DNS on ${a}:53: ${e}`));
    }
  }

  /**
   * Rebuilds the table from the running sandboxes. A full rebuild costs one
   * pass over the endpoints and cannot drift from them, unlike applying each
   * change; it runs at most once per burst of changes (on the next query).
   */
  private refresh(): void {
    // a rename changes no endpoint: checking the names is a map lookup per running container
    if (!this.stale && [...this.names].every(([id, name]) => (this.containerInfo(id)?.name ?? id.slice(0, 12)) === name)) return;
    this.stale = false;
    const names = new Map<string, string>();
    const table = new NetworkNameTable();
    const clients = new Map<string, ClientInfo>();
    const user = new Map(this.userNetworks().map((n) => [n.id, n]));
    for (const n of user.values()) table.setNetwork({ id: n.id, name: n.name });
    for (const s of this.sandboxes.allSandboxes()) {
      const mine = s.endpoints.filter((e) => user.has(e.networkId));
      if (!mine.length) continue;
      const name = this.containerInfo(s.containerId)?.name ?? s.containerId.slice(0, 12);
      names.set(s.containerId, name);
      const internalOnly = s.endpoints.every((e) => this.nets.byId(e.networkId)?.internal);
      for (const e of mine) {
        table.setEndpoint(e.networkId, { containerId: s.containerId, containerName: name, aliases: e.aliases, ipv4: e.ip });
        clients.set(e.ip, { containerId: s.containerId, internalOnly });
      }
    }
    this.table = table;
    this.clients = clients;
    this.names = names;
  }

  private client(address: string): ClientInfo | undefined {
    this.refresh();
    return this.clients.get(address.replace(/^::ffff:/, ""));
  }

  /** The server's resolver callback (public for the unit tests). */
  resolve(name: string, type: DnsQueryType, clientAddress: string): DnsAnswer | undefined {
    const c = this.client(clientAddress);
    if (!c) return undefined;
    const local = this.table.resolve(name, type, clientAddress.replace(/^::ffff:/, ""));
    if (local) return local;
    // no way out: its containers learn nothing from outside resolvers either
    if (c.internalOnly && type !== "PTR") return { addresses: [] };
    return undefined;
  }

  /** The asking container's --dns servers, else the host's; none for a container with no way out. */
  upstreams(clientAddress: string): string[] {
    const c = this.client(clientAddress);
    if (c?.internalOnly) return [];
    const dns = c ? this.containerInfo(c.containerId)?.dns ?? [] : [];
    try {
      return upstreamResolvers(this.hostResolvConf, dns);
    } catch (e) {
      // a --dns value the resolv.conf writer would also refuse: fall back to the host's
      this.log(`dns: upstreams of ${c?.containerId}: ${e}`);
      return upstreamResolvers(this.hostResolvConf);
    }
  }

  async close(): Promise<void> {
    await this.dns.closeAll();
  }
}
