/** The embedded DNS server and the pieces callers wire it with. */
export { EmbeddedDns, type EmbeddedDnsOptions } from "./embedded-dns.js";
export type { DnsAnswer, DnsQueryType, DnsResolver } from "./query-handler.js";
export type { UpstreamServer } from "./upstream.js";
export { addressToReverseName, reverseNameToAddress } from "./reverse-name.js";
export { NetworkNameTable, type DnsEndpoint, type DnsNetwork } from "./name-table.js";
