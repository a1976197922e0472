/**
 * `docker stats` rows from Engine API stats samples, with the docker CLI's
 * arithmetic (cli/command/container/stats_helpers.go):
 *   CPU %  = (Δ container cpu / Δ system cpu) × online CPUs × 100, 0 unless both deltas > 0;
 *   memory = usage − inactive file cache (total_inactive_file on cgroup v1,
 *            inactive_file on v2), when smaller than usage;
 *   MEM %  = memory / limit × 100; NET and BLOCK I/O summed over interfaces/devices.
 */
import type { StatsResponse } from "../../client/index.js";
import { bytesSize, humanSize } from "./human.js";

export const STATS_DEFAULT_FORMAT = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";
export const STATS_HEADERS: Record<string, string> = {
  ID: "CONTAINER ID",
  Container: "CONTAINER",
  Name: "NAME",
  CPUPerc: "CPU %",
  MemUsage: "MEM USAGE / LIMIT",
  MemPerc: "MEM %",
  NetIO: "NET I/O",
  BlockIO: "BLOCK I/O",
  PIDs: "PIDS",
};

export interface StatsRow {
  ID: string;
  Container: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

export function cpuPercent(s: StatsResponse): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const online = s.cpu_stats.online_cpus || (s.cpu_stats.cpu_usage.percpu_usage?.length ?? 0);
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

export function memoryUsage(s: StatsResponse): number {
  const usage = s.memory_stats.usage ?? 0;
  const stats = s.memory_stats.stats ?? {};
  const v1 = stats["total_inactive_file"];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats["inactive_file"];
  if (v2 !== undefined && v2 < usage) return usage - v2;
  return usage;
}

export function memoryPercent(s: StatsResponse): number {
  const limit = s.memory_stats.limit ?? 0;
  return limit !== 0 ? (memoryUsage(s) / limit) * 100 : 0;
}

export function blockIo(s: StatsResponse): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const entry of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op.toLowerCase();
    if (op === "read") read += entry.value;
    else if (op === "write") write += entry.value;
  }
  return { read, write };
}

export function networkIo(s: StatsResponse): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const net of Object.values(s.networks ?? {})) {
    rx += net.rx_bytes;
    tx += net.tx_bytes;
  }
  return { rx, tx };
}

/** One row; `container` is what the user typed (the CONTAINER column), id/name come from the sample or inspect. */
export function toStatsRow(s: StatsResponse, ids: { container: string; id: string; name: string }, options: { truncate: boolean }): StatsRow {
  const net = networkIo(s);
  const blk = blockIo(s);
  return {
    ID: options.truncate ? ids.id.slice(0, 12) : ids.id,
    Container: ids.container,
    Name: ids.name.replace(/^\//, ""),
    CPUPerc: `${cpuPercent(s).toFixed(2)}%`,
    MemUsage: `${bytesSize(memoryUsage(s))} / ${bytesSize(s.memory_stats.limit ?? 0)}`,
    MemPerc: `${memoryPercent(s).toFixed(2)}%`,
    NetIO: `${humanSize(net.rx)} / ${humanSize(net.tx)}`,
    BlockIO: `${humanSize(blk.read)} / ${humanSize(blk.write)}`,
    PIDs: String(s.pids_stats?.current ?? 0),
  };
}
