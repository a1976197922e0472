/**
 * Reverse-lookup names (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5 ip6.arpa)
 * to and from addresses. Only complete names (4 octets, 32 nibbles) map to an
 * address; partial ones (a zone such as "18.172.in-addr.arpa") do not.
 */
import net from "node:net";
import { ipv6ToBytes } from "./wire.js";

/** "2.0.18.172.in-addr.arpa" → "172.18.0.2"; an ip6.arpa name → the canonical IPv6 text; else undefined. */
export function reverseNameToAddress(name: string): string | undefined {
  const labels = name.toLowerCase().replace(/\.$/, "").split(".");
  if (labels.length === 6 && labels[4] === "in-addr" && labels[5] === "arpa") {
    const octets = labels.slice(0, 4).reverse();
    // No leading zeros: "02" is not how any resolver writes an octet.
    if (!octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255)) return undefined;
    return octets.join(".");
  }
  if (labels.length === 34 && labels[32] === "ip6" && labels[33] === "arpa") {
    const nibbles = labels.slice(0, 32).reverse();
    if (!nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(nibbles.slice(i, i + 4).join(""));
    return canonicalIPv6(groups.join(":"));
  }
  return undefined;
}

export function addressToReverseName(addr: string): string {
  if (net.isIPv4(addr)) return `${addr.split(".").reverse().join(".")}.in-addr.arpa`;
  if (net.isIPv6(addr)) return `${ipv6ToBytes(addr).toString("hex").split("").reverse().join(".")}.ip6.arpa`;
  throw new TypeError(`not an IP address: ${addr}`);
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run of zero groups (≥2) as "::". */
export function canonicalIPv6(addr: string): string {
  const bytes = ipv6ToBytes(addr);
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(":");
  return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLen).join(":")}`;
}
