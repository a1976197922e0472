/**
 * `berth import [-c CHANGE] [-m MSG] FILE|- [REPOSITORY[:TAG]]`:
 * POST /images/create?fromSrc=- with the tarball streamed as the body; prints
 * the new image ID from the last progress message, as `docker import` does.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";
import { splitRepoTag } from "../format/image-rows.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<file>", "tarball path, or - for STDIN")
    .argument("[reference]")
    .option("-c, --change <list>", "Apply Dockerfile instruction to the created image", (v: string, p: string[]) => [...p, v], [])
    .option("-m, --message <string>", "Set commit message for imported image")
    .option("--platform <string>", "Set platform if server is multi-platform capable")
    .action(async (file: string, reference: string | undefined, flags: { change: string[]; message?: string }) => {
      if (/^https?:\/\//.test(file)) throw new CliError("importing from a URL is not supported yet");
      const source: Readable = file === "-" ? ctx.stdin : createReadStream(file);
      const [repo, tag] = reference ? splitRepoTag(reference) : [undefined, undefined];
      const messages = await (await ctx.client()).importImage(source, {
        repo,
        tag: tag === "<none>" ? undefined : tag,
        message: flags.message,
        changes: flags.change,
      });
      const last = messages.at(-1);
      if (last?.status) ctx.stdout.write(last.status.trim() + "\n");
    });
}
