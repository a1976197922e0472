/** `berth events [--since T] [--until T] [-f K=V]... [--format TPL]`: the daemon's event stream, one line per event. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { formatEventLine } from "../format/event-line.js";
import { renderRows } from "../format/output-format.js";
import { toApiTimestamp } from "../options/timestamp.js";
import { parseFilters } from "./ps.js";

interface EventsFlags {
  since?: string;
  until?: string;
  filter: string[];
  format?: string;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .option("--since <string>", "Show all events created since timestamp")
    .option("--until <string>", "Stream events until this timestamp")
    .option("-f, --filter <filter>", "Filter output based on conditions provided", (v: string, p: string[]) => [...p, v], [])
    .option("--format <string>", "Format output using a custom template")
    .action(async (flags: EventsFlags) => {
      const now = Date.now();
      const since = flags.since === undefined ? undefined : toApiTimestamp(flags.since, now);
      const until = flags.until === undefined ? undefined : toApiTimestamp(flags.until, now);
      const filters = parseFilters(flags.filter);
      const client = await ctx.client();
      for await (const { timeNanoExact, ...event } of client.system.events({ since, until, filters })) {
        const text = flags.format ? renderRows({ format: flags.format, defaultFormat: "", headers: {} }, [event]) : formatEventLine(event, timeNanoExact) + "\n";
        ctx.stdout.write(text);
      }
    });
}
