/** `berth diff CONTAINER`: filesystem changes as docker prints them, "A /path", "C /path", "D /path". */
import type { Command } from "commander";
import type { CliContext } from "../context.js";

const KIND = ["C", "A", "D"] as const;

export function define(cmd: Command, ctx: CliContext): void {
  cmd.argument("<container>").action(async (container: string) => {
    const client = await ctx.client();
    for (const change of (await client.containerOps.changes(container)) ?? []) ctx.stdout.write(`${KIND[change.Kind] ?? "?"} ${change.Path}\n`);
  });
}
