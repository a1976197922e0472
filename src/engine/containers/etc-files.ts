/**
 * /etc/hostname, /etc/hosts and /etc/resolv.conf for a container, written in
 * the container's directory and bind-mounted in (as Docker does). These are
 * the documented exception to atomic rename: a bind-mounted file keeps
 * showing the old inode after a rename, so later updates rewrite in place.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { containerHosts as networkHosts, ownHostNames, withOwnAddress, withoutOwnLines } from "../../network/hosts-file.js";
import type { LiveNetworkChange } from "../networks/container-networks.js";
import { containerResolvConf as networkResolvConf } from "../../network/resolv-conf.js";

export interface EtcFiles {
  hostnamePath: string;
  hostsPath: string;
  resolvConfPath: string;
}

export function etcFilePaths(containerDir: string): EtcFiles {
  return {
    hostnamePath: path.join(containerDir, "hostname"),
    hostsPath: path.join(containerDir, "hosts"),
    resolvConfPath: path.join(containerDir, "resolv.conf"),
  };
}

async function readOr(file: string, fallback: string): Promise<string> {
  try {
    return await fs.readFile(file, "utf8");
  } catch {
    return fallback;
  }
}

export interface EtcFileOptions {
  hostname: string;
  hostNetwork: boolean;
  extraHosts: string[];
  dns: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** The container's addresses on its networks (none: no network). */
  addresses?: string[];
  /** Extra names for the container's own /etc/hosts lines. Never its network aliases: Docker 20.10 does not list them (the embedded DNS answers them). */
  aliases?: string[];
  /** User-defined networks: the embedded DNS server, the only nameserver. */
  embeddedDns?: string;
  /** What --add-host NAME:host-gateway resolves to. */
  hostGatewayIp?: string;
}

/** Writes the three files for a start; host networking uses the host's own files. */
export async function writeEtcFiles(containerDir: string, opts: EtcFileOptions): Promise<EtcFiles> {
  const p = etcFilePaths(containerDir);
  const hostResolv = await readOr("/etc/resolv.conf", "");
  const addresses = opts.addresses ?? [];
  const hosts = opts.hostNetwork
    ? await readOr("/etc/hosts", networkHosts({ hostname: os.hostname(), addresses: ["127.0.1.1"] }))
    : // Docker's layout; with no address (--network none) there is no hostname line, as in Docker
      networkHosts({ hostname: opts.hostname, addresses, aliases: opts.aliases, extraHosts: opts.extraHosts, hostGatewayIp: opts.hostGatewayIp });
  const custom = opts.dns.length || opts.dnsSearch?.length || opts.dnsOptions?.length;
  const resolv = opts.hostNetwork && !custom ? hostResolv : networkResolvConf(hostResolv, { dns: opts.dns, dnsSearch: opts.dnsSearch, dnsOptions: opts.dnsOptions, embeddedDns: opts.embeddedDns });
  await fs.writeFile(p.hostnamePath, opts.hostname + "\n");
  await fs.writeFile(p.hostsPath, hosts);
  await fs.writeFile(p.resolvConfPath, resolv);
  return p;
}

/**
 * A running container was connected or disconnected live: resolv.conf names
 * the embedded DNS server it reaches now, /etc/hosts gains the new address
 * or loses its own lines as Docker's does. In place (not a rename): the files
 * are bind-mounted into the container.
 */
export async function applyLiveNetworkChange(
  containerDir: string,
  o: Pick<EtcFileOptions, "dns" | "dnsSearch" | "dnsOptions"> & { hostname: string; domainname?: string; change: LiveNetworkChange },
): Promise<void> {
  const p = etcFilePaths(containerDir);
  if (o.change.embeddedDnsChanged) {
    const hostResolv = await readOr("/etc/resolv.conf", "");
    await fs.writeFile(p.resolvConfPath, networkResolvConf(hostResolv, { dns: o.dns, dnsSearch: o.dnsSearch, dnsOptions: o.dnsOptions, embeddedDns: o.change.embeddedDns }));
  }
  const names = ownHostNames(o.hostname, o.domainname);
  let hosts = await readOr(p.hostsPath, "");
  if (o.change.connected) hosts = withOwnAddress(hosts, o.change.connected, names);
  if (o.change.disconnected) hosts = withoutOwnLines(hosts, names);
  await fs.writeFile(p.hostsPath, hosts);
}
