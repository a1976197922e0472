/** `berth images` / `image ls`: one row per tag (06 transcript). */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { IMAGES_DEFAULT_FORMAT, IMAGES_HEADERS, toImageRows } from "../format/image-rows.js";
import { renderRows } from "../format/output-format.js";
import { parseFilters } from "./ps.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("[repository]")
    .option("-a, --all", "Show all images (default hides intermediate images)")
    .option("-q, --quiet", "Only show image IDs")
    .option("--format <string>", "Format output using a custom template")
    .option("-f, --filter <filter>", "Filter output based on conditions provided", (v: string, p: string[]) => [...p, v], [])
    .option("--no-trunc", "Don't truncate output")
    .option("--digests", "Show digests")
    .action(async (repository: string | undefined, flags: { all?: boolean; quiet?: boolean; format?: string; filter: string[]; trunc: boolean; digests?: boolean }) => {
      const client = await ctx.client();
      const filters = parseFilters(flags.filter);
      if (repository) (filters.reference ??= []).push(repository);
      const images = await client.listImages({ all: flags.all, filters });
      images.sort((a, b) => b.Created - a.Created);
      const rows = images.flatMap((image) => toImageRows(image, { truncate: flags.trunc }));
      if (flags.quiet) {
        // -q lists each image once even when it has several tags.
        for (const id of new Set(rows.map((r) => r.ID))) ctx.stdout.write(id + "\n");
        return;
      }
      const defaultFormat = flags.digests ? IMAGES_DEFAULT_FORMAT.replace("{{.Tag}}", "{{.Tag}}\t{{.Digest}}") : IMAGES_DEFAULT_FORMAT;
      ctx.stdout.write(renderRows({ format: flags.format, defaultFormat, headers: IMAGES_HEADERS }, rows));
    });
}
