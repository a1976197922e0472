/** `berth save [-o FILE] IMAGE...`: GET /images/get?names=… streamed to a file or stdout (06 transcript). */
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<images...>")
    .option("-o, --output <file>", "Write to a file, instead of STDOUT")
    .action(async (images: string[], flags: { output?: string }) => {
      const toStdout = !flags.output || flags.output === "-";
      if (toStdout && process.stdout.isTTY) {
        throw new CliError("cowardly refusing to save to a terminal. Use the -o flag or redirect");
      }
      const body = await (await ctx.client()).saveImages(images);
      if (toStdout) {
        await pipeline(body, ctx.stdout, { end: false });
      } else {
        await pipeline(body, createWriteStream(flags.output!));
      }
    });
}
