/** `berth rmi [-f] IMAGE...` / `image rm`: prints "Untagged: x" / "Deleted: sha256:…" lines (06 transcript). */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { forEachTarget } from "../multi-target.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<images...>")
    .option("-f, --force", "Force removal of the image")
    .option("--no-prune", "Do not delete untagged parents")
    .action(async (images: string[], flags: { force?: boolean; prune: boolean }) => {
      const client = await ctx.client();
      await forEachTarget(ctx, images, async (name) => {
        const items = await client.removeImage(name, { force: flags.force, noPrune: !flags.prune });
        const lines = items.map((item) => (item.Untagged ? `Untagged: ${item.Untagged}` : `Deleted: ${item.Deleted}`));
        return lines.length > 0 ? lines.join("\n") : undefined;
      });
    });
}
