/**
 * Which networks a container belongs to and with what settings: the network
 * its NetworkMode names, the member config (aliases, --ip, --mac-address)
 * checked against the network, and interface naming inside the sandbox.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { contains, formatIp, isValidMac, parseCidr, parseIp } from "../../network/ipv4.js";
import type { EndpointRequest, MemberConfig, NetworkRecord, SandboxState } from "./types.js";

/** The network a NetworkMode names, or undefined for none/host/container:. */
export function primaryNetworkName(mode: string): string | undefined {
  if (mode === "" || mode === "default" || mode === "bridge") return "bridge";
  if (mode === "none" || mode === "host" || mode.startsWith("container:")) return undefined;
  return mode;
}

export function nextIfIndex(st: SandboxState): number {
  const used = new Set(st.endpoints.map((e) => Number(e.ifname.slice(3))));
  let i = 0;
  while (used.has(i)) i++;
  return i;
}

export function checkMember(n: NetworkRecord, req: EndpointRequest): MemberConfig {
  const m: MemberConfig = { aliases: (req.aliases ?? []).filter((a) => a !== "") };
  for (const a of m.aliases) if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/.test(a)) throw new InvalidArgumentError(`invalid alias ${JSON.stringify(a.slice(0, 100))}`);
  if (req.ipv4Address) {
    if (n.predefined) throw new InvalidArgumentError("user specified IP address is supported on user defined networks only");
    const ip = parseIp(req.ipv4Address);
    if (!contains(parseCidr(n.ipam!.subnet), ip)) throw new InvalidArgumentError(`Invalid address ${req.ipv4Address}: It does not belong to any of this network's subnets`);
    m.ipv4Address = formatIp(ip);
  }
  if (req.macAddress) {
    if (!isValidMac(req.macAddress)) throw new InvalidArgumentError(`invalid MAC address: ${req.macAddress.slice(0, 40)}`);
    m.macAddress = req.macAddress.toLowerCase();
  }
  if (m.aliases.length && n.predefined) throw new InvalidArgumentError("network-scoped alias is supported only for containers in user defined networks");
  return m;
}
