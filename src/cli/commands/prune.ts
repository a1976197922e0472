/**
 * `container prune`, `image prune [-a]`, `system prune [-a]`, all `[-f] [--filter K=V]`:
 * confirm (unless -f), prune, print what went and "Total reclaimed space: …"
 * like the docker CLI. The preset picks the kind.
 */
import { confirm } from "../confirm.js";
import type { Command } from "commander";
import type { EngineClient, Filters } from "../../client/index.js";
import type { CliContext } from "../context.js";
import { humanSize } from "../format/human.js";
import { parseFilters } from "./ps.js";

interface PruneFlags {
  force?: boolean;
  all?: boolean;
  volumes?: boolean;
  filter: string[];
}

const WARNINGS: Record<string, (all: boolean, volumes: boolean) => string> = {
  container: () => "WARNING! This will remove all stopped containers.",
  image: (all) => (all ? "WARNING! This will remove all images without at least one container associated to them." : "WARNING! This will remove all dangling images."),
  system: (all, volumes) =>
    `WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n${volumes ? "  - all anonymous volumes not used by at least one container\n" : ""}  - ${all ? "all images without at least one container associated to them" : "all dangling images"}\n  - all build cache`,
};

async function pruneVolumes(ctx: CliContext, client: EngineClient, filters: Filters): Promise<number> {
  const report = await client.system.pruneVolumes(filters);
  if (report.VolumesDeleted?.length) ctx.stdout.write(`Deleted Volumes:\n${report.VolumesDeleted.join("\n")}\n\n`);
  return report.SpaceReclaimed ?? 0;
}

async function pruneContainers(ctx: CliContext, client: EngineClient, filters: Filters): Promise<number> {
  const report = await client.system.pruneContainers(filters);
  if (report.ContainersDeleted?.length) ctx.stdout.write(`Deleted Containers:\n${report.ContainersDeleted.join("\n")}\n\n`);
  return report.SpaceReclaimed ?? 0;
}

async function pruneImages(ctx: CliContext, client: EngineClient, filters: Filters, all: boolean): Promise<number> {
  const report = await client.system.pruneImages({ ...filters, dangling: [all ? "false" : "true"] });
  if (report.ImagesDeleted?.length) {
    const lines = report.ImagesDeleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`));
    ctx.stdout.write(`Deleted Images:\n${lines.join("\n")}\n\n`);
  }
  return report.SpaceReclaimed ?? 0;
}

async function pruneNetworks(ctx: CliContext, client: EngineClient, filters: Filters): Promise<void> {
  const report = await client.system.pruneNetworks(filters).catch(() => undefined);
  if (report?.NetworksDeleted?.length) ctx.stdout.write(`Deleted Networks:\n${report.NetworksDeleted.join("\n")}\n\n`);
}

export function define(cmd: Command, ctx: CliContext, preset?: Record<string, string>): void {
  const kind = preset?.kind ?? "container";
  cmd.option("-f, --force", "Do not prompt for confirmation");
  if (kind === "system") cmd.option("--volumes", "Prune anonymous volumes");
  if (kind !== "container") cmd.option("-a, --all", kind === "image" ? "Remove all unused images, not just dangling ones" : "Remove all unused images not just dangling ones");
  cmd
    .option("--filter <filter>", "Provide filter values (e.g. \"until=<timestamp>\")", (v: string, p: string[]) => [...p, v], [])
    .action(async (flags: PruneFlags) => {
      const all = Boolean(flags.all);
      if (!flags.force && !(await confirm(ctx, WARNINGS[kind]!(all, Boolean(flags.volumes))))) return;
      const filters = parseFilters(flags.filter);
      const client = await ctx.client();
      let reclaimed = 0;
      if (kind === "container" || kind === "system") reclaimed += await pruneContainers(ctx, client, filters);
      if (kind === "system") await pruneNetworks(ctx, client, filters);
      if (kind === "system" && flags.volumes) reclaimed += await pruneVolumes(ctx, client, filters);
      if (kind === "image" || kind === "system") reclaimed += await pruneImages(ctx, client, filters, all);
      ctx.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    });
}
