/**
 * rlimits: Docker's defaults, clamped to the host.
 *
 * A container may never ask for a higher hard rlimit than berthd's own: root
 * without CAP_SYS_RESOURCE (as on these hosts, hard RLIMIT_NOFILE 20000) gets
 * EPERM from setrlimit and runc fails the whole create with
 * "error setting rlimit type 7: operation not permitted". Docker's daemon
 * runs with nofile 1048576 (its systemd unit), which containers inherit; berth
 * asks for the same and clamps every limit (default or --ulimit) to the host.
 */
import type { Ulimit } from "../runtime-driver.js";
import type { OciRlimit } from "./oci-spec.js";

/** Docker's effective default: containers inherit dockerd's nofile 1048576. */
export const DEFAULT_ULIMITS: readonly Ulimit[] = [{ name: "nofile", soft: 1048576, hard: 1048576 }];

/** /proc/self/limits row titles → Docker's --ulimit names. */
const PROC_LIMIT_NAMES: Record<string, string> = {
  "Max cpu time": "cpu",
  "Max file size": "fsize",
  "Max data size": "data",
  "Max stack size": "stack",
  "Max core file size": "core",
  "Max resident set": "rss",
  "Max processes": "nproc",
  "Max open files": "nofile",
  "Max locked memory": "memlock",
  "Max address space": "as",
  "Max file locks": "locks",
  "Max pending signals": "sigpending",
  "Max msgqueue size": "msgqueue",
  "Max nice priority": "nice",
  "Max realtime priority": "rtprio",
  "Max realtime timeout": "rttime",
};

/** Parses /proc/<pid>/limits into hard limits by Docker name; "unlimited" → undefined. */
export function parseHardLimits(procLimits: string): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const line of procLimits.split("\n")) {
    for (const [title, name] of Object.entries(PROC_LIMIT_NAMES)) {
      if (!line.startsWith(title + " ")) continue;
      const cols = line.slice(title.length).trim().split(/\s+/);
      const hard = cols[1];
      out[name] = hard === undefined || hard === "unlimited" ? undefined : Number(hard);
    }
  }
  return out;
}

/**
 * Merges user ulimits over the defaults (by name), clamps each to the host's
 * hard limit (soft never above hard) and converts to OCI rlimits.
 */
export function toOciRlimits(ulimits: readonly Ulimit[], hardLimits: Record<string, number | undefined>): OciRlimit[] {
  const byName = new Map<string, Ulimit>();
  for (const u of DEFAULT_ULIMITS) byName.set(u.name, u);
  for (const u of ulimits) byName.set(u.name, u);
  return [...byName.values()].map((u) => {
    const hostHard = hardLimits[u.name];
    // Docker stores "unlimited" as -1; the spec wants an unsigned max.
    let hard = u.hard < 0 ? Number.MAX_SAFE_INTEGER : u.hard;
    let soft = u.soft < 0 ? Number.MAX_SAFE_INTEGER : u.soft;
    if (hostHard !== undefined) hard = Math.min(hard, hostHard);
    soft = Math.min(soft, hard);
    return { type: `RLIMIT_${u.name.toUpperCase()}`, soft, hard };
  });
}
