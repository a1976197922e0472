/** `berth top CONTAINER [ps OPTIONS]`: the daemon runs ps; columns aligned as docker's tabwriter(20, 1, 3). */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { alignColumns } from "../format/tabwriter.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("CONTAINER [ps OPTIONS]")
    .argument("<container>")
    .argument("[psOptions...]")
    .passThroughOptions()
    .action(async (container: string, psOptions: string[]) => {
      const client = await ctx.client();
      const top = await client.containerOps.top(container, psOptions.length > 0 ? psOptions.join(" ") : undefined);
      const lines = [top.Titles.join("\t"), ...top.Processes.map((p) => p.join("\t"))];
      ctx.stdout.write(alignColumns(lines, 20));
    });
}
