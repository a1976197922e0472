/** `berth ps` / `container ls`: GET /containers/json, formatted like docker ps (03 transcript). */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { PS_DEFAULT_FORMAT, PS_HEADERS, toContainerRow } from "../format/container-rows.js";
import { renderRows } from "../format/output-format.js";
import { CliError } from "../exit-codes.js";

interface PsFlags {
  all?: boolean;
  quiet?: boolean;
  format?: string;
  filter: string[];
  last?: string;
  latest?: boolean;
  size?: boolean;
  trunc: boolean;
}

/** `--filter status=exited --filter name=web` → {"status":["exited"],"name":["web"]}. */
export function parseFilters(values: string[]): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq <= 0) throw new CliError(`bad format of filter (expected name=value)`, 125);
    (filters[value.slice(0, eq).toLowerCase()] ??= []).push(value.slice(eq + 1));
  }
  return filters;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .option("-a, --all", "Show all containers (default shows just running)")
    .option("-q, --quiet", "Only display container IDs")
    .option("--format <string>", "Format output using a custom template")
    .option("-f, --filter <filter>", "Filter output based on conditions provided", (v: string, p: string[]) => [...p, v], [])
    .option("-n, --last <int>", "Show n last created containers (includes all states)")
    .option("-l, --latest", "Show the latest created container (includes all states)")
    .option("-s, --size", "Display total file sizes")
    .option("--no-trunc", "Don't truncate output")
    .action(async (flags: PsFlags) => {
      const client = await ctx.client();
      const limit = flags.latest ? 1 : flags.last !== undefined ? Number(flags.last) : undefined;
      const containers = await client.listContainers({
        all: flags.all || limit !== undefined,
        limit: limit !== undefined && limit > 0 ? limit : undefined,
        size: flags.size,
        filters: parseFilters(flags.filter),
      });
      const rows = containers.map((c) => toContainerRow(c, { truncate: flags.trunc }));
      if (flags.quiet) {
        for (const row of rows) ctx.stdout.write(row.ID + "\n");
        return;
      }
      const defaultFormat = flags.size ? PS_DEFAULT_FORMAT + "\t{{.Size}}" : PS_DEFAULT_FORMAT;
      ctx.stdout.write(renderRows({ format: flags.format, defaultFormat, headers: PS_HEADERS }, rows));
    });
}
