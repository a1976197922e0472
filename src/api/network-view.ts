/**
 * Engine network records and sandboxes → Docker's JSON: the Network object
 * of GET /networks and /networks/{id} (v1.43.yaml#/definitions/Network, field
 * order as transcript 08 shows), and a container's NetworkSettings
 * (Networks map, Ports, and the legacy top-level fields that mirror the
 * default bridge endpoint).
 */
import type { ContainerRecord } from "../engine/containers/types.js";
import { primaryNetworkName } from "../engine/networks/membership.js";
import type { NetworkRecord, SandboxState } from "../engine/networks/types.js";

export function toNetworkView(n: NetworkRecord, o: { sandboxes: SandboxState[]; nameOf: (id: string) => string | undefined; withContainers: boolean }) {
  const containers: Record<string, unknown> = {};
  if (o.withContainers) {
    for (const s of o.sandboxes) {
      const e = s.endpoints.find((x) => x.networkId === n.id);
      if (!e) continue;
      containers[s.containerId] = { Name: o.nameOf(s.containerId) ?? "", EndpointID: e.endpointId, MacAddress: e.mac, IPv4Address: `${e.ip}/${e.prefixLen}`, IPv6Address: "" };
    }
  }
  const config = n.ipam ? [{ Subnet: n.ipam.subnet, Gateway: n.ipam.gateway, ...(n.ipam.ipRange ? { IPRange: n.ipam.ipRange } : {}) }] : [];
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: "local",
    Driver: n.driver,
    EnableIPv6: false,
    IPAM: { Driver: "default", Options: n.predefined ? null : {}, Config: config },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: containers,
    Options: n.options,
    Labels: n.labels,
  };
}

const EMPTY_ENDPOINT = { IPAMConfig: null, Links: null, Aliases: null, NetworkID: "", EndpointID: "", Gateway: "", IPAddress: "", IPPrefixLen: 0, IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, MacAddress: "", DriverOpts: null };

export interface ContainerNetView {
  networks: NetworkRecord[];
  sandbox?: SandboxState;
  byName: (name: string) => NetworkRecord | undefined;
}

/** NetworkSettings.Networks: one entry per network the container is a member of (host/none: that one entry). */
export function endpointsView(rec: ContainerRecord, v: ContainerNetView): Record<string, unknown> {
  const mode = rec.hostConfig.networkMode;
  const primary = primaryNetworkName(mode);
  if (!primary) {
    if (mode.startsWith("container:")) return {};
    const n = v.byName(mode);
    return { [mode]: { ...EMPTY_ENDPOINT, NetworkID: n?.id ?? "" } };
  }
  const out: Record<string, unknown> = {};
  const implied = v.byName(primary);
  // only the default bridge is implied by the mode; user networks are recorded at create (and gone once disconnected)
  const impliedHere = implied?.predefined && !v.networks.some((n) => n.id === implied.id) && !implied.departed?.includes(rec.id);
  const nets = impliedHere ? [implied, ...v.networks] : v.networks;
  for (const n of nets) {
    const m = n.members[rec.id];
    const e = v.sandbox?.endpoints.find((x) => x.networkId === n.id);
    const aliases = n.predefined ? null : [...(m?.aliases ?? []), ...(e ? [rec.id.slice(0, 12)] : [])];
    out[n.name] = {
      ...EMPTY_ENDPOINT,
      IPAMConfig: m?.ipv4Address ? { IPv4Address: m.ipv4Address } : null,
      Aliases: aliases && aliases.length ? aliases : null,
      NetworkID: n.id,
      ...(e ? { EndpointID: e.endpointId, Gateway: e.gateway, IPAddress: e.ip, IPPrefixLen: e.prefixLen, MacAddress: e.mac } : {}),
      ...(m?.macAddress && !e ? { MacAddress: m.macAddress } : {}),
    };
  }
  return out;
}

/** NetworkSettings.Ports: published ports while running, exposed-but-unpublished ones as null. */
export function portsView(rec: ContainerRecord, sandbox: SandboxState | undefined): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  if (!sandbox) return out;
  for (const key of Object.keys(rec.config.exposedPorts)) out[key.includes("/") ? key : `${key}/tcp`] = null;
  for (const p of sandbox.ports) {
    const key = `${p.containerPort}/${p.proto}`;
    (out[key] ??= []).push({ HostIp: p.hostIp || "0.0.0.0", HostPort: String(p.hostPort) });
  }
  return out;
}

/** ContainerSummary.Ports for `ps`. */
export function summaryPorts(rec: ContainerRecord, sandbox: SandboxState | undefined) {
  const out: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> = [];
  const published = new Set<string>();
  for (const p of sandbox?.ports ?? []) {
    published.add(`${p.containerPort}/${p.proto}`);
    out.push({ IP: p.hostIp || "0.0.0.0", PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.proto });
  }
  for (const key of Object.keys(rec.config.exposedPorts)) {
    const [port, proto = "tcp"] = key.split("/");
    if (!published.has(`${port}/${proto}`)) out.push({ PrivatePort: Number(port), Type: proto });
  }
  return out;
}

/** The legacy top-level NetworkSettings fields mirror the default bridge endpoint (empty elsewhere, as Docker). */
export function legacyFields(v: ContainerNetView): Record<string, unknown> {
  const def = v.byName("bridge");
  const e = def && v.sandbox?.endpoints.find((x) => x.networkId === def.id);
  return {
    EndpointID: e?.endpointId ?? "",
    Gateway: e?.gateway ?? "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    IPAddress: e?.ip ?? "",
    IPPrefixLen: e?.prefixLen ?? 0,
    IPv6Gateway: "",
    MacAddress: e?.mac ?? "",
  };
}
