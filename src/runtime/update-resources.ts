/**
 * `<runtime> update`: changes a running container's cgroup limits in place
 * (docker update). runc and crun take the same flags; the values are the OCI
 * resources that create would have written (spec/resource-opts.ts
 * toOciResources), so Docker's translations (NanoCpus → quota/period,
 * MemorySwap 0 → 2 × Memory, -1 → unlimited) apply unchanged.
 *
 * Only limits that are set are passed: a flag left out keeps its current
 * value in the cgroup. runc writes memory and memory+swap in the order the
 * kernel accepts (raising swap before memory when both grow), so both are
 * always given together.
 */
import type { ResourceLimits } from "./runtime-driver.js";
import { runtimeArgs, type RuntimeCli } from "./runtime-args.js";
import { toOciResources } from "./spec/resource-opts.js";

/** argv for `<runtime> --root <root> update [flags] <id>`; pure. */
export function updateArgs(cli: RuntimeCli, id: string, limits: ResourceLimits, opts: { swapSupported: boolean }): string[] {
  const r = toOciResources(limits, opts);
  const flags: string[] = [];
  if (r.memory?.limit !== undefined) flags.push("--memory", String(r.memory.limit));
  if (r.memory?.swap !== undefined) flags.push("--memory-swap", String(r.memory.swap));
  if (r.cpu?.period !== undefined) flags.push("--cpu-period", String(r.cpu.period));
  if (r.cpu?.quota !== undefined) flags.push("--cpu-quota", String(r.cpu.quota));
  if (r.cpu?.shares !== undefined) flags.push("--cpu-share", String(r.cpu.shares));
  if (r.pids?.limit !== undefined) flags.push("--pids-limit", String(r.pids.limit));
  // runtimeArgs.state gives `<path> --root <root> state <id>`; reuse its prefix so global flags stay in one place
  const prefix = runtimeArgs.state(cli, id).slice(0, -2);
  return [...prefix, "update", ...flags, id];
}
