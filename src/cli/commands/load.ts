/** `berth load [-i FILE] [-q]`: POST /images/load?quiet=1 with the archive as a chunked body; prints the "stream" lines (06 transcript). */
import { createReadStream } from "node:fs";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .option("-i, --input <file>", "Read from tar archive file, instead of STDIN")
    .option("-q, --quiet", "Suppress the load output")
    .action(async (flags: { input?: string; quiet?: boolean }) => {
      if (!flags.input && process.stdin.isTTY) {
        throw new CliError("requested load from stdin, but stdin is empty");
      }
      const source = flags.input ? createReadStream(flags.input) : ctx.stdin;
      // The docker CLI always asks for quiet=1 when not on a terminal; the "stream" lines are still sent.
      await (await ctx.client()).loadImage(source, {
        quiet: true,
        onProgress: (message) => {
          if (message.stream && !flags.quiet) ctx.stdout.write(message.stream);
        },
      });
    });
}
