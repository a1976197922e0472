/**
 * Docker's container create body (ContainerConfig + HostConfig, see
 * ContainerCreateRequest in v1.43.yaml) → the engine's CreateContainerInput,
 * validated field by field: a wrong type is a 400 naming the field, never a
 * crash and never a silently ignored value.
 */
import { InvalidArgumentError } from "../errors/index.js";
import type { CreateContainerInput } from "../engine/containers/create-container.js";
import { parseApiMount, parseBind, parseTmpfsMap, type ApiMount } from "../engine/containers/mount-parse.js";
import type { ContainerConfig, HostConfigSpec } from "../engine/containers/types.js";
import { parseHealthcheck } from "../engine/containers/health-config.js";
import { parseEndpointsConfig, parsePortBindings } from "./network-wire.js";

type Obj = Record<string, unknown>;

function bad(field: string, want: string): never {
  throw new InvalidArgumentError(`invalid value for ${field}: expected ${want}`);
}

function str(o: Obj, k: string, field = k): string {
  const v = o[k];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") bad(field, "a string");
  return v;
}

function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") bad(k, "a boolean");
  return v;
}

function int(o: Obj, k: string, field = k): number {
  const v = o[k];
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) bad(field, "an integer");
  return v;
}

function nonNegative(o: Obj, k: string): number {
  const v = int(o, k, `HostConfig.${k}`);
  if (v < 0 && k !== "MemorySwap") throw new InvalidArgumentError(`invalid value for HostConfig.${k}: must not be negative`);
  return v;
}

/** Docker's StrSlice: a string or a list of strings; null/absent → null. */
function strSlice(o: Obj, k: string): string[] | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) bad(k, "a string or a list of strings");
  return v as string[];
}

function strList(o: Obj, k: string, field = k): string[] {
  const v = o[k];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) bad(field, "a list of strings");
  return v as string[];
}

function strMap(o: Obj, k: string): Record<string, string> {
  const v = o[k];
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) bad(k, "an object of strings");
  for (const x of Object.values(v as Obj)) if (typeof x !== "string") bad(k, "an object of strings");
  return { ...(v as Record<string, string>) };
}

function objMap(o: Obj, k: string): Record<string, object> | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== "object" || Array.isArray(v)) bad(k, "an object");
  return { ...(v as Record<string, object>) };
}

export function parseContainerConfig(body: Obj): ContainerConfig {
  const image = str(body, "Image");
  if (!image) throw new InvalidArgumentError("No image was specified");
  const env = strList(body, "Env");
  for (const e of env) if (e.startsWith("=") || e === "") throw new InvalidArgumentError(`invalid environment variable: ${e}`);
  const stopTimeout = body["StopTimeout"];
  if (stopTimeout !== undefined && stopTimeout !== null && (typeof stopTimeout !== "number" || !Number.isInteger(stopTimeout))) bad("StopTimeout", "an integer");
  const healthcheck = parseHealthcheck(body["Healthcheck"]);
  return {
    hostname: str(body, "Hostname"),
    domainname: str(body, "Domainname"),
    user: str(body, "User"),
    attachStdin: bool(body, "AttachStdin"),
    attachStdout: bool(body, "AttachStdout"),
    attachStderr: bool(body, "AttachStderr"),
    tty: bool(body, "Tty"),
    openStdin: bool(body, "OpenStdin"),
    stdinOnce: bool(body, "StdinOnce"),
    env,
    cmd: strSlice(body, "Cmd"),
    entrypoint: strSlice(body, "Entrypoint"),
    image,
    workingDir: str(body, "WorkingDir"),
    labels: strMap(body, "Labels"),
    stopSignal: str(body, "StopSignal") || undefined,
    stopTimeout: typeof stopTimeout === "number" ? stopTimeout : undefined,
    exposedPorts: objMap(body, "ExposedPorts") ?? {},
    volumes: objMap(body, "Volumes"),
    ...(healthcheck ? { healthcheck } : {}),
  };
}

const RESTART = new Set(["", "no", "always", "unless-stopped", "on-failure"]);

