/** `berth update [--memory --memory-swap --cpus --cpu-shares --pids-limit --restart …] CONTAINER...` */
import type { Command } from "commander";
import type { ContainerUpdateRequest } from "../../client/index.js";
import type { CliContext } from "../context.js";
import { forEachTarget } from "../multi-target.js";
import { FlagError, parseCpus, parseRamBytes, parseRestart, parseSwap } from "../options/parsers.js";

export interface UpdateFlags {
  memory?: string;
  memorySwap?: string;
  memoryReservation?: string;
  cpus?: string;
  cpuShares?: string;
  cpuPeriod?: string;
  cpuQuota?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: string;
  blkioWeight?: string;
  restart?: string;
}

function integer(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw new FlagError(`invalid argument "${text}" for "${flag}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number(text);
}

/** Flags → the update body; only the flags given are sent (pure, for tests). */
export function buildUpdateRequest(flags: UpdateFlags): ContainerUpdateRequest {
  const body: ContainerUpdateRequest = {};
  if (flags.memory !== undefined) body.Memory = parseRamBytes(flags.memory);
  if (flags.memorySwap !== undefined) body.MemorySwap = parseSwap(flags.memorySwap);
  if (flags.memoryReservation !== undefined) body.MemoryReservation = parseRamBytes(flags.memoryReservation);
  if (flags.cpus !== undefined) body.NanoCpus = parseCpus(flags.cpus);
  if (flags.cpuShares !== undefined) body.CpuShares = integer("--cpu-shares", flags.cpuShares);
  if (flags.cpuPeriod !== undefined) body.CpuPeriod = integer("--cpu-period", flags.cpuPeriod);
  if (flags.cpuQuota !== undefined) body.CpuQuota = integer("--cpu-quota", flags.cpuQuota);
  if (flags.cpusetCpus !== undefined) body.CpusetCpus = flags.cpusetCpus;
  if (flags.cpusetMems !== undefined) body.CpusetMems = flags.cpusetMems;
  if (flags.pidsLimit !== undefined) body.PidsLimit = integer("--pids-limit", flags.pidsLimit);
  if (flags.blkioWeight !== undefined) body.BlkioWeight = integer("--blkio-weight", flags.blkioWeight);
  if (flags.restart !== undefined) body.RestartPolicy = parseRestart(flags.restart);
  if (Object.keys(body).length === 0) throw new FlagError("you must provide one or more flags when using this command");
  return body;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] CONTAINER [CONTAINER...]")
    .argument("<containers...>")
    .option("--blkio-weight <uint16>", "Block IO (relative weight), between 10 and 1000, or 0 to disable")
    .option("--cpu-period <int>", "Limit CPU CFS (Completely Fair Scheduler) period")
    .option("--cpu-quota <int>", "Limit CPU CFS (Completely Fair Scheduler) quota")
    .option("-c, --cpu-shares <int>", "CPU shares (relative weight)")
    .option("--cpus <decimal>", "Number of CPUs")
    .option("--cpuset-cpus <string>", "CPUs in which to allow execution (0-3, 0,1)")
    .option("--cpuset-mems <string>", "MEMs in which to allow execution (0-3, 0,1)")
    .option("-m, --memory <bytes>", "Memory limit")
    .option("--memory-reservation <bytes>", "Memory soft limit")
    .option("--memory-swap <bytes>", "Swap limit equal to memory plus swap: -1 to enable unlimited swap")
    .option("--pids-limit <int>", "Tune container pids limit (set -1 for unlimited)")
    .option("--restart <string>", "Restart policy to apply when a container exits")
    .action(async (containers: string[], flags: UpdateFlags) => {
      const body = buildUpdateRequest(flags);
      const client = await ctx.client();
      await forEachTarget(ctx, containers, async (name) => {
        const res = await client.containerOps.update(name, body);
        for (const warning of res?.Warnings ?? []) ctx.stderr.write(`${warning}\n`);
        return name;
      });
    });
}
