/**
 * Reads a container's resource counters from its cgroup, on either cgroup
 * layout, detected at run time (never assumed):
 *
 *  - v2 (unified): /sys/fs/cgroup/cgroup.controllers exists; every file of a
 *    cgroup lives in one dir: /sys/fs/cgroup/<path>/{cpu.stat, memory.current,
 *    memory.max, memory.stat, pids.current, pids.max, io.stat, cgroup.procs}.
 *  - v1 / hybrid: one hierarchy per controller, /sys/fs/cgroup/<controller>/<path>/.
 *    The mount may combine controllers ("cpu,cpuacct", often with "cpu" and
 *    "cpuacct" symlinks) or keep them apart; the dir is found by name, split at ",".
 *
 * A cgroup *path* is relative to the hierarchy root, e.g. "/berth/<id>" (the
 * OCI cgroupsPath berth gives runc). Units out: nanoseconds and bytes, the
 * units of Docker's stats JSON; v2's microsecond counters are converted here.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import {
  CLOCK_TICKS_PER_SEC,
  type BlkioEntry,
  parseFlatKeyed,
  parsePids,
  parseSingleValue,
  parseSpaceList,
  parseV1Blkio,
  parseV2IoStat,
} from "./parse.js";

export interface CgroupSample {
  cpu: {
    totalNs: number;
    /** v1 only (cpuacct.usage_percpu); v2 has no per-CPU counter. */
    perCpuNs?: number[];
    kernelNs: number;
    userNs: number;
    throttling: { periods: number; throttledPeriods: number; throttledTimeNs: number };
  };
  memory: { usage: number; maxUsage?: number; limit?: number; stats: Record<string, number> };
  pids: { current: number; limit?: number };
  blkio: { serviceBytes: BlkioEntry[]; serviced: BlkioEntry[] };
}

export class CgroupLayout {
  private constructor(
    readonly version: 1 | 2,
    readonly root: string,
    /** v1: controller name → its hierarchy's mount dir. */
    private readonly v1Dirs: Map<string, string>,
  ) {}

  static async detect(root = "/sys/fs/cgroup"): Promise<CgroupLayout> {
    if (await exists(path.join(root, "cgroup.controllers"))) return new CgroupLayout(2, root, new Map());
    const dirs = new Map<string, string>();
    for (const name of await fs.readdir(root).catch(() => [] as string[])) {
      for (const ctl of name.split(",")) if (!dirs.has(ctl) || name === ctl) dirs.set(ctl, path.join(root, name));
    }
    return new CgroupLayout(1, root, dirs);
  }

  /** The directory holding `controller`'s files for the cgroup at `cgPath`. */
  dir(controller: string, cgPath: string): string {
    if (this.version === 2) return path.join(this.root, cgPath);
    return path.join(this.v1Dirs.get(controller) ?? path.join(this.root, controller), cgPath);
  }

  /** The pids in the cgroup (every thread group, not only the container's init). */
  async pids(cgPath: string): Promise<number[]> {
    const ctls = this.version === 2 ? [""] : ["pids", "memory", "cpu", "cpuacct"];
    for (const c of ctls) {
      const text = await fs.readFile(path.join(this.dir(c, cgPath), "cgroup.procs"), "utf8").catch(() => undefined);
      if (text !== undefined) return parsePids(text);
    }
    return [];
  }

  async sample(cgPath: string): Promise<CgroupSample> {
    return this.version === 2 ? this.sampleV2(cgPath) : this.sampleV1(cgPath);
  }

