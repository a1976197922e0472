/**
 * cgroup opts: memory (+swap), CPU, pids, and where the cgroup lives.
 *
 * Translations follow moby's daemon (verifyPlatformContainerResources and
 * getMemoryResources/getCPUResources):
 *  - memory: at least 6 MB. memory.swap in the spec is memory+swap (v1
 *    memory.memsw.limit_in_bytes; runc converts it to memory.swap.max =
 *    swap − memory on v2). Docker's default when MemorySwap is 0: 2 × memory;
 *    -1: unlimited swap. Written only where the host can account swap
 *    (v1 memory.memsw.* exists), otherwise runc fails the create.
 *  - NanoCpus → quota/period with period 100000 µs; conflicts with explicit
 *    CpuQuota/CpuPeriod.
 *  - pids: > 0 sets pids.max; 0 or negative is unlimited.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { ResourceLimits } from "../runtime-driver.js";
import type { OciResources } from "./oci-spec.js";
import type { SpecOpt } from "./spec-opt.js";

export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
export const CPU_PERIOD_US = 100_000;

export function toOciResources(r: ResourceLimits, opts: { swapSupported: boolean; oomControl?: boolean }): Omit<OciResources, "devices"> {
  const out: Omit<OciResources, "devices"> = {};
  const memory = r.memory ?? 0;
  const memorySwap = r.memorySwap ?? 0;
  if (memory > 0) {
    if (memory < MIN_MEMORY_BYTES) throw new InvalidArgumentError("Minimum memory limit allowed is 6MB");
    out.memory = { limit: memory };
    if (opts.swapSupported) {
      if (memorySwap === 0) out.memory.swap = 2 * memory;
      else if (memorySwap === -1) out.memory.swap = -1;
      else if (memorySwap < memory) {
        throw new InvalidArgumentError("Minimum memoryswap limit should be larger than memory limit, see usage");
      } else out.memory.swap = memorySwap;
    }
  } else if (memorySwap > 0) {
    throw new InvalidArgumentError("You should always set the Memory limit when using Memoryswap limit, see usage");
  }
  // memory.oom_control exists on cgroup v1 only; v2 has no way to disable the OOM killer,
  // and Docker ignores the flag there (with a warning).
  if (r.oomKillDisable && opts.oomControl) out.memory = { ...(out.memory ?? {}), disableOOMKiller: true };

  const cpu: NonNullable<OciResources["cpu"]> = {};
  if (r.nanoCpus && r.nanoCpus > 0) {
    if ((r.cpuQuota ?? 0) > 0 || (r.cpuPeriod ?? 0) > 0) {
      throw new InvalidArgumentError("Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set");
    }
    cpu.period = CPU_PERIOD_US;
    cpu.quota = Math.round((r.nanoCpus * CPU_PERIOD_US) / 1e9);
  }
  if (r.cpuQuota && r.cpuQuota > 0) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod && r.cpuPeriod > 0) cpu.period = r.cpuPeriod;
  if (r.cpuShares && r.cpuShares > 0) cpu.shares = r.cpuShares;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;

  if (r.pidsLimit && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  return out;
}

export const withResources: SpecOpt = (spec, input, host) => {
  Object.assign(spec.linux.resources, toOciResources(input.resources, { swapSupported: host.swapSupported ?? true, oomControl: host.oomControl ?? false }));
};

export const withCgroupsPath: SpecOpt = (spec, input) => {
  if (!input.cgroupsPath.startsWith("/")) {
    throw new InvalidArgumentError(`cgroupsPath must be absolute: ${input.cgroupsPath}`);
  }
  spec.linux.cgroupsPath = input.cgroupsPath;
};
