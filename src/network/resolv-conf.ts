/**
 * A container's /etc/resolv.conf, derived from the host's as Docker derives it
 * (libnetwork sandbox_dns_unix.go and pkg/resolvconf, Docker 20.10 — the
 * version installed next to berth for side-by-side runs).
 *
 * Three shapes:
 * - default bridge, no overrides: the host file kept line by line, minus
 *   loopback nameservers (127.0.0.0/8, ::1: the container's own loopback is
 *   not the host's) and minus IPv6 nameservers unless IPv6 is on; when no
 *   nameserver is left, Google's public resolvers are appended.
 * - default bridge with --dns/--dns-search/--dns-option: a rebuilt file
 *   (search, nameservers, options); each flag replaces its part of the host's.
 * - user-defined network (an embedded DNS address is given): one nameserver,
 *   the embedded server, plus the host's (or overridden) search and options,
 *   and `ndots:0` unless an ndots option is set, so that single-label names go
 *   to the embedded server first. The embedded server forwards what it does
 *   not know to `upstreamResolvers()`, which keeps loopback resolvers because
 *   that server runs on the host, where 127.0.0.53 and friends answer.
 */
import net from "node:net";
import { InvalidArgumentError } from "../errors/index.js";

export const DEFAULT_IPV4_DNS = ["8.8.8.8", "8.8.4.4"];
export const DEFAULT_IPV6_DNS = ["2001:4860:4860::8888", "2001:4860:4860::8844"];

export interface ContainerDnsOptions {
  /** --dns: replaces the nameservers (and, on user networks, the upstreams). */
  dns?: string[];
  /** --dns-search: replaces the search list; ["."] means no search line. */
  dnsSearch?: string[];
  /** --dns-option: replaces the options. */
  dnsOptions?: string[];
  /** The embedded DNS server's address (user-defined networks). */
  embeddedDns?: string;
  /** Keep (or add default) IPv6 nameservers; Docker does so only on IPv6-enabled networks. */
  ipv6?: boolean;
}

export interface ParsedResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

/** Comments start with '#' or ';' (resolv.conf(5)); the last search and each options line count. */
export function parseResolvConf(content: string): ParsedResolvConf {
  const out: ParsedResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of content.split("\n")) {
    const line = raw.replace(/[#;].*$/, "").trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === "nameserver" && rest[0]) out.nameservers.push(rest[0]);
    else if (key === "search" || key === "domain") out.search = rest.filter(Boolean);
    else if (key === "options") out.options.push(...rest.filter(Boolean));
  }
  return out;
}

export function isLoopbackAddress(addr: string): boolean {
  if (net.isIPv4(addr)) return addr.startsWith("127.");
  if (net.isIPv6(addr)) return /^(0{0,4}:){2,7}0{0,3}1$/i.test(addr) || addr === "::1";
  return false;
}

/**
 * The servers the embedded DNS server forwards to: --dns when given, else all
 * of the host's nameservers, loopback ones included (the forwarder runs on the
 * host), else the public defaults. Docker caps the list at 3 (maxExtDNS).
 */
export function upstreamResolvers(hostResolvConf: string, dns: string[] = []): string[] {
  if (dns.length) return validateNameservers(dns).slice(0, 3);
  const hosts = parseResolvConf(hostResolvConf).nameservers.filter((a) => net.isIP(stripZone(a)) !== 0);
  return (hosts.length ? hosts : DEFAULT_IPV4_DNS).slice(0, 3);
}

export function containerResolvConf(hostResolvConf: string, o: ContainerDnsOptions = {}): string {
  const dns = validateNameservers(o.dns ?? []);
  const dnsSearch = validateSearch(o.dnsSearch ?? []);
  const dnsOptions = validateOptions(o.dnsOptions ?? []);
  const host = parseResolvConf(hostResolvConf);

  if (o.embeddedDns !== undefined) {
    validateNameservers([o.embeddedDns]);
    const options = dnsOptions.length ? dnsOptions : host.options;
    // Docker adds its resolver's ndots:0 only when the user set no ndots.
    const withNdots = options.some((opt) => opt.startsWith("ndots:")) ? options : [...options, "ndots:0"];
    return buildResolvConf([o.embeddedDns], dnsSearch.length ? dnsSearch : host.search, withNdots);
  }

  if (dns.length || dnsSearch.length || dnsOptions.length) {
    const servers = dns.length ? dns : withDefaults(reachableNameservers(host.nameservers, o.ipv6 ?? false), o.ipv6 ?? false);
    return buildResolvConf(servers, dnsSearch.length ? dnsSearch : host.search, dnsOptions.length ? dnsOptions : host.options);
  }

  return filterHostResolvConf(hostResolvConf, o.ipv6 ?? false);
}

/** The default-bridge case: the host's file line by line minus unreachable nameservers. */
function filterHostResolvConf(content: string, ipv6: boolean): string {
  const kept: string[] = [];
  let servers = 0;
  for (const line of content.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) {
      const addr = stripZone(m[1]!);
      if (isLoopbackAddress(addr) || (net.isIPv6(addr) && !ipv6)) continue;
      servers++;
    }
    kept.push(line);
  }
  while (kept.length && kept[kept.length - 1]!.trim() === "") kept.pop();
  if (servers === 0) for (const d of withDefaults([], ipv6)) kept.push(`nameserver ${d}`);
  return kept.join("\n") + "\n";
}

