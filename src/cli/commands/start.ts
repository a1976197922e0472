/** `berth start [-a] [-i] CONTAINER...`: with -a, attach first and exit with the container's status. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, ContainerExit } from "../exit-codes.js";
import { forEachTarget } from "../multi-target.js";
import { attachStartWait } from "../container-session.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] CONTAINER [CONTAINER...]")
    .argument("<containers...>")
    .option("-a, --attach", "Attach STDOUT/STDERR and forward signals")
    .option("-i, --interactive", "Attach container's STDIN")
    .action(async (containers: string[], flags: { attach?: boolean; interactive?: boolean }) => {
      const client = await ctx.client();
      if (flags.attach || flags.interactive) {
        if (containers.length > 1) throw new CliError("you cannot start and attach multiple containers at once");
        const info = await client.inspectContainer(containers[0]!);
        if (info.Config.Tty) throw new CliError("TTY containers are not supported yet");
        const status = await attachStartWait(ctx, client, info.Id, {
          stdin: Boolean(flags.interactive) && Boolean(info.Config.OpenStdin),
          tty: false,
          condition: info.HostConfig.AutoRemove ? "removed" : "next-exit",
          proxySignals: true,
        });
        if (status !== 0) throw new ContainerExit(status);
        return;
      }
      await forEachTarget(ctx, containers, async (name) => {
        await client.startContainer(name);
        return name;
      });
    });
}
