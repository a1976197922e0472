/**
 * A background sampler of running containers' CPU counters, so that
 * `GET /containers/{id}/stats?stream=0` (docker stats --no-stream) answers at
 * once with a meaningful CPU %.
 *
 * The docker CLI's CPU % is Δcpu_usage.total_usage / Δsystem_cpu_usage ×
 * online_cpus × 100, the Δ being between cpu_stats and precpu_stats. dockerd
 * gets precpu by waiting for its collector's next tick, so every stream=0
 * request takes about a second (reference/docker-transcripts/05-…: the
 * answer comes 1.0 s after the request). Here the precpu sample is one the
 * sampler already took: once a second it reads, for every running or paused
 * container, the cgroup's CPU counters (cgroup v1: cpuacct.usage,
 * cpuacct.usage_percpu, cpuacct.stat, cpu.stat; v2: cpu.stat) and /proc/stat
 * once. That is a handful of synchronous reads of kernel-generated text per
 * container (microseconds each, no disk), and nothing at all when no container
 * runs; the timer is unref'd so it never keeps the daemon alive.
 *
 * previous() gives the newest snapshot that is at least MIN_AGE_MS old (the
 * sampler keeps the last two), so the CPU % of a stream=0 answer covers
 * between 0.5 and 1.5 s, as dockerd's covers about 1 s: never a few
 * milliseconds, over which /proc/stat's 10 ms ticks would make the figure
 * noise. A snapshot is tied to the container's init pid: a restarted
 * container starts over, and a container too new to have a snapshot old
 * enough gets undefined (the route then waits a second, as Docker does).
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import type { CgroupSample } from "../../sys/cgroups/cgroup-reader.js";
import { parseProcStat } from "../../sys/cgroups/parse.js";
import type { ContainerRecord } from "../containers/types.js";
import type { ContainerCgroups } from "./container-cgroup.js";

/** The CPU half of a stats sample: what precpu_stats and preread are made of. */
export interface CpuSnapshot {
  read: Date;
  cgroup: Pick<CgroupSample, "cpu">;
  /** Host CPU time, ns (/proc/stat). */
  systemNs: number;
  onlineCpus: number;
}

export const SAMPLE_INTERVAL_MS = 1000;
/** A snapshot younger than this is not used as precpu (too short an interval). */
export const MIN_AGE_MS = 500;
/** A snapshot older than this is stale (the sampler was held up): not used. */
const MAX_AGE_MS = 5000;

interface Track {
  pid: number;
  cgPath: string;
  /** Oldest first; at most two. */
  snaps: CpuSnapshot[];
}

export interface CpuSamplerDeps {
  containers: { list(): ContainerRecord[] };
  cgroups: ContainerCgroups;
  intervalMs?: number;
  /** The host's /proc/stat (a test may point elsewhere). */
  procStat?: string;
}

function livePid(rec: ContainerRecord): number | undefined {
  return rec.state.status === "running" || rec.state.status === "paused" ? rec.state.pid : undefined;
}

export class CpuSampler {
  private readonly tracks = new Map<string, Track>();
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(private readonly d: CpuSamplerDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.d.intervalMs ?? SAMPLE_INTERVAL_MS);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.tracks.clear();
  }

  /** The snapshot to use as precpu for container `id` whose init is `pid`, if one is old enough. */
  previous(id: string, pid: number, now = Date.now()): CpuSnapshot | undefined {
    const t = this.tracks.get(id);
    if (!t || t.pid !== pid) return undefined;
    for (let i = t.snaps.length - 1; i >= 0; i--) {
      const age = now - t.snaps[i]!.read.getTime();
      if (age >= MIN_AGE_MS) return age <= MAX_AGE_MS ? t.snaps[i] : undefined;
    }
    return undefined;
  }

  /** Takes one snapshot of every live container (the timer calls this; tests may too). */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const live = new Map<string, number>();
      for (const rec of this.d.containers.list()) {
        const pid = livePid(rec);
        if (pid) live.set(rec.id, pid);
      }
      for (const [id, t] of this.tracks) if (live.get(id) !== t.pid) this.tracks.delete(id);
      if (live.size === 0) return;
      const layout = await this.d.cgroups.layout();
      // resolve new containers' cgroups first, so that the reads below happen together
      for (const [id, pid] of live) {
        if (!this.tracks.has(id)) this.tracks.set(id, { pid, cgPath: await this.d.cgroups.pathOf(id, pid), snaps: [] });
      }
      const proc = parseProcStat(readText(this.d.procStat ?? "/proc/stat"));
      const read = new Date();
      for (const [id, t] of this.tracks) {
        if (!live.has(id)) continue;
        t.snaps.push({ read, cgroup: { cpu: layout.sampleCpuSync(t.cgPath) }, systemNs: proc.systemNs, onlineCpus: proc.onlineCpus || os.cpus().length });
        if (t.snaps.length > 2) t.snaps.shift();
      }
    } catch {
      // a container that vanished mid-tick: the next tick starts from the new list
    } finally {
      this.ticking = false;
    }
  }
}

function readText(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}
