/** `berth stop [-t N] [-s SIG] CONTAINER...` — prints each name as docker does (03 transcript). */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { forEachTarget } from "../multi-target.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<containers...>")
    .option("-t, --time <seconds>", "Seconds to wait before killing the container")
    .option("-s, --signal <signal>", "Signal to send to the container")
    .action(async (containers: string[], flags: { time?: string; signal?: string }) => {
      const client = await ctx.client();
      const timeout = flags.time === undefined ? undefined : Number(flags.time);
      await forEachTarget(ctx, containers, async (name) => {
        await client.stopContainer(name, { timeout, signal: flags.signal });
        return name;
      });
    });
}
