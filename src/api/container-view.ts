/**
 * Engine container records → Docker's JSON: ContainerInspectResponse for
 * GET /containers/{id}/json and ContainerSummary for GET /containers/json
 * (shapes from v1.43.yaml; field order and zero values as transcript 03 shows).
 */
import type { ContainerRecord, MountSpec } from "../engine/containers/types.js";
import { humanStatus, ZERO_TIME } from "../engine/containers/state.js";
import { parseBind } from "../engine/containers/mount-parse.js";
import { etcFilePaths } from "../engine/containers/etc-files.js";
import { healthOf, healthString } from "../engine/containers/health-monitor.js";
import { healthcheckToWire } from "../engine/containers/health-config.js";
import { endpointsView, legacyFields, portsView, summaryPorts, type ContainerNetView } from "./network-view.js";

/** The container's `-v` binds as mounts, for the views' Mounts (a bind that no longer parses is left out). */
export function bindsOf(rec: ContainerRecord): MountSpec[] {
  return (rec.hostConfig.binds ?? []).flatMap((b) => {
    try {
      return [parseBind(b)];
    } catch {
      return [];
    }
  });
}

/** State.Health as Docker shows it; undefined (omitted) for a container without a health check. */
function healthView(rec: ContainerRecord) {
  if (!rec.config.healthcheck) return undefined;
  const h = healthOf(rec.id);
  if (!h) {
    if (rec.config.healthcheck.test[0] === "NONE") return undefined;
    return { Status: rec.state.status === "running" || rec.state.status === "paused" ? "starting" : "unhealthy", FailingStreak: 0, Log: [] };
  }
  return {
    Status: h.status,
    FailingStreak: h.failingStreak,
    Log: h.log.map((r) => ({ Start: r.start, End: r.end, ExitCode: r.exitCode, Output: r.output })),
  };
}

/** ps Status: "Up 3 seconds (healthy)" etc. for a running container with a health check. */
export function statusWithHealth(rec: ContainerRecord): string {
  const base = humanStatus(rec.state);
  if (rec.state.status !== "running") return base;
  const h = healthOf(rec.id);
  return h ? `${base} (${healthString(h)})` : base;
}

const MASKED = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"];
const READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

export function shellQuoteCommand(rec: ContainerRecord): string {
  return [rec.path, ...rec.args].join(" ");
}

/** MountPoint as Docker shows it (Type, Name, Source, Destination, Driver, Mode, RW, Propagation; Name and Driver only for volumes). */
function mountPoints(rec: ContainerRecord, binds: MountSpec[]) {
  return (rec.mountPoints ?? [...binds, ...rec.hostConfig.mounts]).filter((m) => !m.fromTmpfsMap).map((m) => ({
    Type: m.type,
    ...(m.type === "volume" ? { Name: m.name } : {}),
    Source: m.source,
    Destination: m.destination,
    ...(m.type === "volume" ? { Driver: "local" } : {}),
    Mode: m.mode ?? "",
    RW: !m.readOnly,
    Propagation: m.type === "bind" ? (m.propagation ?? "rprivate") : "",
  }));
}

function networkName(rec: ContainerRecord): string {
  const m = rec.hostConfig.networkMode;
  return m === "default" || m === "bridge" ? "none" : m;
}

function networks(rec: ContainerRecord, net?: ContainerNetView) {
  if (net) return endpointsView(rec, net);
  return {
    [networkName(rec)]: {
      IPAMConfig: null, Links: null, Aliases: null, NetworkID: "", EndpointID: "", Gateway: "", IPAddress: "",
      IPPrefixLen: 0, IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, MacAddress: "", DriverOpts: null,
    },
  };
}

function portBindingsView(rec: ContainerRecord) {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const [k, list] of Object.entries(rec.hostConfig.portBindings ?? {})) out[k] = list ? list.map((b) => ({ HostIp: b.hostIp, HostPort: b.hostPort })) : null;
  return out;
}

