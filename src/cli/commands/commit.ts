/** `berth commit [-a AUTHOR] [-c CHANGE]... [-m MSG] [--pause] CONTAINER [REPO[:TAG]]`: prints the new image ID. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { splitRepoTag } from "../format/image-rows.js";

interface CommitFlags {
  author?: string;
  change: string[];
  message?: string;
  pause: boolean;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] CONTAINER [REPOSITORY[:TAG]]")
    .argument("<container>")
    .argument("[reference]")
    .option("-a, --author <string>", "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")")
    .option("-c, --change <list>", "Apply Dockerfile instruction to the created image", (v: string, p: string[]) => [...p, v], [])
    .option("-m, --message <string>", "Commit message")
    .option("-p, --pause", "Pause container during commit (default true)", true)
    .option("--no-pause", "Do not pause the container during commit")
    .action(async (container: string, reference: string | undefined, flags: CommitFlags) => {
      const [repo, tag] = reference ? splitRepoTag(reference) : [undefined, undefined];
      const client = await ctx.client();
      const res = await client.containerOps.commit(container, {
        repo,
        tag: reference ? (tag === "<none>" ? "latest" : tag) : undefined,
        author: flags.author ?? "",
        comment: flags.message ?? "",
        pause: flags.pause,
        changes: flags.change.length > 0 ? flags.change : undefined,
      });
      ctx.stdout.write(res.Id + "\n");
    });
}
