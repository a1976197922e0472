/** `berth history IMAGE` (06 transcript: IMAGE CREATED CREATED BY SIZE COMMENT). */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { HISTORY_DEFAULT_FORMAT, HISTORY_HEADERS, toHistoryRow } from "../format/image-rows.js";
import { renderRows } from "../format/output-format.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<image>")
    .option("-H, --human [bool]", "Print sizes and dates in human readable format", true)
    .option("-q, --quiet", "Only show image IDs")
    .option("--format <string>", "Format output using a custom template")
    .option("--no-trunc", "Don't truncate output")
    .action(async (image: string, flags: { human: boolean | string; quiet?: boolean; format?: string; trunc: boolean }) => {
      const items = await (await ctx.client()).imageHistory(image);
      const human = flags.human !== "false";
      const rows = items.map((item) => toHistoryRow(item, { truncate: flags.trunc, human }));
      if (flags.quiet) {
        for (const row of rows) ctx.stdout.write(row.ID + "\n");
        return;
      }
      ctx.stdout.write(renderRows({ format: flags.format, defaultFormat: HISTORY_DEFAULT_FORMAT, headers: HISTORY_HEADERS }, rows));
    });
}
