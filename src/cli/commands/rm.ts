/** `berth rm [-f] [-v] CONTAINER...` */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { forEachTarget } from "../multi-target.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<containers...>")
    .option("-f, --force", "Force the removal of a running container (uses SIGKILL)")
    .option("-v, --volumes", "Remove anonymous volumes associated with the container")
    .action(async (containers: string[], flags: { force?: boolean; volumes?: boolean }) => {
      const client = await ctx.client();
      await forEachTarget(ctx, containers, async (name) => {
        await client.removeContainer(name, { force: flags.force, volumes: flags.volumes });
        return name;
      });
    });
}
