/** `berth wait CONTAINER...`: prints each exit status; the command itself exits 0 unless a wait failed. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { forEachTarget } from "../multi-target.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd.argument("<containers...>").action(async (containers: string[]) => {
    const client = await ctx.client();
    await forEachTarget(ctx, containers, async (name) => String((await client.wait(name, { condition: "not-running" })).StatusCode));
  });
}