  private async sampleV2(cgPath: string): Promise<CgroupSample> {
    const d = this.dir("", cgPath);
    const [cpu, memCur, memMax, memPeak, memStat, pidsCur, pidsMax, io] = await Promise.all([
      readText(d, "cpu.stat"),
      readText(d, "memory.current"),
      readText(d, "memory.max"),
      readText(d, "memory.peak"),
      readText(d, "memory.stat"),
      readText(d, "pids.current"),
      readText(d, "pids.max"),
      readText(d, "io.stat"),
    ]);
    const c = parseFlatKeyed(cpu);
    const ioStat = parseV2IoStat(io);
    return {
      cpu: {
        totalNs: (c["usage_usec"] ?? 0) * 1000,
        kernelNs: (c["system_usec"] ?? 0) * 1000,
        userNs: (c["user_usec"] ?? 0) * 1000,
        throttling: { periods: c["nr_periods"] ?? 0, throttledPeriods: c["nr_throttled"] ?? 0, throttledTimeNs: (c["throttled_usec"] ?? 0) * 1000 },
      },
      memory: { usage: parseSingleValue(memCur) ?? 0, maxUsage: parseSingleValue(memPeak), limit: parseSingleValue(memMax), stats: parseFlatKeyed(memStat) },
      pids: { current: parseSingleValue(pidsCur) ?? 0, limit: parseSingleValue(pidsMax) },
      blkio: { serviceBytes: ioStat.bytes, serviced: ioStat.ios },
    };
  }

  private async sampleV1(cgPath: string): Promise<CgroupSample> {
    const acct = this.dir("cpuacct", cgPath);
    const cpuDir = this.dir("cpu", cgPath);
    const mem = this.dir("memory", cgPath);
    const pids = this.dir("pids", cgPath);
    const blk = this.dir("blkio", cgPath);
    const [usage, percpu, acctStat, cpuStat, memUsage, memMax, memLimit, memStat, pidsCur, pidsMax, bytesRec, bytes, servicedRec, serviced] = await Promise.all([
      readText(acct, "cpuacct.usage"),
      readText(acct, "cpuacct.usage_percpu"),
      readText(acct, "cpuacct.stat"),
      readText(cpuDir, "cpu.stat"),
      readText(mem, "memory.usage_in_bytes"),
      readText(mem, "memory.max_usage_in_bytes"),
      readText(mem, "memory.limit_in_bytes"),
      readText(mem, "memory.stat"),
      readText(pids, "pids.current"),
      readText(pids, "pids.max"),
      readText(blk, "blkio.throttle.io_service_bytes_recursive"),
      readText(blk, "blkio.throttle.io_service_bytes"),
      readText(blk, "blkio.throttle.io_serviced_recursive"),
      readText(blk, "blkio.throttle.io_serviced"),
    ]);
    const ticks = parseFlatKeyed(acctStat);
    const thr = parseFlatKeyed(cpuStat);
    const tickNs = 1e9 / CLOCK_TICKS_PER_SEC;
    const rec = parseV1Blkio(bytesRec);
    const recIos = parseV1Blkio(servicedRec);
    return {
      cpu: {
        totalNs: parseSingleValue(usage) ?? 0,
        perCpuNs: parseSpaceList(percpu),
        kernelNs: (ticks["system"] ?? 0) * tickNs,
        userNs: (ticks["user"] ?? 0) * tickNs,
        throttling: { periods: thr["nr_periods"] ?? 0, throttledPeriods: thr["nr_throttled"] ?? 0, throttledTimeNs: thr["throttled_time"] ?? 0 },
      },
      memory: { usage: parseSingleValue(memUsage) ?? 0, maxUsage: parseSingleValue(memMax), limit: parseSingleValue(memLimit), stats: parseFlatKeyed(memStat) },
      pids: { current: parseSingleValue(pidsCur) ?? 0, limit: parseSingleValue(pidsMax) },
      blkio: { serviceBytes: rec.length ? rec : parseV1Blkio(bytes), serviced: recIos.length ? recIos : parseV1Blkio(serviced) },
    };
  }
}

/** A missing file (controller not enabled, container gone) reads as empty: every parser treats "" as "nothing". */
async function readText(dir: string, file: string): Promise<string> {
  return fs.readFile(path.join(dir, file), "utf8").catch(() => "");
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
