/**
 * docker stats: one sample of a running container's counters. The cgroup
 * gives CPU, memory, pids and block I/O; /proc/stat gives the host's CPU time
 * (system_cpu_usage: the CLI's CPU % is Δcontainer / Δsystem × online CPUs);
 * /proc/<pid>/net/dev gives the interfaces of the container's network
 * namespace (loopback left out, as Docker shows only the container's
 * endpoints; a host-network container has none of its own).
 *
 * A sample is a point in time; rates come from two samples, which the API
 * layer pairs as Docker's "precpu_stats"/"preread".
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import type { CgroupSample } from "../../sys/cgroups/cgroup-reader.js";
import { parseNetDev, parseProcStat, type NetDevCounters } from "../../sys/cgroups/parse.js";
import type { ContainerRecord } from "../containers/types.js";
import type { ContainerCgroups } from "./container-cgroup.js";

export interface StatsSample {
  read: Date;
  cgroup: CgroupSample;
  /** Host CPU time, ns. */
  systemNs: number;
  onlineCpus: number;
  /** Total host memory: the memory limit Docker reports for an unlimited container. */
  hostMemory: number;
  networks?: Record<string, NetDevCounters>;
}

/** Samples a running container; undefined when it has no process (not running, or it just exited). */
export async function sampleStats(cgroups: ContainerCgroups, rec: ContainerRecord): Promise<StatsSample | undefined> {
  if (rec.state.status !== "running" && rec.state.status !== "paused") return undefined;
  const pid = rec.state.pid;
  const layout = await cgroups.layout();
  const cgPath = await cgroups.pathOf(rec.id, pid);
  // synchronous reads of kernel-generated files: see CgroupLayout.sample()
  const cgroup = await layout.sample(cgPath);
  const procStat = readProcText("/proc/stat");
  const netDev = rec.hostConfig.networkMode === "host" ? "" : readProcText(`/proc/${pid}/net/dev`);
  const { systemNs, onlineCpus } = parseProcStat(procStat);
  const networks = Object.fromEntries(Object.entries(parseNetDev(netDev)).filter(([name]) => name !== "lo"));
  return {
    read: new Date(),
    cgroup,
    systemNs,
    onlineCpus: onlineCpus || os.cpus().length,
    hostMemory: os.totalmem(),
    networks: Object.keys(networks).length ? networks : undefined,
  };
}

function readProcText(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}
