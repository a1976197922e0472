/** `berth attach [--no-stdin] [--sig-proxy] [--detach-keys] CONTAINER`: joins a running container's streams. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, ContainerExit } from "../exit-codes.js";
import { attachRunning } from "../container-session.js";
import { checkTty } from "../tty/check-tty.js";

interface AttachFlags {
  stdin: boolean;
  sigProxy: boolean;
  detachKeys?: string;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] CONTAINER")
    .argument("<container>")
    .option("--no-stdin", "Do not attach STDIN")
    .option("--sig-proxy", "Proxy all received signals to the process (default true)", true)
    .option("--no-sig-proxy", "Do not proxy received signals to the process")
    .option("--detach-keys <string>", "Override the key sequence for detaching a container")
    .action(async (container: string, flags: AttachFlags) => {
      const client = await ctx.client();
      const info = await client.inspectContainer(container);
      // docker attach.go: the same refusals, worded the same.
      if (!info.State.Running) throw new CliError("You cannot attach to a stopped container, start it first");
      if (info.State.Paused) throw new CliError("You cannot attach to a paused container, unpause it first");
      if (info.State.Restarting) throw new CliError("You cannot attach to a restarting container, wait until it is running");
      const tty = Boolean(info.Config.Tty);
      const stdin = flags.stdin && Boolean(info.Config.OpenStdin);
      checkTty(ctx, { attachStdin: stdin, tty });
      // With a TTY, signals reach the process through the terminal; the docker CLI proxies only without one.
      const status = await attachRunning(ctx, client, info.Id, { stdin, tty, proxySignals: flags.sigProxy && !tty, detachKeys: flags.detachKeys });
      if (status !== undefined && status !== 0) throw new ContainerExit(status);
    });
}
