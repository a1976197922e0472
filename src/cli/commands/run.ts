/** `berth run`: create + attach + wait + start (container-session.ts), or create + start + print ID with -d. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { ContainerExit } from "../exit-codes.js";
import { addContainerFlags, type ContainerFlags } from "../options/container-flags.js";
import { attachStartWait, createContainer } from "../container-session.js";
import { checkTty, consoleSize } from "../tty/check-tty.js";

interface RunFlags extends ContainerFlags {
  detach?: boolean;
  sigProxy: boolean;
  detachKeys?: string;
}

export function define(cmd: Command, ctx: CliContext): void {
  addContainerFlags(cmd)
    .usage("[OPTIONS] IMAGE [COMMAND] [ARG...]")
    .argument("<image>")
    .argument("[command...]")
    .option("-d, --detach", "Run container in background and print container ID")
    .option("--no-sig-proxy", "Do not proxy received signals to the process")
    .option("--detach-keys <string>", "Override the key sequence for detaching a container")
    // Everything after IMAGE belongs to the container: `run busybox ls -l` must not parse -l.
    .passThroughOptions()
    .action(async (image: string, command: string[], flags: RunFlags) => {
      const detach = Boolean(flags.detach);
      const tty = Boolean(flags.tty);
      // Before anything reaches the daemon, like the docker CLI's runContainer.
      if (!detach) checkTty(ctx, { attachStdin: Boolean(flags.interactive), tty });
      const client = await ctx.client();
      const { id } = await createContainer(ctx, client, { flags, image, command, detach, consoleSize: detach ? undefined : consoleSize(ctx) });
      if (detach) {
        // Like docker (03 transcript) start without waiting on an exit; print the full ID.
        await client.startContainer(id);
        ctx.stdout.write(id + "\n");
        return;
      }
      const status = await attachStartWait(ctx, client, id, {
        stdin: Boolean(flags.interactive),
        tty,
        condition: flags.rm ? "removed" : "next-exit",
        proxySignals: flags.sigProxy,
        detachKeys: flags.detachKeys,
      });
      if (status !== undefined && status !== 0) throw new ContainerExit(status);
    });
}
