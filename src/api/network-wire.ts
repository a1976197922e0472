/**
 * Docker's network wire shapes → engine inputs, validated field by field:
 * HostConfig.PortBindings, NetworkingConfig.EndpointsConfig (container
 * create, network connect) and the NetworkCreateRequest body
 * (v1.43.yaml#/paths/~1networks~1create). A wrong type is a 400 naming the field.
 */
import { InvalidArgumentError } from "../errors/index.js";
import type { CreateNetworkRequest } from "../engine/networks/network-service.js";
import type { EndpointRequest } from "../engine/networks/types.js";

type Obj = Record<string, unknown>;

function bad(field: string, want: string): never {
  throw new InvalidArgumentError(`invalid value for ${field}: expected ${want}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function optStr(o: Obj, k: string, field: string): string {
  const v = o[k];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") bad(field, "a string");
  if (v.length > 4096) bad(field, "at most 4096 characters");
  return v;
}

function strMap(o: Obj, k: string, field: string): Record<string, string> {
  const v = o[k];
  if (v === undefined || v === null) return {};
  if (!isObj(v) || Object.values(v).some((x) => typeof x !== "string")) bad(field, "an object of strings");
  return { ...(v as Record<string, string>) };
}

export function parsePortBindings(raw: unknown): Record<string, Array<{ hostIp: string; hostPort: string }> | null> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObj(raw)) bad("HostConfig.PortBindings", "an object");
  const out: Record<string, Array<{ hostIp: string; hostPort: string }> | null> = {};
  for (const [key, list] of Object.entries(raw)) {
    if (list === null) {
      out[key] = null;
      continue;
    }
    if (!Array.isArray(list)) bad(`HostConfig.PortBindings[${JSON.stringify(key.slice(0, 40))}]`, "a list");
    out[key] = list.map((b) => {
      if (!isObj(b)) bad("HostConfig.PortBindings", "a list of {HostIp, HostPort}");
      return { hostIp: optStr(b, "HostIp", "PortBindings.HostIp"), hostPort: optStr(b, "HostPort", "PortBindings.HostPort") };
    });
  }
  return out;
}

export function parseEndpointSettings(raw: unknown, field: string): EndpointRequest {
  if (raw === undefined || raw === null) return {};
  if (!isObj(raw)) bad(field, "an object");
  const aliasesRaw = raw["Aliases"];
  if (aliasesRaw !== undefined && aliasesRaw !== null && (!Array.isArray(aliasesRaw) || aliasesRaw.some((a) => typeof a !== "string"))) bad(`${field}.Aliases`, "a list of strings");
  const ipam = raw["IPAMConfig"];
  if (ipam !== undefined && ipam !== null && !isObj(ipam)) bad(`${field}.IPAMConfig`, "an object");
  const req: EndpointRequest = {};
  if (Array.isArray(aliasesRaw) && aliasesRaw.length) req.aliases = aliasesRaw as string[];
  const ip = isObj(ipam) ? optStr(ipam, "IPv4Address", `${field}.IPAMConfig.IPv4Address`) : "";
  if (ip) req.ipv4Address = ip;
  const mac = optStr(raw, "MacAddress", `${field}.MacAddress`);
  if (mac) req.macAddress = mac;
  return req;
}

export function parseEndpointsConfig(raw: unknown): Record<string, EndpointRequest> {
  if (raw === undefined || raw === null) return {};
  if (!isObj(raw)) bad("NetworkingConfig", "an object");
  const eps = raw["EndpointsConfig"];
  if (eps === undefined || eps === null) return {};
  if (!isObj(eps)) bad("NetworkingConfig.EndpointsConfig", "an object");
  const out: Record<string, EndpointRequest> = {};
  for (const [name, v] of Object.entries(eps)) out[name] = parseEndpointSettings(v, `EndpointsConfig[${JSON.stringify(name.slice(0, 40))}]`);
  return out;
}

export function parseNetworkCreate(body: Obj): CreateNetworkRequest {
  const name = optStr(body, "Name", "Name");
  if (!name) throw new InvalidArgumentError("network name must not be empty");
  const bool = (k: string) => {
    const v = body[k];
    if (v === undefined || v === null) return false;
    if (typeof v !== "boolean") bad(k, "a boolean");
    return v;
  };
  if (bool("EnableIPv6")) throw new InvalidArgumentError("IPv6 networks are not supported by berth");
  const ipam: CreateNetworkRequest["ipam"] = {};
  const ipamRaw = body["IPAM"];
  if (ipamRaw !== undefined && ipamRaw !== null) {
    if (!isObj(ipamRaw)) bad("IPAM", "an object");
    const driver = optStr(ipamRaw, "Driver", "IPAM.Driver");
    if (driver && driver !== "default") throw new InvalidArgumentError(`IPAM driver ${JSON.stringify(driver.slice(0, 60))} is not supported`);
    const cfgs = ipamRaw["Config"];
    if (cfgs !== undefined && cfgs !== null) {
      if (!Array.isArray(cfgs) || cfgs.some((c) => !isObj(c))) bad("IPAM.Config", "a list of objects");
      if (cfgs.length > 1) throw new InvalidArgumentError("berth supports one IPv4 subnet per network");
      const c = (cfgs[0] ?? {}) as Obj;
      ipam.subnet = optStr(c, "Subnet", "IPAM.Config.Subnet") || undefined;
      ipam.gateway = optStr(c, "Gateway", "IPAM.Config.Gateway") || undefined;
      ipam.ipRange = optStr(c, "IPRange", "IPAM.Config.IPRange") || undefined;
    }
  }
  return {
    name,
    driver: optStr(body, "Driver", "Driver"),
    internal: bool("Internal"),
    attachable: bool("Attachable"),
    labels: strMap(body, "Labels", "Labels"),
    options: strMap(body, "Options", "Options"),
    ipam,
  };
}
