/**
 * Pure parsers for the cgroup and procfs files that `docker stats` and
 * `docker top` read. One function per file format; no I/O here, so each is
 * unit-tested on literal file contents (parse.test.ts).
 *
 * Formats (kernel Documentation/admin-guide/cgroup-v1/*, cgroup-v2.rst):
 *  - single value:  "123\n" or "max\n" (v2 limits; v1 uses a huge number instead)
 *  - flat keyed:    "key value\n" per line (memory.stat, cpu.stat, cpuacct.stat)
 *  - space list:    "1 2 3\n" (cpuacct.usage_percpu)
 *  - nested keyed:  "8:0 rbytes=1 wbytes=2 …" per device (v2 io.stat)
 *  - v1 blkio:      "8:0 Read 4096" per device and op, plus a "Total N" line
 *  - /proc/stat, /proc/<pid>/net/dev, /proc/<pid>/cgroup
 */

/** "123" → 123; "max" (or an empty file) → undefined, meaning "no limit". */
export function parseSingleValue(text: string): number | undefined {
  const t = text.trim();
  if (t === "" || t === "max") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** "key value" lines → { key: value }; lines that are not a number pair are skipped. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [k, v, extra] = line.trim().split(/\s+/);
    if (!k || v === undefined || extra !== undefined) continue;
    const n = Number(v);
    if (Number.isFinite(n)) out[k] = n;
  }
  return out;
}

/** "1 2 3" → [1, 2, 3] (cpuacct.usage_percpu). */
export function parseSpaceList(text: string): number[] {
  return text.trim().split(/\s+/).filter((s) => s !== "").map(Number).filter((n) => Number.isFinite(n));
}

/** One block-I/O counter, shaped like Docker's BlkioStatEntry. `op` keeps the kernel's case ("Read" on v1, "read" on v2). */
export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** v1 blkio.throttle.io_service_bytes / io_serviced: "8:0 Read 4096"; the "Total" lines are dropped. */
export function parseV1Blkio(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+):(\d+)\s+(\S+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

/**
 * v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" → entries
 * for bytes (op "read"/"write") and, separately, for operation counts — the
 * split Docker makes (moby daemon/stats_unix.go: io_service_bytes_recursive,
 * io_serviced_recursive).
 */
export function parseV2IoStat(text: string): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of text.split("\n")) {
    const [dev, ...pairs] = line.trim().split(/\s+/);
    const m = dev ? /^(\d+):(\d+)$/.exec(dev) : null;
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    for (const p of pairs) {
      const [k, v] = p.split("=");
      const value = Number(v);
      if (!Number.isFinite(value)) continue;
      if (k === "rbytes") bytes.push({ major, minor, op: "read", value });
      else if (k === "wbytes") bytes.push({ major, minor, op: "write", value });
      else if (k === "rios") ios.push({ major, minor, op: "read", value });
      else if (k === "wios") ios.push({ major, minor, op: "write", value });
    }
  }
  return { bytes, ios };
}

/** USER_HZ: the unit of /proc/stat and cpuacct.stat; 100 on every Linux ABI Docker supports. */
export const CLOCK_TICKS_PER_SEC = 100;

/**
 * /proc/stat → the host's total CPU time in nanoseconds (Docker's
 * system_cpu_usage: the sum of the first seven fields of the "cpu" line,
 * user..softirq, in ticks) and the number of "cpuN" lines (online_cpus).
 */
export function parseProcStat(text: string): { systemNs: number; onlineCpus: number } {
  let systemNs = 0;
  let onlineCpus = 0;
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[0] === "cpu") {
      const ticks = f.slice(1, 8).reduce((a, s) => a + (Number(s) || 0), 0);
      systemNs = (ticks * 1e9) / CLOCK_TICKS_PER_SEC;
    } else if (f[0] && /^cpu\d+$/.test(f[0])) onlineCpus++;
  }
  return { systemNs, onlineCpus };
}

export interface NetDevCounters {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** /proc/<pid>/net/dev (the interfaces of that process' network namespace) → counters by interface. */
export function parseNetDev(text: string): Record<string, NetDevCounters> {
  const out: Record<string, NetDevCounters> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i < 0) continue;
    const name = line.slice(0, i).trim();
    const f = line.slice(i + 1).trim().split(/\s+/).map(Number);
    // receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs drop …
    if (!name || f.length < 12 || f.some((n) => !Number.isFinite(n))) continue;
    out[name] = { rx_bytes: f[0]!, rx_packets: f[1]!, rx_errors: f[2]!, rx_dropped: f[3]!, tx_bytes: f[8]!, tx_packets: f[9]!, tx_errors: f[10]!, tx_dropped: f[11]! };
  }
  return out;
}

/**
 * /proc/<pid>/cgroup → { controller: path }. v1 lines are "4:memory:/berth/id"
 * (one line may name several controllers: "2:cpu,cpuacct:/…"); the v2 line is
 * "0::/berth/id" and is returned under the key "".
 */
export function parseProcCgroup(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const ctls = m[1] === "" ? [""] : m[1]!.split(",");
    for (const c of ctls) out[c] = m[2]!;
  }
  return out;
}

/** cgroup.procs: one pid per line. */
export function parsePids(text: string): number[] {
  return text.split("\n").map((s) => s.trim()).filter((s) => /^\d+$/.test(s)).map(Number);
}
