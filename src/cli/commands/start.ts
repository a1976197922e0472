/** `berth start [-a] [-i] [--detach-keys] CONTAINER...`: with -a, attach first and exit with the container's status. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, ContainerExit } from "../exit-codes.js";
import { forEachTarget } from "../multi-target.js";
import { attachRunning, attachStartWait } from "../container-session.js";
import { checkTty } from "../tty/check-tty.js";

interface StartFlags {
  attach?: boolean;
  interactive?: boolean;
  detachKeys?: string;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] CONTAINER [CONTAINER...]")
    .argument("<containers...>")
    .option("-a, --attach", "Attach STDOUT/STDERR and forward signals")
    .option("-i, --interactive", "Attach container's STDIN")
    .option("--detach-keys <string>", "Override the key sequence for detaching a container")
    .action(async (containers: string[], flags: StartFlags) => {
      const client = await ctx.client();
      if (flags.attach || flags.interactive) {
        if (containers.length > 1) throw new CliError("you cannot start and attach multiple containers at once");
        const info = await client.inspectContainer(containers[0]!);
        const tty = Boolean(info.Config.Tty);
        const stdin = Boolean(flags.interactive) && Boolean(info.Config.OpenStdin);
        checkTty(ctx, { attachStdin: stdin, tty });
        const options = { stdin, tty, proxySignals: true, detachKeys: flags.detachKeys };
        // docker start -a on a running container just attaches.
        const status = info.State.Running
          ? await attachRunning(ctx, client, info.Id, options)
          : await attachStartWait(ctx, client, info.Id, { ...options, condition: info.HostConfig.AutoRemove ? "removed" : "next-exit" });
        if (status !== undefined && status !== 0) throw new ContainerExit(status);
        return;
      }
      await forEachTarget(ctx, containers, async (name) => {
        await client.startContainer(name);
        return name;
      });
    });
}
