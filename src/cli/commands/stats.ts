/**
 * `berth stats [-a] [--no-stream] [--no-trunc] [--format TPL] [CONTAINER...]`:
 * one sample per container with --no-stream; otherwise a stream per container
 * and the table redrawn every second (clear screen + home, as docker does).
 */
import type { Command } from "commander";
import type { EngineClient, StatsResponse } from "../../client/index.js";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";
import { renderRows } from "../format/output-format.js";
import { STATS_DEFAULT_FORMAT, STATS_HEADERS, toStatsRow, type StatsRow } from "../format/stats-rows.js";

interface StatsFlags {
  all?: boolean;
  stream: boolean;
  trunc: boolean;
  format?: string;
}

interface Target {
  container: string;
  id: string;
  name: string;
}

async function targets(client: EngineClient, names: string[], all: boolean): Promise<Target[]> {
  if (names.length > 0) {
    return Promise.all(names.map(async (container) => {
      const info = await client.inspectContainer(container);
      return { container, id: info.Id, name: info.Name };
    }));
  }
  const list = await client.listContainers({ all });
  return list.map((c) => ({ container: c.Id.slice(0, 12), id: c.Id, name: c.Names?.[0] ?? "" }));
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] [CONTAINER...]")
    .argument("[containers...]")
    .option("-a, --all", "Show all containers (default shows just running)")
    .option("--format <string>", "Format output using a custom template")
    .option("--no-stream", "Disable streaming stats and only pull the first result")
    .option("--no-trunc", "Do not truncate output")
    .action(async (names: string[], flags: StatsFlags) => {
      const client = await ctx.client();
      const list = await targets(client, names, Boolean(flags.all));
      const render = (rows: StatsRow[]) => renderRows({ format: flags.format, defaultFormat: STATS_DEFAULT_FORMAT, headers: STATS_HEADERS }, rows);
      const row = (t: Target, s: StatsResponse) => toStatsRow(s, t, { truncate: flags.trunc });
      if (!flags.stream) {
        const samples = await Promise.all(list.map(async (t) => row(t, await client.containerOps.statsOnce(t.id))));
        ctx.stdout.write(render(samples));
        return;
      }
      const latest = new Map<string, StatsRow>();
      const failures: string[] = [];
      const streams = list.map(async (t) => {
        try {
          for await (const sample of client.containerOps.statsStream(t.id)) latest.set(t.id, row(t, sample));
        } catch (err) {
          failures.push(err instanceof Error ? err.message : String(err));
        }
        latest.delete(t.id);
      });
      const draw = () => ctx.stdout.write("\x1b[2J\x1b[H" + render(list.flatMap((t) => latest.get(t.id) ?? [])));
      const timer = setInterval(draw, 1000);
      try {
        await Promise.all(streams);
      } finally {
        clearInterval(timer);
      }
      if (failures.length > 0 && names.length > 0) throw new CliError(failures.join("\n"));
    });
}
