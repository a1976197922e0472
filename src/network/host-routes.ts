/**
 * What the host already uses: every IPv4 route destination and interface
 * address (`ip -j route show table all`, `ip -j addr`), so that IPAM never
 * picks a subnet that collides with a LAN, a VPN, Docker's bridges or another
 * berthd's networks.
 */
import { run } from "../sys/exec.js";
import { parseCidr, type Subnet } from "./ipv4.js";

interface RouteJson { dst?: string; type?: string }
interface AddrJson { addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }> }

export function subnetsFromRoutes(routes: RouteJson[]): Subnet[] {
  const out: Subnet[] = [];
  for (const r of routes) {
    if (!r.dst || r.dst === "default" || r.type === "broadcast" || r.type === "local") continue;
    const cidr = r.dst.includes("/") ? r.dst : `${r.dst}/32`;
    try {
      out.push(parseCidr(cidr));
    } catch {
      /* IPv6 or something ip printed that is not a CIDR */
    }
  }
  return out;
}

export function subnetsFromAddrs(links: AddrJson[]): Subnet[] {
  const out: Subnet[] = [];
  for (const l of links) {
    for (const a of l.addr_info ?? []) {
      if (a.family !== "inet" || !a.local || a.local.startsWith("127.")) continue;
      try {
        out.push(parseCidr(`${a.local}/${a.prefixlen ?? 32}`));
      } catch {
        /* skip */
      }
    }
  }
  return out;
}

export async function hostSubnets(): Promise<Subnet[]> {
  const [routes, addrs] = await Promise.all([run(["ip", "-j", "-4", "route", "show", "table", "all"]), run(["ip", "-j", "-4", "addr"])]);
  return [...subnetsFromRoutes(JSON.parse(routes.stdout || "[]") as RouteJson[]), ...subnetsFromAddrs(JSON.parse(addrs.stdout || "[]") as AddrJson[])];
}
