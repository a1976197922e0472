/**
 * docker update: new resource limits and restart policy for a container.
 *
 * Semantics follow moby (container/container_unix.go UpdateContainer, daemon/update.go):
 *  - a field left at 0 (or absent) keeps its value: the CLI sends every field,
 *    zeros for those the user did not give. PidsLimit is the exception (a
 *    pointer in Docker): present means set, 0 or -1 meaning unlimited.
 *  - NanoCpus and CpuQuota/CpuPeriod exclude each other.
 *  - raising Memory above an existing MemorySwap without a new MemorySwap is refused.
 *  - a restart policy cannot be given to an --rm container.
 * For a running (or paused) container the runtime applies the limits first
 * (`runc update`); the record is saved only when that worked, so inspect and
 * the cgroup agree. A stopped container just gets the record: the next start
 * builds its spec from it.
 */
import { ConflictError, InvalidArgumentError, NotImplementedError } from "../../errors/index.js";
import type { ResourceLimits, RuntimeDriver } from "../../runtime/runtime-driver.js";
import { toOciResources } from "../../runtime/spec/resource-opts.js";
import type { ContainerRecord, HostConfigSpec } from "../containers/types.js";

export interface ContainerUpdate {
  memory?: number;
  memorySwap?: number;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  pidsLimit?: number;
  restartPolicy?: HostConfigSpec["restartPolicy"];
}

export interface UpdateTarget {
  updateRecord(ref: string, change: (rec: ContainerRecord) => Promise<ContainerRecord>): Promise<ContainerRecord>;
  runtimeFor(rec: ContainerRecord): RuntimeDriver;
}

/** The host config after the update; pure, throws the errors Docker gives. */
export function mergeUpdate(hc: HostConfigSpec, u: ContainerUpdate): HostConfigSpec {
  const next = { ...hc };
  if (u.nanoCpus) {
    if ((u.cpuQuota ?? 0) > 0 || (u.cpuPeriod ?? 0) > 0) throw new InvalidArgumentError("Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set");
    next.nanoCpus = u.nanoCpus;
    next.cpuQuota = 0;
    next.cpuPeriod = 0;
  }
  if (u.cpuQuota || u.cpuPeriod) {
    if (next.nanoCpus > 0) throw new ConflictError("Conflicting options: CPU Quota and CPU Period cannot be updated as NanoCPUs has already been set");
    if (u.cpuQuota) next.cpuQuota = u.cpuQuota;
    if (u.cpuPeriod) next.cpuPeriod = u.cpuPeriod;
  }
  if (u.cpuShares) next.cpuShares = u.cpuShares;
  if (u.memory) {
    if (!u.memorySwap && hc.memorySwap > 0 && u.memory > hc.memorySwap) {
      throw new ConflictError("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
    }
    next.memory = u.memory;
  }
  if (u.memorySwap) next.memorySwap = u.memorySwap;
  if (u.pidsLimit !== undefined) next.pidsLimit = u.pidsLimit > 0 ? u.pidsLimit : 0;
  if (u.restartPolicy && u.restartPolicy.name !== "") {
    if (hc.autoRemove && u.restartPolicy.name !== "no") throw new InvalidArgumentError("Restart policy cannot be updated because AutoRemove is enabled for the container");
    next.restartPolicy = u.restartPolicy;
  }
  return next;
}

export function limitsOf(hc: HostConfigSpec): ResourceLimits {
  return { memory: hc.memory, memorySwap: hc.memorySwap, nanoCpus: hc.nanoCpus, cpuShares: hc.cpuShares, cpuQuota: hc.cpuQuota, cpuPeriod: hc.cpuPeriod, pidsLimit: hc.pidsLimit };
}

export async function updateContainer(target: UpdateTarget, ref: string, u: ContainerUpdate): Promise<{ warnings: string[] }> {
  await target.updateRecord(ref, async (rec) => {
    const hostConfig = mergeUpdate(rec.hostConfig, u);
    const limits = limitsOf(hostConfig);
    toOciResources(limits, { swapSupported: true }); // the same validation create applies
    if (rec.state.status === "running" || rec.state.status === "paused") {
      const runtime = target.runtimeFor(rec);
      if (!runtime.update) throw new NotImplementedError(`runtime ${runtime.name} cannot update a running container`);
      await runtime.update(rec.id, limits);
    }
    return { ...rec, hostConfig };
  });
  return { warnings: [] };
}
