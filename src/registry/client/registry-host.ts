/**
 * Where a registry domain (the first component of an image reference) is
 * reached, following Docker's defaults (registry/config.go, endpoints.go):
 *
 *   docker.io (and index.docker.io)   → https://registry-1.docker.io
 *   localhost[:port], 127.0.0.0/8, ::1 → http:// only: Docker puts loopback in
 *                                        its insecure-registry list by default
 *   a host listed as insecure          → https:// first, http:// when TLS fails
 *                                        (Docker's --insecure-registry; entries are
 *                                        "host[:port]" or an IPv4 CIDR)
 *   anything else                      → https:// only
 *
 * Also turns a `docker login` server address ("127.0.0.1:5000",
 * "https://index.docker.io/v1/") back into a domain. Pure.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { DEFAULT_DOMAIN } from "../../oci/reference.js";

export const DOCKER_HUB_REGISTRY = "registry-1.docker.io";

export interface RegistryEndpoint {
  /** The reference's domain, e.g. "127.0.0.1:5000" or "docker.io". */
  domain: string;
  /** Base URLs to try in order, without a trailing slash ("http://127.0.0.1:5000"). */
  bases: string[];
}

function splitHostPort(domain: string): { host: string; port?: string } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(domain);
  if (v6) return { host: v6[1]!, port: v6[2] };
  const i = domain.lastIndexOf(":");
  return i === -1 ? { host: domain } : { host: domain.slice(0, i), port: domain.slice(i + 1) };
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsStr] = cidr.split("/");
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(net ?? "");
  const bits = Number(bitsStr);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

/** True for hosts Docker treats as insecure without configuration. */
export function isLoopbackRegistry(domain: string): boolean {
  const { host } = splitHostPort(domain);
  return host === "localhost" || host === "::1" || inCidr(host, "127.0.0.0/8");
}

/**
 * Docker's isSecureIndex, without DNS: a "host[:port]" entry names exactly one
 * registry domain (so "reg.lan" does not cover "reg.lan:5000"); a CIDR entry
 * covers every domain whose host is an IPv4 address inside it, on any port.
 */
export function isListedInsecure(domain: string, insecure: readonly string[]): boolean {
  const { host } = splitHostPort(domain);
  return insecure.some((entry) => (entry.includes("/") ? inCidr(host, entry) : entry === domain));
}

export function resolveEndpoint(domain: string, insecureRegistries: readonly string[] = []): RegistryEndpoint {
  if (domain === DEFAULT_DOMAIN || domain === "index.docker.io") {
    return { domain: DEFAULT_DOMAIN, bases: [`https://${DOCKER_HUB_REGISTRY}`] };
  }
  if (isLoopbackRegistry(domain)) return { domain, bases: [`http://${domain}`] };
  if (isListedInsecure(domain, insecureRegistries)) return { domain, bases: [`https://${domain}`, `http://${domain}`] };
  return { domain, bases: [`https://${domain}`] };
}

/** "https://index.docker.io/v1/" → "docker.io"; "http://127.0.0.1:5000/" → "127.0.0.1:5000"; "" → "docker.io". */
export function domainOfServerAddress(address: string): string {
  let s = address.trim();
  if (s === "") return DEFAULT_DOMAIN;
  s = s.replace(/^[a-z]+:\/\//i, "");
  s = s.split("/")[0] ?? "";
  if (s === "" || /[\s@]/.test(s)) throw new InvalidArgumentError(`invalid registry address ${JSON.stringify(address)}`);
  if (s === "index.docker.io" || s === DOCKER_HUB_REGISTRY) return DEFAULT_DOMAIN;
  return s;
}
