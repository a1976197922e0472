/**
 * From a container record to the runtime's SpecInput: the container's
 * environment as Docker completes it (PATH, HOSTNAME, HOME), its mounts in
 * order (user mounts, then the /etc files unless the user mounted over them),
 * resources and security options.
 */
import os from "node:os";
import { InvalidArgumentError } from "../../errors/index.js";
import type { ContainerUser, MountRequest, SpecInput } from "../../runtime/runtime-driver.js";
import type { EtcFiles } from "./etc-files.js";
import type { ContainerRecord, MountSpec } from "./types.js";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function containerEnv(rec: ContainerRecord, hostname: string, home: string): string[] {
  const env = [...rec.config.env];
  const has = (k: string) => env.some((e) => e === k || e.startsWith(k + "="));
  if (!has("PATH")) env.unshift(`PATH=${DEFAULT_PATH}`);
  if (!has("HOSTNAME")) env.push(`HOSTNAME=${hostname}`);
  if (!has("HOME")) env.push(`HOME=${home}`);
  return env;
}

export function toMountRequest(m: MountSpec): MountRequest {
  if (m.type === "bind" || m.type === "volume") {
    const opts = ["rbind", m.readOnly ? "ro" : "rw"];
    if (m.type === "bind" && m.propagation) opts.push(m.propagation);
    return { destination: m.destination, type: "bind", source: m.source, options: opts };
  }
  const opts = ["nosuid", "nodev", "noexec", m.readOnly ? "ro" : "rw"];
  if (m.tmpfsSizeBytes) opts.push(`size=${m.tmpfsSizeBytes}`);
  opts.push(`mode=${(m.tmpfsMode ?? 0o1777).toString(8)}`);
  return { destination: m.destination, type: "tmpfs", source: "tmpfs", options: opts };
}

export function hasNoNewPrivileges(securityOpt: string[] | null): boolean {
  let nnp = false;
  for (const o of securityOpt ?? []) {
    const [k, v] = o.includes("=") ? o.split("=", 2) : o.split(":", 2);
    if (k === "no-new-privileges") {
      if (v === undefined || v === "" || v === "true") nnp = true;
      else if (v === "false") nnp = false;
      else throw new InvalidArgumentError(`invalid --security-opt 2: "${o}"`);
    } else if (k === "seccomp" || k === "apparmor" || k === "label") {
      continue; // accepted; berth applies its defaults (see docs/compat.md)
    } else {
      throw new InvalidArgumentError(`invalid --security-opt 1: "${o}"`);
    }
  }
  return nnp;
}

export function buildSpecInput(args: {
  rec: ContainerRecord;
  rootfs: string;
  etc: EtcFiles;
  user: ContainerUser;
  home: string;
  mounts: MountSpec[];
  cgroupParent: string;
  /** A network namespace to join (berth's sandbox or another container's). */
  netnsPath?: string;
}): SpecInput {
  const { rec, rootfs, etc, user } = args;
  const hc = rec.hostConfig;
  const hostNetwork = hc.networkMode === "host";
  const hostname = hostNetwork ? os.hostname() : rec.config.hostname || rec.id.slice(0, 12);
  const mounts = args.mounts.map(toMountRequest);
  const taken = new Set(mounts.map((m) => m.destination));
  const etcMount = (dst: string, src: string): MountRequest => ({ destination: dst, type: "bind", source: src, options: ["rbind", "rprivate", hc.readonlyRootfs ? "ro" : "rw"] });
  if (!taken.has("/etc/resolv.conf")) mounts.push(etcMount("/etc/resolv.conf", etc.resolvConfPath));
  if (!taken.has("/etc/hostname")) mounts.push(etcMount("/etc/hostname", etc.hostnamePath));
  if (!taken.has("/etc/hosts")) mounts.push(etcMount("/etc/hosts", etc.hostsPath));
  return {
    id: rec.id,
    rootfs,
    readonlyRootfs: hc.readonlyRootfs,
    args: [rec.path, ...rec.args],
    env: containerEnv(rec, hostname, args.home),
    cwd: rec.config.workingDir || "/",
    user,
    tty: rec.config.tty,
    openStdin: rec.config.openStdin,
    hostname,
    mounts,
    network: args.netnsPath ? { mode: "path", path: args.netnsPath } : hostNetwork ? { mode: "host" } : { mode: "none" },
    resources: {
      memory: hc.memory || undefined,
      memorySwap: hc.memorySwap || undefined,
      nanoCpus: hc.nanoCpus || undefined,
      cpuShares: hc.cpuShares || undefined,
      cpuQuota: hc.cpuQuota || undefined,
      cpuPeriod: hc.cpuPeriod || undefined,
      pidsLimit: hc.pidsLimit > 0 ? hc.pidsLimit : undefined,
      oomKillDisable: hc.oomKillDisable || undefined,
    },
    capAdd: hc.capAdd ?? [],
    capDrop: hc.capDrop ?? [],
    privileged: hc.privileged,
    ...(hc.sysctls ? { sysctls: hc.sysctls } : {}),
    noNewPrivileges: hasNoNewPrivileges(hc.securityOpt),
    ulimits: hc.ulimits,
    init: hc.init === true,
    cgroupsPath: `/${args.cgroupParent}/${rec.id}`,
    oomScoreAdj: hc.oomScoreAdj || undefined,
  };
}
