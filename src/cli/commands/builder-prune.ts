/** `berth builder prune [-a] [-f]`: POST /build/prune; prints what went and the space reclaimed, as docker does. */
import type { Command } from "commander";
import { humanSize } from "../format/human.js";
import type { CliContext } from "../context.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .option("-a, --all", "Remove all unused build cache, not just dangling ones")
    .option("-f, --force", "Do not prompt for confirmation")
    .action(async (flags: { all?: boolean; force?: boolean }) => {
      const r = await (await ctx.client()).pruneBuildCache({ all: flags.all });
      if (r.CachesDeleted?.length) {
        ctx.stdout.write("Deleted build cache objects:\n");
        for (const id of r.CachesDeleted) ctx.stdout.write(`${id}\n`);
        ctx.stdout.write("\n");
      }
      ctx.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`);
    });
}
