/**
 * HostConfig: the host-side half of a container's configuration (resources,
 * mounts, security, networking mode, restart policy). Sent inside the create
 * body and echoed back by inspect. Numbers are bytes / nanoCPUs / microseconds
 * exactly as Docker's API defines them; the CLI does the unit conversions.
 */
import type { Mount, PortMap } from "./common.js";

/** v1.43.yaml#/definitions/RestartPolicy */
export interface RestartPolicy {
  Name: "" | "no" | "always" | "unless-stopped" | "on-failure";
  MaximumRetryCount?: number;
}

/** v1.43.yaml#/definitions/Resources/properties/Ulimits/items */
export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

/** v1.43.yaml#/definitions/HostConfig/properties/LogConfig */
export interface LogConfig {
  Type: string;
  Config?: Record<string, string>;
}

/** v1.43.yaml#/definitions/DeviceMapping */
export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

/** v1.43.yaml#/definitions/ThrottleDevice */
export interface ThrottleDevice {
  Path: string;
  Rate: number;
}

/**
 * v1.43.yaml#/definitions/Resources — cgroup limits. Zero means "unset" for most fields;
 * Docker 20.10 reports an unset PidsLimit and MemorySwappiness as null (03 transcript, inspect).
 */
export interface Resources {
  CpuShares?: number;
  /** Bytes. `-m 64m` → 67108864. */
  Memory?: number;
  CgroupParent?: string;
  BlkioWeight?: number;
  BlkioWeightDevice?: Array<{ Path: string; Weight: number }>;
  BlkioDeviceReadBps?: ThrottleDevice[];
  BlkioDeviceWriteBps?: ThrottleDevice[];
  BlkioDeviceReadIOps?: ThrottleDevice[];
  BlkioDeviceWriteIOps?: ThrottleDevice[];
  CpuPeriod?: number;
  CpuQuota?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Devices?: DeviceMapping[];
  DeviceCgroupRules?: string[] | null;
  DeviceRequests?: unknown[] | null;
  KernelMemoryTCP?: number;
  MemoryReservation?: number;
  /** Bytes of memory+swap; -1 = unlimited swap. */
  MemorySwap?: number;
  MemorySwappiness?: number | null;
  /** CPU quota in units of 1e-9 CPUs: `--cpus 1.5` → 1500000000. */
  NanoCpus?: number;
  OomKillDisable?: boolean;
  /** Run an init (tini-like) as PID 1; null = daemon default. */
  Init?: boolean | null;
  /** 0 or -1 = unlimited; null in inspect when unset. */
  PidsLimit?: number | null;
  Ulimits?: Ulimit[];
  CpuCount?: number;
  CpuPercent?: number;
  IOMaximumIOps?: number;
  IOMaximumBandwidth?: number;
}

/** v1.43.yaml#/definitions/HostConfig (allOf Resources + the properties below). */
export interface HostConfig extends Resources {
  /** "src:dst[:opts]" as typed after -v. */
  Binds?: string[] | null;
  ContainerIDFile?: string;
  LogConfig?: LogConfig;
  /** "default" from the CLI (02 transcript); "bridge" | "host" | "none" | "container:<id>" | a network name. */
  NetworkMode?: string;
  PortBindings?: PortMap;
  RestartPolicy?: RestartPolicy;
  /** `--rm`: the daemon removes the container itself; the CLI never sends DELETE (02 transcript). */
  AutoRemove?: boolean;
  VolumeDriver?: string;
  VolumesFrom?: string[] | null;
  Mounts?: Mount[];
  /** [height, width]; [0,0] without a TTY. */
  ConsoleSize?: [number, number] | null;
  Annotations?: Record<string, string>;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  CgroupnsMode?: "" | "private" | "host";
  Dns?: string[];
  DnsOptions?: string[];
  DnsSearch?: string[];
  ExtraHosts?: string[] | null;
  GroupAdd?: string[] | null;
  IpcMode?: string;
  Cgroup?: string;
  Links?: string[] | null;
  OomScoreAdj?: number;
  PidMode?: string;
  Privileged?: boolean;
  PublishAllPorts?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  StorageOpt?: Record<string, string>;
  /** Target path → mount options ("size=64m,mode=1777"), from `--tmpfs`. */
  Tmpfs?: Record<string, string>;
  UTSMode?: string;
  UsernsMode?: string;
  ShmSize?: number;
  Sysctls?: Record<string, string>;
  Runtime?: string;
  Isolation?: "" | "default" | "process" | "hyperv";
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
}
