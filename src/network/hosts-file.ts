/**
 * A container's /etc/hosts in Docker's layout (libnetwork/etchosts and
 * sandbox.updateHostsFile): the fixed localhost and IPv6 lines, then one line
 * per --add-host entry ("IP\tname"), then one line per container address
 * ("IP\tfqdn shortname aliases…", or "IP\thostname" when it has no domain).
 *
 * --add-host values are validated as the daemon does (opts.ValidateExtraHost):
 * "name:ip" or "name=ip", IPv6 allowed (split on the first ':'), optionally in
 * brackets; "host-gateway" stands for the host's address on the container's
 * network and is replaced by `hostGatewayIp`.
 */
import net from "node:net";
import { InvalidArgumentError } from "../errors/index.js";

export const HOST_GATEWAY_NAME = "host-gateway";

const DEFAULT_LINES = [
  "127.0.0.1\tlocalhost",
  "::1\tlocalhost ip6-localhost ip6-loopback",
  "fe00::0\tip6-localnet",
  "ff00::0\tip6-mcastprefix",
  "ff02::1\tip6-allnodes",
  "ff02::2\tip6-allrouters",
];

export interface ContainerHostsOptions {
  hostname: string;
  domainname?: string;
  /** The container's addresses on its networks; each gets a line. None: no hostname line. */
  addresses: string[];
  /** Extra names for the container's own lines (e.g. network aliases). */
  aliases?: string[];
  /** --add-host entries: "name:ip", "name=ip", "name:[v6]", "name:host-gateway". */
  extraHosts?: string[];
  /** What "host-gateway" means for this container; required when an entry uses it. */
  hostGatewayIp?: string;
}

export interface ExtraHost {
  name: string;
  ip: string;
}

/**
 * Parses one --add-host value. Throws InvalidArgumentError with the daemon's
 * messages (`bad format for add-host: "x"`, `invalid IP address in add-host: "y"`).
 */
export function parseExtraHost(value: string, hostGatewayIp?: string): ExtraHost {
  let sep = value.indexOf("=");
  if (sep < 0) sep = value.indexOf(":");
  const name = sep < 0 ? "" : value.slice(0, sep);
  let ip = sep < 0 ? "" : value.slice(sep + 1);
  // A name may not hold ':' (the API's only separator) nor anything that would
  // break the line it is written on.
  if (!name || name.includes(":") || /[\s\x00-\x1f\x7f#]/.test(name)) {
    throw new InvalidArgumentError(`bad format for add-host: ${JSON.stringify(value)}`);
  }
  if (ip === HOST_GATEWAY_NAME) {
    if (!hostGatewayIp) throw new InvalidArgumentError("unable to derive the IP value for host-gateway");
    ip = hostGatewayIp;
  } else if (ip.length > 2 && ip.startsWith("[") && ip.endsWith("]")) {
    ip = ip.slice(1, -1);
  }
  if (net.isIP(ip) === 0) throw new InvalidArgumentError(`invalid IP address in add-host: ${JSON.stringify(ip)}`);
  return { name, ip };
}

export function containerHosts(o: ContainerHostsOptions): string {
  checkName("hostname", o.hostname);
  if (o.domainname) checkName("domainname", o.domainname);
  for (const a of o.aliases ?? []) checkName("alias", a);
  for (const a of o.addresses) {
    if (net.isIP(a) === 0) throw new InvalidArgumentError(`invalid IP address: ${JSON.stringify(a)}`);
  }
  const extra = (o.extraHosts ?? []).map((v) => parseExtraHost(v, o.hostGatewayIp));

  const lines = [...DEFAULT_LINES];
  for (const e of extra) lines.push(`${e.ip}\t${e.name}`);

  // The FQDN may come whole in hostname or split across hostname and
  // domainname; Docker writes the FQDN first and the short name after it.
  const fqdn = o.domainname ? `${o.hostname}.${o.domainname}` : o.hostname;
  const dot = fqdn.indexOf(".");
  const names = dot > 0 ? [fqdn, fqdn.slice(0, dot)] : [fqdn];
  for (const a of o.aliases ?? []) if (!names.includes(a)) names.push(a);
  if (o.hostname) for (const ip of o.addresses) lines.push(`${ip}\t${names.join(" ")}`);
  return lines.join("\n") + "\n";
}

/** The names on a container's own lines: "fqdn short" when it has a domain, else the hostname. */
export function ownHostNames(hostname: string, domainname = ""): string {
  const fqdn = domainname ? `${hostname}.${domainname}` : hostname;
  const dot = fqdn.indexOf(".");
  return dot > 0 ? `${fqdn} ${fqdn.slice(0, dot)}` : fqdn;
}

/** Docker's `network connect` of a running container: one more own line, for the new address. */
export function withOwnAddress(content: string, ip: string, names: string): string {
  const line = `${ip}\t${names}`;
  if (content.split("\n").includes(line)) return content;
  return (content === "" || content.endsWith("\n") ? content : content + "\n") + line + "\n";
}

/**
 * Docker 20.10's `network disconnect` (etchosts.Delete): every line that ends
 * with the container's own names goes, whatever its address — the lines of
 * the networks it is still on included (checked side by side with dockerd).
 */
export function withoutOwnLines(content: string, names: string): string {
  return content
    .split("\n")
    .filter((l) => l.startsWith("#") || !l.endsWith(`\t${names}`))
    .join("\n");
}

function checkName(what: string, v: string): void {
  if (/[\s\x00-\x1f\x7f#]/.test(v) || v.length > 255) throw new InvalidArgumentError(`invalid ${what}: ${JSON.stringify(v)}`);
}
