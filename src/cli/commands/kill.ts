/** `berth kill [-s SIG] CONTAINER...` */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { forEachTarget } from "../multi-target.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<containers...>")
    .option("-s, --signal <signal>", "Signal to send to the container")
    .action(async (containers: string[], flags: { signal?: string }) => {
      const client = await ctx.client();
      await forEachTarget(ctx, containers, async (name) => {
        await client.killContainer(name, { signal: flags.signal });
        return name;
      });
    });
}
