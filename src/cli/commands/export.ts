/** `berth export [-o FILE] CONTAINER`: the container's filesystem as a tar, to a file or a non-terminal stdout. */
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";
import { isTerminal } from "../tty/terminal.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<container>")
    .option("-o, --output <file>", "Write to a file, instead of STDOUT")
    .action(async (container: string, flags: { output?: string }) => {
      if (!flags.output && isTerminal(ctx.stdout)) throw new CliError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
      const client = await ctx.client();
      const tar = await client.containerOps.export(container);
      if (flags.output) await pipeline(tar, createWriteStream(flags.output));
      else await pipeline(tar, ctx.stdout, { end: false });
    });
}