export function toInspect(rec: ContainerRecord, o: { containerDir: string; logPath: string; binds: MountSpec[]; graph: Record<string, string>; net?: ContainerNetView; etcDir?: string }) {
  const s = rec.state;
  // --network container:ID uses that container's files (etcDir), as Docker shows them
  const etc = etcFilePaths(o.etcDir ?? o.containerDir);
  const hc = rec.hostConfig;
  const running = s.status === "running" || s.status === "paused";
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: {
      Status: s.status,
      Running: running,
      Paused: s.status === "paused",
      Restarting: false,
      OOMKilled: s.status === "exited" ? s.oomKilled : false,
      Dead: s.status === "dead",
      Pid: running ? s.pid : 0,
      ExitCode: s.status === "exited" || s.status === "dead" ? s.exitCode : 0,
      Error: s.status === "exited" || s.status === "dead" ? s.error : "",
      StartedAt: "startedAt" in s ? s.startedAt : ZERO_TIME,
      FinishedAt: "finishedAt" in s ? s.finishedAt : ZERO_TIME,
      Health: healthView(rec),
    },
    Image: rec.imageId,
    ResolvConfPath: etc.resolvConfPath,
    HostnamePath: etc.hostnamePath,
    HostsPath: etc.hostsPath,
    LogPath: o.logPath,
    Name: `/${rec.name}`,
    RestartCount: rec.restartCount,
    Driver: "overlayfs",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    ExecIDs: null,
    HostConfig: {
      Binds: hc.binds,
      ContainerIDFile: "",
      LogConfig: { Type: "k8s-file", Config: hc.logConfig.config },
      NetworkMode: hc.networkMode,
      PortBindings: portBindingsView(rec),
      RestartPolicy: { Name: hc.restartPolicy.name || "no", MaximumRetryCount: hc.restartPolicy.maximumRetryCount },
      AutoRemove: hc.autoRemove,
      VolumeDriver: "",
      VolumesFrom: hc.volumesFrom ?? null,
      CapAdd: hc.capAdd,
      CapDrop: hc.capDrop,
      CgroupnsMode: "host",
      Dns: hc.dns,
      DnsOptions: hc.dnsOptions ?? [],
      DnsSearch: hc.dnsSearch ?? [],
      ExtraHosts: hc.extraHosts,
      GroupAdd: null,
      IpcMode: "private",
      Cgroup: "",
      Links: null,
      OomScoreAdj: hc.oomScoreAdj,
      PidMode: "",
      Privileged: hc.privileged,
      PublishAllPorts: hc.publishAllPorts ?? false,
      ReadonlyRootfs: hc.readonlyRootfs,
      SecurityOpt: hc.securityOpt,
      UTSMode: "",
      UsernsMode: "",
      ShmSize: hc.shmSize || 67108864,
      Runtime: rec.runtime,
      ConsoleSize: [0, 0],
      Isolation: "",
      CpuShares: hc.cpuShares,
      Memory: hc.memory,
      NanoCpus: hc.nanoCpus,
      CgroupParent: "",
      BlkioWeight: 0,
      BlkioWeightDevice: [],
      BlkioDeviceReadBps: [],
      BlkioDeviceWriteBps: [],
      BlkioDeviceReadIOps: [],
      BlkioDeviceWriteIOps: [],
      CpuPeriod: hc.cpuPeriod,
      CpuQuota: hc.cpuQuota,
      CpuRealtimePeriod: 0,
      CpuRealtimeRuntime: 0,
      CpusetCpus: "",
      CpusetMems: "",
      Devices: [],
      DeviceCgroupRules: null,
      DeviceRequests: null,
      MemoryReservation: 0,
      MemorySwap: hc.memorySwap,
      MemorySwappiness: null,
      OomKillDisable: hc.oomKillDisable ?? false,
      PidsLimit: hc.pidsLimit > 0 ? hc.pidsLimit : null,
      Ulimits: hc.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      ...(hc.sysctls ? { Sysctls: hc.sysctls } : {}),
      Init: hc.init,
      CpuCount: 0,
      CpuPercent: 0,
      IOMaximumIOps: 0,
      IOMaximumBandwidth: 0,
      MaskedPaths: hc.privileged ? null : MASKED,
      ReadonlyPaths: hc.privileged ? null : READONLY,
      Mounts: hc.mounts.filter((m) => !m.fromBinds).length ? hc.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.destination, ReadOnly: m.readOnly })) : undefined,
    },
    GraphDriver: { Name: "overlayfs", Data: o.graph },
    Mounts: mountPoints(rec, o.binds),
    Config: {
      Hostname: rec.config.hostname,
      Domainname: rec.config.domainname,
      User: rec.config.user,
      AttachStdin: rec.config.attachStdin,
      AttachStdout: rec.config.attachStdout,
      AttachStderr: rec.config.attachStderr,
      ExposedPorts: Object.keys(rec.config.exposedPorts).length ? rec.config.exposedPorts : undefined,
      Tty: rec.config.tty,
      OpenStdin: rec.config.openStdin,
      StdinOnce: rec.config.stdinOnce,
      Env: rec.config.env,
      Cmd: rec.config.cmd,
      Image: rec.config.image,
      Volumes: rec.config.volumes,
      WorkingDir: rec.config.workingDir,
      Entrypoint: rec.config.entrypoint,
      OnBuild: null,
      Labels: rec.config.labels,
      StopSignal: rec.config.stopSignal,
      StopTimeout: rec.config.stopTimeout,
      Healthcheck: healthcheckToWire(rec.config.healthcheck),
    },
    NetworkSettings: {
      Bridge: "",
      SandboxID: "",
      HairpinMode: false,
      LinkLocalIPv6Address: "",
      LinkLocalIPv6PrefixLen: 0,
      Ports: portsView(rec, o.net?.sandbox),
      SandboxKey: o.net?.sandbox?.nsPath ?? "",
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: "",
      Gateway: "",
      GlobalIPv6Address: "",
      GlobalIPv6PrefixLen: 0,
      IPAddress: "",
      IPPrefixLen: 0,
      IPv6Gateway: "",
      MacAddress: "",
      ...(o.net ? legacyFields(o.net) : {}),
      Networks: networks(rec, o.net),
    },
  };
}

export function toSummary(rec: ContainerRecord, o: { binds: MountSpec[]; sizeRw?: number; sizeRootFs?: number; net?: ContainerNetView }) {
  return {
    Id: rec.id,
    Names: [`/${rec.name}`],
    Image: rec.config.image,
    ImageID: rec.imageId,
    Command: shellQuoteCommand(rec),
    Created: Math.floor(Date.parse(rec.created) / 1000),
    Ports: summaryPorts(rec, o.net?.sandbox),
    SizeRw: o.sizeRw,
    SizeRootFs: o.sizeRootFs,
    Labels: rec.config.labels,
    State: rec.state.status,
    Status: statusWithHealth(rec),
    HostConfig: { NetworkMode: rec.hostConfig.networkMode },
    NetworkSettings: { Networks: networks(rec, o.net) },
    Mounts: mountPoints(rec, o.binds),
  };
}
