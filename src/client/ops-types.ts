/**
 * Wire shapes of the operational endpoints (exec, stats, events, top, df,
 * prune, update, commit, archive stat), as the Engine API 1.41+ defines them
 * (moby api/types). They live with the client until apitypes/ takes them over.
 */
import type { ContainerConfig, ContainerSummary, ImageSummary } from "../apitypes/index.js";

/** POST /containers/{id}/exec body (moby api/types/exec.go ExecConfig). */
export interface ExecCreateRequest {
  User?: string;
  Privileged?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
  AttachStdin?: boolean;
  AttachStderr?: boolean;
  AttachStdout?: boolean;
  DetachKeys?: string;
  Env?: string[] | null;
  WorkingDir?: string;
  Cmd: string[];
}

/** GET /exec/{id}/json (moby api/types/container/exec.go ExecInspect, the fields the CLI reads). */
export interface ExecInspect {
  ID: string;
  ContainerID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  OpenStdin?: boolean;
  ProcessConfig?: { tty?: boolean; entrypoint?: string; arguments?: string[] };
}

/** GET /containers/{id}/top */
export interface ContainerTopResponse {
  Titles: string[];
  Processes: string[][];
}

/** GET /containers/{id}/changes item: Kind 0 = modified (C), 1 = added (A), 2 = deleted (D). */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** One GET /containers/{id}/stats sample (moby api/types/container/stats.go StatsResponse), cgroup v1 and v2. */
export interface StatsResponse {
  read: string;
  preread?: string;
  id?: string;
  name?: string;
  num_procs?: number;
  pids_stats?: { current?: number; limit?: number };
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; max_usage?: number; limit?: number; stats?: Record<string, number>; commitbytes?: number; privateworkingset?: number };
  blkio_stats?: { io_service_bytes_recursive?: Array<{ major: number; minor: number; op: string; value: number }> | null };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[] | null; usage_in_kernelmode?: number; usage_in_usermode?: number };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** One GET /events message (moby api/types/events/events.go Message). */
export interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  scope?: string;
  time: number;
  timeNano: number;
  /** Deprecated duplicates of Actor.ID / Action for containers. */
  status?: string;
  id?: string;
  from?: string;
}

/** POST /containers/{id}/update body: the resource fields plus RestartPolicy. */
export interface ContainerUpdateRequest {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number;
  BlkioWeight?: number;
  RestartPolicy?: { Name: string; MaximumRetryCount?: number };
}

export interface ContainerUpdateResponse {
  Warnings: string[] | null;
}

/** The X-Docker-Container-Path-Stat header of HEAD/GET /containers/{id}/archive (base64 JSON). */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface CommitOptions {
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  pause?: boolean;
  changes?: string[];
  config?: Partial<ContainerConfig>;
}

/** GET /system/df (moby api/types/types.go DiskUsage). */
export interface DiskUsage {
  LayersSize?: number;
  Images?: ImageSummary[] | null;
  Containers?: ContainerSummary[] | null;
  Volumes?: Array<{ Name: string; UsageData?: { Size: number; RefCount: number } | null }> | null;
  BuildCache?: Array<{ Size: number; InUse: boolean; Shared?: boolean }> | null;
}

export interface ContainersPruneReport {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

export interface ImagesPruneReport {
  ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }> | null;
  SpaceReclaimed: number;
}

export interface NetworksPruneReport {
  NetworksDeleted: string[] | null;
}

export interface VolumesPruneReport {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
}
