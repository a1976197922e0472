/**
 * `berth tag SOURCE TARGET[:TAG]`. The docker CLI sends the normalised repo
 * (`repo=docker.io/library/bb-copy&tag=1`, 06 transcript); berth sends what the
 * user typed and leaves normalisation to the daemon, which must accept both.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { splitRepoTag } from "../format/image-rows.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<source>")
    .argument("<target>")
    .action(async (source: string, target: string) => {
      const [repo, tag] = target.includes("@") ? [target, "<none>"] : splitRepoTag(target);
      await (await ctx.client()).tagImage(source, repo, tag === "<none>" ? "latest" : tag);
    });
}
