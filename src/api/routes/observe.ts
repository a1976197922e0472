/**
 * Observing and tuning running containers: GET /containers/{id}/top,
 * GET /containers/{id}/stats, POST /containers/{id}/update.
 *
 * Stats wire shape: moby's api/types/container StatsResponse, as recorded in
 * reference/docker-transcripts/05-exec-top-stats-cp-diff-commit-export.txt.
 * stream=0 answers one object at once, its precpu_stats/preread taken from
 * the background CPU sampler's snapshot of 0.5–1.5 s ago (cpu-sampler.ts), so
 * the CLI's CPU % is meaningful; dockerd instead waits a second for its next
 * sample, and so does berth for a container too new to have a snapshot.
 * one-shot=1 answers at once with empty precpu. stream=1 (default) writes one
 * object per second until the client goes away or the container stops. A
 * container that is not running gets Docker's all-zero object.
 */
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ConflictError } from "../../errors/index.js";
import type { ContainerService } from "../../engine/containers/container-service.js";
import type { ContainerRecord } from "../../engine/containers/types.js";
import { ContainerCgroups } from "../../engine/observe/container-cgroup.js";
import { CpuSampler, type CpuSnapshot } from "../../engine/observe/cpu-sampler.js";
import { sampleStats, type StatsSample } from "../../engine/observe/stats.js";
import { topProcesses } from "../../engine/observe/top.js";
import { updateContainer, type ContainerUpdate } from "../../engine/observe/update-container.js";
import { InvalidArgumentError } from "../../errors/index.js";
import { readJsonObject, sendJson } from "../http-io.js";
import type { Router } from "../router.js";

export interface ObserveRouteDeps {
  containers: ContainerService;
  /** The daemon's cgroup parent ("berth"): where container cgroups are when /proc cannot tell. */
  cgroupParent: string;
  /**
   * Supplies precpu for stream=0 answers. Default: one started here for the
   * daemon's lifetime (its timer is unref'd and costs nothing while no
   * container runs).
   */
  cpuSampler?: CpuSampler;
}

const ZERO_TIME = "0001-01-01T00:00:00Z";

function cpuStats(s: CpuSnapshot | undefined) {
  if (!s) return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  const c = s.cgroup.cpu;
  return {
    cpu_usage: { total_usage: c.totalNs, ...(c.perCpuNs?.length ? { percpu_usage: c.perCpuNs } : {}), usage_in_kernelmode: c.kernelNs, usage_in_usermode: c.userNs },
    system_cpu_usage: s.systemNs,
    online_cpus: s.onlineCpus,
    throttling_data: { periods: c.throttling.periods, throttled_periods: c.throttling.throttledPeriods, throttled_time: c.throttling.throttledTimeNs },
  };
}

function blkio(entries: Array<{ major: number; minor: number; op: string; value: number }>) {
  return entries.map((e) => ({ major: e.major, minor: e.minor, op: e.op, value: e.value }));
}

/** One stats object; `prev` supplies precpu_stats and preread. */
export function toApiStats(rec: ContainerRecord, cur: StatsSample | undefined, prev: CpuSnapshot | undefined) {
  const m = cur?.cgroup.memory;
  // Docker reports the host's memory as the limit of an unlimited container (v1 shows 2^63-ish, v2 "max")
  const limit = m ? Math.min(m.limit ?? Infinity, cur!.hostMemory) : 0;
  return {
    read: cur ? cur.read.toISOString() : ZERO_TIME,
    preread: prev ? prev.read.toISOString() : ZERO_TIME,
    pids_stats: cur ? { current: cur.cgroup.pids.current, ...(cur.cgroup.pids.limit !== undefined ? { limit: cur.cgroup.pids.limit } : {}) } : {},
    blkio_stats: {
      io_service_bytes_recursive: cur ? blkio(cur.cgroup.blkio.serviceBytes) : null,
      io_serviced_recursive: cur ? blkio(cur.cgroup.blkio.serviced) : null,
      io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(cur),
    precpu_stats: cpuStats(prev),
    memory_stats: m ? { usage: m.usage, ...(m.maxUsage !== undefined ? { max_usage: m.maxUsage } : {}), stats: m.stats, limit } : {},
    name: "/" + rec.name,
    id: rec.id,
    ...(cur?.networks ? { networks: cur.networks } : {}),
  };
}

function parseUpdateBody(b: Record<string, unknown>): ContainerUpdate {
  const num = (k: string): number | undefined => {
    const v = b[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v)) throw new InvalidArgumentError(`invalid value for ${k}: expected an integer`);
    return v;
  };
  const rp = b["RestartPolicy"];
  let restartPolicy: ContainerUpdate["restartPolicy"];
  if (rp && typeof rp === "object") {
    const name = (rp as Record<string, unknown>)["Name"] ?? "";
    if (!["", "no", "always", "unless-stopped", "on-failure"].includes(String(name))) throw new InvalidArgumentError(`invalid restart policy '${String(name)}'`);
    const max = Number((rp as Record<string, unknown>)["MaximumRetryCount"] ?? 0);
    if (name !== "on-failure" && max !== 0) throw new InvalidArgumentError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
    restartPolicy = { name: name as NonNullable<ContainerUpdate["restartPolicy"]>["name"], maximumRetryCount: max };
  }
  return {
    memory: num("Memory"), memorySwap: num("MemorySwap"), nanoCpus: num("NanoCpus"), cpuShares: num("CpuShares"),
    cpuQuota: num("CpuQuota"), cpuPeriod: num("CpuPeriod"), pidsLimit: num("PidsLimit"), restartPolicy,
  };
}