export function parseHostConfig(raw: unknown): HostConfigSpec {
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) bad("HostConfig", "an object");
  const h = (raw ?? {}) as Obj;
  const mountsRaw = h["Mounts"];
  if (mountsRaw !== undefined && mountsRaw !== null && !Array.isArray(mountsRaw)) bad("HostConfig.Mounts", "a list");
  const mounts = ((mountsRaw as ApiMount[] | null) ?? []).map(parseApiMount);
  const tmpfs = h["Tmpfs"];
  if (tmpfs !== undefined && tmpfs !== null) mounts.push(...parseTmpfsMap(strMap(h, "Tmpfs")));
  const ulimitsRaw = h["Ulimits"] ?? [];
  if (!Array.isArray(ulimitsRaw)) bad("HostConfig.Ulimits", "a list");
  const ulimits = (ulimitsRaw as Obj[]).map((u) => {
    if (typeof u !== "object" || u === null) bad("HostConfig.Ulimits", "a list of objects");
    const name = str(u, "Name", "Ulimits.Name");
    const soft = int(u, "Soft", "Ulimits.Soft");
    const hard = int(u, "Hard", "Ulimits.Hard");
    if (!/^[a-z]+$/.test(name)) throw new InvalidArgumentError(`invalid ulimit name: ${name}`);
    if (soft > hard) throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    return { name, soft, hard };
  });
  const sysctls = strMap(h, "Sysctls");
  for (const [k, v] of Object.entries(sysctls)) {
    // the runtime writes /proc/sys/<key with dots as slashes>: a key must not climb out of it
    if (!/^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*$/.test(k) || k.length > 256) throw new InvalidArgumentError(`invalid sysctl name ${JSON.stringify(k.slice(0, 100))}`);
    if (/[\x00-\x1f]/.test(v) || v.length > 4096) throw new InvalidArgumentError(`invalid value for sysctl ${k}`);
  }
  const rp = (h["RestartPolicy"] ?? {}) as Obj;
  if (typeof rp !== "object" || Array.isArray(rp)) bad("HostConfig.RestartPolicy", "an object");
  const rpName = str(rp, "Name", "RestartPolicy.Name");
  if (!RESTART.has(rpName)) throw new InvalidArgumentError(`invalid restart policy '${rpName}'`);
  const lc = (h["LogConfig"] ?? {}) as Obj;
  if (typeof lc !== "object" || Array.isArray(lc)) bad("HostConfig.LogConfig", "an object");
  const networkMode = str(h, "NetworkMode", "HostConfig.NetworkMode") || "default";
  if (networkMode.length > 256 || /[\s\x00-\x1f]/.test(networkMode)) throw new InvalidArgumentError(`invalid network mode: ${JSON.stringify(networkMode.slice(0, 100))}`);
  const init = h["Init"];
  if (init !== undefined && init !== null && typeof init !== "boolean") bad("HostConfig.Init", "a boolean");
  const nanoCpus = nonNegative(h, "NanoCpus");
  const cpuQuota = int(h, "CpuQuota", "HostConfig.CpuQuota");
  if (nanoCpus && cpuQuota > 0) throw new InvalidArgumentError("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  const memory = nonNegative(h, "Memory");
  if (memory > 0 && memory < 6 * 1024 * 1024) throw new InvalidArgumentError("Minimum memory limit allowed is 6MB");
  const memorySwap = int(h, "MemorySwap", "HostConfig.MemorySwap");
  if (memory > 0 && memorySwap > 0 && memorySwap < memory) throw new InvalidArgumentError("Minimum memoryswap limit should be larger than memory limit, see usage");
  return {
    binds: h["Binds"] === null || h["Binds"] === undefined ? null : strList(h, "Binds", "HostConfig.Binds"),
    volumesFrom: h["VolumesFrom"] == null ? null : strList(h, "VolumesFrom", "HostConfig.VolumesFrom"),
    mounts,
    autoRemove: bool(h, "AutoRemove"),
    readonlyRootfs: bool(h, "ReadonlyRootfs"),
    memory,
    memorySwap,
    nanoCpus,
    cpuShares: nonNegative(h, "CpuShares"),
    cpuQuota,
    cpuPeriod: nonNegative(h, "CpuPeriod"),
    pidsLimit: int(h, "PidsLimit", "HostConfig.PidsLimit"),
    capAdd: h["CapAdd"] == null ? null : strList(h, "CapAdd", "HostConfig.CapAdd"),
    capDrop: h["CapDrop"] == null ? null : strList(h, "CapDrop", "HostConfig.CapDrop"),
    privileged: bool(h, "Privileged"),
    networkMode,
    init: (init as boolean | null | undefined) ?? null,
    ulimits,
    ...(Object.keys(sysctls).length ? { sysctls } : {}),
    securityOpt: h["SecurityOpt"] == null ? null : strList(h, "SecurityOpt", "HostConfig.SecurityOpt"),
    restartPolicy: { name: rpName as HostConfigSpec["restartPolicy"]["name"], maximumRetryCount: int(rp, "MaximumRetryCount", "RestartPolicy.MaximumRetryCount") },
    oomScoreAdj: int(h, "OomScoreAdj", "HostConfig.OomScoreAdj"),
    oomKillDisable: bool(h, "OomKillDisable"),
    shmSize: nonNegative(h, "ShmSize"),
    runtime: str(h, "Runtime", "HostConfig.Runtime"),
    extraHosts: h["ExtraHosts"] == null ? null : strList(h, "ExtraHosts", "HostConfig.ExtraHosts"),
    dns: strList(h, "Dns", "HostConfig.Dns"),
    dnsSearch: strList(h, "DnsSearch", "HostConfig.DnsSearch"),
    dnsOptions: strList(h, "DnsOptions", "HostConfig.DnsOptions"),
    portBindings: parsePortBindings(h["PortBindings"]),
    publishAllPorts: bool(h, "PublishAllPorts"),
    logConfig: { type: str(lc, "Type", "LogConfig.Type"), config: strMap(lc, "Config") },
  };
}

export function parseCreateBody(body: Obj, name: string | undefined): CreateContainerInput {
  const config = parseContainerConfig(body);
  const hostConfig = parseHostConfig(body["HostConfig"]);
  if (hostConfig.autoRemove && hostConfig.restartPolicy.name && hostConfig.restartPolicy.name !== "no") {
    throw new InvalidArgumentError("conflicting options: cannot specify both --restart and --rm");
  }
  // Binds are checked at create, as Docker does, not first at start.
  for (const b of hostConfig.binds ?? []) parseBind(b);
  const endpoints = parseEndpointsConfig(body["NetworkingConfig"]);
  // the legacy top-level MacAddress applies to the container's primary network
  const mac = str(body, "MacAddress");
  if (mac) {
    const key = hostConfig.networkMode === "default" ? "bridge" : hostConfig.networkMode;
    endpoints[key] = { ...endpoints[key], macAddress: mac };
  }
  return { name, config, hostConfig, endpoints };
}
