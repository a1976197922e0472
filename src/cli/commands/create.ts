/** `berth create`: the create half of run; prints the new container's full ID. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { addContainerFlags, type ContainerFlags } from "../options/container-flags.js";
import { createContainer } from "../container-session.js";

export function define(cmd: Command, ctx: CliContext): void {
  addContainerFlags(cmd)
    .usage("[OPTIONS] IMAGE [COMMAND] [ARG...]")
    .argument("<image>")
    .argument("[command...]")
    .passThroughOptions()
    .action(async (image: string, command: string[], flags: ContainerFlags) => {
      const client = await ctx.client();
      // A created container attaches stdout/stderr like docker create does (for a later start -a).
      const { id } = await createContainer(ctx, client, { flags, image, command, detach: false });
      ctx.stdout.write(id + "\n");
    });
}
