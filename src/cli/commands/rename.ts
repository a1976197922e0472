/** `berth rename CONTAINER NEW_NAME` */
import type { Command } from "commander";
import type { CliContext } from "../context.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<container>")
    .argument("<new-name>")
    .action(async (container: string, newName: string) => {
      await (await ctx.client()).renameContainer(container, newName);
    });
}
