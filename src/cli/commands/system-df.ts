/** `berth system df [--format TPL]`: docker's summary table of images, containers, volumes and build cache. */
import type { Command } from "commander";
import type { DiskUsage } from "../../client/index.js";
import type { CliContext } from "../context.js";
import { humanSize as humanSize3 } from "../format/human.js";

/** docker system df prints go-units HumanSize (4 significant digits: "1.985MB"). */
const humanSize = (bytes: number) => humanSize3(bytes, 4);
import { renderRows } from "../format/output-format.js";

const DF_FORMAT = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
const DF_HEADERS = { Type: "TYPE", TotalCount: "TOTAL", Active: "ACTIVE", Size: "SIZE", Reclaimable: "RECLAIMABLE" };

const reclaimable = (part: number, total: number) => (total > 0 ? `${humanSize(part)} (${Math.trunc((part * 100) / total)}%)` : humanSize(part));

/** The four summary rows, with docker's reclaimable rules (cli/command/formatter/disk_usage.go). */
export function diskUsageRows(du: DiskUsage) {
  const images = du.Images ?? [];
  const containers = du.Containers ?? [];
  const volumes = du.Volumes ?? [];
  const cache = du.BuildCache ?? [];
  const imageSize = du.LayersSize ?? images.reduce((n, i) => n + (i.Size ?? 0), 0);
  const activeImages = images.filter((i) => (i.Containers ?? 0) > 0);
  const usedImages = activeImages.reduce((n, i) => n + (i.Size ?? 0) - (i.SharedSize > 0 ? i.SharedSize : 0), 0);
  const containerSize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const runningContainers = containers.filter((c) => c.State === "running" || c.State === "paused");
  const idleContainerSize = containers.filter((c) => !runningContainers.includes(c)).reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const volumeSize = volumes.reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const activeVolumes = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0);
  const idleVolumeSize = volumes.filter((v) => !activeVolumes.includes(v)).reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cacheSize = cache.filter((c) => !c.Shared).reduce((n, c) => n + c.Size, 0);
  const idleCache = cache.filter((c) => !c.InUse && !c.Shared).reduce((n, c) => n + c.Size, 0);
  return [
    { Type: "Images", TotalCount: String(images.length), Active: String(activeImages.length), Size: humanSize(imageSize), Reclaimable: reclaimable(imageSize - usedImages, imageSize) },
    { Type: "Containers", TotalCount: String(containers.length), Active: String(runningContainers.length), Size: humanSize(containerSize), Reclaimable: reclaimable(idleContainerSize, containerSize) },
    { Type: "Local Volumes", TotalCount: String(volumes.length), Active: String(activeVolumes.length), Size: humanSize(volumeSize), Reclaimable: reclaimable(idleVolumeSize, volumeSize) },
    { Type: "Build Cache", TotalCount: String(cache.length), Active: String(cache.filter((c) => c.InUse).length), Size: humanSize(cacheSize), Reclaimable: humanSize(idleCache) },
  ];
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd.option("--format <string>", "Format output using a custom template").action(async (flags: { format?: string }) => {
    const client = await ctx.client();
    ctx.stdout.write(renderRows({ format: flags.format, defaultFormat: DF_FORMAT, headers: DF_HEADERS }, diskUsageRows(await client.system.diskUsage())));
  });
}
