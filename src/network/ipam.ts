/**
 * IP address management, pure: choosing a subnet for a new network from the
 * address pools (skipping every subnet that overlaps a route or address
 * already on the host or another network), and handing out addresses inside
 * a network's subnet (or its --ip-range), skipping the network and broadcast
 * addresses, the gateway and addresses in use.
 *
 * Pools are Docker's "default-address-pools": { base: "172.17.0.0/16", size: 16 }
 * means the /16 subnets 172.17.0.0/16, 172.18.0.0/16 … inside that base.
 */
import { InvalidArgumentError, UnavailableError } from "../errors/index.js";
import { formatCidr, overlaps, parseCidr, subnetSize, type Subnet } from "./ipv4.js";

export interface AddressPool {
  base: string;
  size: number;
}

/** Docker's defaults (libnetwork/ipamutils): 172.17-31.0.0/16, then 192.168.0.0/16 in /20s. */
export const DEFAULT_POOLS: AddressPool[] = [
  { base: "172.17.0.0/16", size: 16 },
  { base: "172.18.0.0/15", size: 16 },
  { base: "172.20.0.0/14", size: 16 },
  { base: "172.24.0.0/14", size: 16 },
  { base: "172.28.0.0/14", size: 16 },
  { base: "192.168.0.0/16", size: 20 },
];

export function validatePools(pools: AddressPool[]): void {
  for (const p of pools) {
    const base = parseCidr(p.base);
    if (!Number.isInteger(p.size) || p.size < base.prefix || p.size > 30) {
      throw new InvalidArgumentError(`invalid address pool ${p.base} with size ${p.size}`);
    }
  }
}

/** The first subnet of the pools that overlaps nothing in `taken`. */
export function pickSubnet(pools: AddressPool[], taken: Subnet[]): Subnet {
  for (const p of pools) {
    const base = parseCidr(p.base);
    const step = 2 ** (32 - p.size);
    const count = subnetSize(base) / step;
    for (let i = 0; i < count; i++) {
      const cand = { base: (base.base + i * step) >>> 0, prefix: p.size };
      if (!taken.some((t) => overlaps(t, cand))) return cand;
    }
  }
  throw new UnavailableError("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
}

export function describeSubnet(s: Subnet): string {
  return formatCidr(s);
}

/**
 * The next free address for a container: inside `range` (defaults to the
 * subnet), never the network or broadcast address or the gateway. Starts
 * after the last one given out (as Docker's bitmap allocator does) so that a
 * released address is not reused at once.
 */
export function allocateAddress(subnet: Subnet, range: Subnet | undefined, gateway: number, used: Set<number>, after = 0): number {
  const r = range ?? subnet;
  const first = r.base;
  const size = subnetSize(r);
  const broadcast = (subnet.base + subnetSize(subnet) - 1) >>> 0;
  const start = after >= first && after < first + size ? after - first + 1 : 0;
  for (let k = 0; k < size; k++) {
    const ip = (first + ((start + k) % size)) >>> 0;
    if (ip === subnet.base || ip === broadcast || ip === gateway || used.has(ip)) continue;
    return ip;
  }
  throw new UnavailableError(`no available IPv4 addresses on this network's address pools: ${formatCidr(subnet)}`);
}