function reachableNameservers(servers: string[], ipv6: boolean): string[] {
  return servers.filter((s) => {
    const a = stripZone(s);
    return net.isIP(a) !== 0 && !isLoopbackAddress(a) && (ipv6 || !net.isIPv6(a));
  });
}

function withDefaults(servers: string[], ipv6: boolean): string[] {
  if (servers.length) return servers;
  return ipv6 ? [...DEFAULT_IPV4_DNS, ...DEFAULT_IPV6_DNS] : [...DEFAULT_IPV4_DNS];
}

/** Docker's resolvconf.Build layout: search, nameservers, options; a search of "." writes no search line. */
function buildResolvConf(servers: string[], search: string[], options: string[]): string {
  const lines: string[] = [];
  if (search.length && search.join(" ").trim() !== ".") lines.push(`search ${search.join(" ")}`);
  for (const s of servers) lines.push(`nameserver ${s}`);
  if (options.length) lines.push(`options ${options.join(" ")}`);
  return lines.join("\n") + "\n";
}

/** "fe80::1%eth0" is a valid resolv.conf nameserver; net.isIP does not know zones. */
function stripZone(addr: string): string {
  const i = addr.indexOf("%");
  return i > 0 ? addr.slice(0, i) : addr;
}

// Every value lands in a file the container's resolver parses line by line, so
// whitespace or control characters would smuggle in extra directives.
const UNSAFE = /[\s\x00-\x1f\x7f#;]/;

function validateNameservers(servers: string[]): string[] {
  for (const s of servers) {
    if (UNSAFE.test(s) || net.isIP(stripZone(s)) === 0) throw new InvalidArgumentError(`${s} is not an ip address`);
  }
  return servers;
}

function validateSearch(domains: string[]): string[] {
  for (const d of domains) {
    if (d === ".") continue;
    const bare = d.endsWith(".") ? d.slice(0, -1) : d;
    if (UNSAFE.test(d) || bare.length === 0 || bare.length > 253 || !/^[a-zA-Z0-9_]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/.test(bare) || bare.includes("..")) {
      throw new InvalidArgumentError(`${d} is not a valid domain`);
    }
  }
  return domains;
}

function validateOptions(options: string[]): string[] {
  for (const o of options) {
    if (o === "" || UNSAFE.test(o)) throw new InvalidArgumentError(`invalid DNS option: ${JSON.stringify(o)}`);
  }
  return options;
}
