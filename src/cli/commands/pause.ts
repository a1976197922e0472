/** `berth pause|unpause CONTAINER...`: one module, the action chosen by the command table's preset. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { forEachTarget } from "../multi-target.js";

export function define(cmd: Command, ctx: CliContext, preset?: Record<string, string>): void {
  const unpause = preset?.action === "unpause";
  cmd
    .usage("CONTAINER [CONTAINER...]")
    .argument("<containers...>")
    .action(async (containers: string[]) => {
      const client = await ctx.client();
      await forEachTarget(ctx, containers, async (name) => {
        await (unpause ? client.containerOps.unpause(name) : client.containerOps.pause(name));
        return name;
      });
    });
}
