/**
 * IPv4 arithmetic for IPAM and the data path: addresses as unsigned 32-bit
 * numbers, subnets as { base, prefix }. Pure; every parser throws
 * InvalidArgumentError with Docker's wording for input from users.
 */
import { InvalidArgumentError } from "../errors/index.js";

export interface Subnet {
  /** Network address (host bits zero). */
  base: number;
  prefix: number;
}

export function parseIp(text: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) throw new InvalidArgumentError(`invalid IPv4 address: ${text.slice(0, 100)}`);
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255)) throw new InvalidArgumentError(`invalid IPv4 address: ${text.slice(0, 100)}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function isIpv4(text: string): boolean {
  try {
    parseIp(text);
    return true;
  } catch {
    return false;
  }
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.1.0.0/16" → subnet; a CIDR with host bits set is refused (Docker: "invalid subnet"). */
export function parseCidr(text: string, opts: { strict?: boolean } = {}): Subnet {
  const i = text.indexOf("/");
  if (i < 0) throw new InvalidArgumentError(`invalid CIDR address: ${text.slice(0, 100)}`);
  const ip = parseIp(text.slice(0, i));
  const ptext = text.slice(i + 1);
  if (!/^\d{1,2}$/.test(ptext) || Number(ptext) > 32) throw new InvalidArgumentError(`invalid CIDR address: ${text.slice(0, 100)}`);
  const prefix = Number(ptext);
  const base = (ip & maskOf(prefix)) >>> 0;
  if (opts.strict && base !== ip) throw new InvalidArgumentError(`invalid subnet ${text}: it should be ${formatCidr({ base, prefix })}`);
  return { base, prefix };
}

export function formatCidr(s: Subnet): string {
  return `${formatIp(s.base)}/${s.prefix}`;
}

export function subnetSize(s: Subnet): number {
  return 2 ** (32 - s.prefix);
}

export function contains(s: Subnet, ip: number): boolean {
  return ((ip & maskOf(s.prefix)) >>> 0) === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  const m = maskOf(p);
  return ((a.base & m) >>> 0) === ((b.base & m) >>> 0);
}

/** Docker derives a container's MAC from its address: 02:42 followed by the four address bytes. */
export function macForIp(ip: number): string {
  const b = [0x02, 0x42, ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return b.map((x) => x.toString(16).padStart(2, "0")).join(":");
}

export function isValidMac(text: string): boolean {
  return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(text) && (parseInt(text.slice(0, 2), 16) & 1) === 0;
}