function isLive(rec: ContainerRecord): boolean {
  return rec.state.status === "running" || rec.state.status === "paused";
}

export function addObserveRoutes(r: Router, deps: ObserveRouteDeps): void {
  const svc = deps.containers;
  const cgroups = new ContainerCgroups(deps.cgroupParent);
  const sampler = deps.cpuSampler ?? new CpuSampler({ containers: svc, cgroups });
  sampler.start();

  r.add("GET", "/containers/{id}/top", async (ctx) => {
    const rec = svc.get(ctx.params["id"]!);
    if (!isLive(rec) || !("pid" in rec.state)) throw new ConflictError(`Container ${rec.id} is not running`);
    const layout = await cgroups.layout();
    const pids = await layout.pids(await cgroups.pathOf(rec.id, rec.state.pid));
    const top = await topProcesses(pids.length ? pids : [rec.state.pid], ctx.query.str("ps_args"));
    sendJson(ctx.res, 200, { Titles: top.titles, Processes: top.processes });
  });

  r.add("GET", "/containers/{id}/stats", async (ctx) => {
    const ref = ctx.params["id"]!;
    let rec = svc.get(ref);
    const stream = ctx.query.bool("stream", true);
    const oneShot = ctx.query.bool("one-shot");
    if (oneShot && stream) throw new InvalidArgumentError("cannot have stream=true and one-shot=true");
    const sample = () => (isLive(rec) ? sampleStats(cgroups, rec).catch(() => undefined) : Promise.resolve(undefined));
    if (!stream) {
      let prev: CpuSnapshot | undefined;
      let cur = await sample();
      if (!oneShot && cur) {
        // precpu from the background sampler when it has a snapshot old enough (cpu-sampler.ts);
        // otherwise (a container started less than a second ago) Docker's way: wait for a second sample
        prev = "pid" in rec.state ? sampler.previous(rec.id, rec.state.pid) : undefined;
        if (!prev) {
          const first = cur;
          prev = first;
          await sleep(1000, undefined, { signal: ctx.signal }).catch(() => {});
          rec = svc.find(rec.id) ?? rec;
          cur = (await sample()) ?? first;
        }
      }
      sendJson(ctx.res, 200, toApiStats(rec, cur, prev));
      return;
    }
    ctx.res.writeHead(200, { "Content-Type": "application/json" });
    let prev: StatsSample | undefined;
    while (!ctx.signal.aborted) {
      const cur = await sample();
      if (!writeLine(ctx.res, toApiStats(rec, cur, prev))) break;
      prev = cur;
      if (!cur) break; // stopped: Docker sends one zero object and ends
      await sleep(1000, undefined, { signal: ctx.signal }).catch(() => {});
      const now = svc.find(rec.id);
      if (!now) break;
      rec = now;
    }
    if (!ctx.res.writableEnded) ctx.res.end();
  });

  r.add("POST", "/containers/{id}/update", async (ctx) => {
    const body = await readJsonObject(ctx.req, true);
    const { warnings } = await updateContainer(svc, ctx.params["id"]!, parseUpdateBody(body));
    sendJson(ctx.res, 200, { Warnings: warnings });
  });
}

function writeLine(res: ServerResponse, v: unknown): boolean {
  if (res.writableEnded || res.destroyed) return false;
  res.write(JSON.stringify(v) + "\n");
  return true;
}
