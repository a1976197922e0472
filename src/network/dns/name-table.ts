/**
 * Who is called what on the user-defined networks: the records behind the
 * embedded DNS server, with Docker's rules (libnetwork sandbox.ResolveName,
 * ResolveIP and the network's svcRecords, Docker 20.10):
 *
 * - On each network a container answers to its name, its 12-character short
 *   ID (the daemon adds it as an alias on user-defined networks) and its
 *   --network-alias names. An alias several containers share resolves to all
 *   their addresses.
 * - A container only resolves names on the networks it is connected to (the
 *   querying container is found by its source address). Containers on other
 *   networks, and the default bridge, do not exist for it.
 * - "name.network" resolves "name" on that network only; for a.b.c the
 *   splits a.b.c (any network), a.b in network c, a in network b.c are tried
 *   in that order. The connected networks are tried in name order.
 * - AAAA for a known name on a network without IPv6 addresses: an empty
 *   answer (Docker's ipv6Miss), so the query is not forwarded.
 * - PTR for an address of a connected network: "<container name>.<network name>".
 *
 * Names are compared in lower case (DNS is case-insensitive, RFC 4343).
 */
import type { DnsAnswer, DnsQueryType, DnsResolver } from "./query-handler.js";

export interface DnsNetwork {
  id: string;
  name: string;
}

export interface DnsEndpoint {
  containerId: string;
  /** Container name, without Docker's leading "/". */
  containerName: string;
  /** --network-alias values on this network. */
  aliases?: string[];
  ipv4?: string;
  ipv6?: string;
}

interface NetworkRecords {
  network: DnsNetwork;
  /** By container ID. */
  endpoints: Map<string, DnsEndpoint>;
}

export const SHORT_ID_LENGTH = 12;

export class NetworkNameTable {
  private readonly networks = new Map<string, NetworkRecords>();

  /** Adds a network or renames it (records are kept). */
  setNetwork(network: DnsNetwork): void {
    const existing = this.networks.get(network.id);
    if (existing) existing.network = { ...network };
    else this.networks.set(network.id, { network: { ...network }, endpoints: new Map() });
  }

  removeNetwork(networkId: string): void {
    this.networks.delete(networkId);
  }

  /** Connects (or updates) a container on a network set before. */
  setEndpoint(networkId: string, ep: DnsEndpoint): void {
    const n = this.networks.get(networkId);
    if (!n) throw new RangeError(`unknown network ${networkId}`);
    n.endpoints.set(ep.containerId, { ...ep, aliases: [...(ep.aliases ?? [])] });
  }

  removeEndpoint(networkId: string, containerId: string): void {
    this.networks.get(networkId)?.endpoints.delete(containerId);
  }

  /** Drops a container from every network (container removed). */
  removeContainer(containerId: string): void {
    for (const n of this.networks.values()) n.endpoints.delete(containerId);
  }

  /** A resolver callback for EmbeddedDns. */
  get resolver(): DnsResolver {
    return (name, type, clientAddress) => this.resolve(name, type, clientAddress);
  }

  resolve(name: string, type: DnsQueryType, clientAddress: string): DnsAnswer | undefined {
    const networks = this.networksOf(clientAddress);
    if (!networks.length) return undefined;
    if (type === "PTR") return this.resolveAddress(name, networks);
    const wanted = name.toLowerCase().replace(/\.$/, "");
    let isKnownWithoutV6 = false;
    for (const { host, networkName } of splits(wanted)) {
      for (const n of networks) {
        if (networkName !== undefined && n.network.name.toLowerCase() !== networkName) continue;
        const matches = [...n.endpoints.values()].filter((ep) => namesOf(ep).includes(host));
        if (!matches.length) continue;
        const addrs = matches.map((ep) => (type === "A" ? ep.ipv4 : ep.ipv6)).filter((a): a is string => !!a);
        if (addrs.length) return { addresses: [...new Set(addrs)] };
        if (type === "AAAA" && matches.some((ep) => ep.ipv4)) isKnownWithoutV6 = true;
      }
    }
    return isKnownWithoutV6 ? { addresses: [] } : undefined;
  }

  private resolveAddress(addr: string, networks: NetworkRecords[]): DnsAnswer | undefined {
    for (const n of networks) {
      for (const ep of n.endpoints.values()) {
        if (ep.ipv4 === addr || (ep.ipv6 && sameV6(ep.ipv6, addr))) return { ptr: `${ep.containerName}.${n.network.name}` };
      }
    }
    return undefined;
  }

  /** The networks of the container that owns `clientAddress`, in network-name order. */
  private networksOf(clientAddress: string): NetworkRecords[] {
    let containerId: string | undefined;
    for (const n of this.networks.values()) {
      for (const ep of n.endpoints.values()) {
        if (ep.ipv4 === clientAddress || (ep.ipv6 && sameV6(ep.ipv6, clientAddress))) containerId = ep.containerId;
      }
      if (containerId) break;
    }
    if (!containerId) return [];
    return [...this.networks.values()].filter((n) => n.endpoints.has(containerId!)).sort((a, b) => (a.network.name < b.network.name ? -1 : a.network.name > b.network.name ? 1 : 0));
  }
}

function namesOf(ep: DnsEndpoint): string[] {
  return [ep.containerName, ep.containerId.slice(0, SHORT_ID_LENGTH), ...(ep.aliases ?? [])].map((s) => s.toLowerCase());
}

/** a.b.c → (a.b.c, any), (a.b, "c"), (a, "b.c"). */
function splits(name: string): Array<{ host: string; networkName?: string }> {
  const out: Array<{ host: string; networkName?: string }> = [{ host: name }];
  for (let i = name.lastIndexOf("."); i > 0; i = name.lastIndexOf(".", i - 1)) out.push({ host: name.slice(0, i), networkName: name.slice(i + 1) });
  return out;
}

/** IPv6 text forms differ ("fd00::2" vs "fd00:0:0::2"); the client address comes from the kernel, the record from IPAM. */
function sameV6(a: string, b: string): boolean {
  if (a === b) return true;
  const expand = (x: string): string => {
    const [l, r] = x.toLowerCase().split("::") as [string, string | undefined];
    const left = l ? l.split(":") : [];
    const right = r === undefined ? [] : r ? r.split(":") : [];
    const groups = r === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
    return groups.map((g) => g.replace(/^0+(?=.)/, "")).join(":");
  };
  return expand(a) === expand(b);
}
