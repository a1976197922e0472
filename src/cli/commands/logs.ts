/**
 * `berth logs`: inspect first to learn whether the container has a TTY
 * (03 transcript: the CLI does the same), then stream GET /logs, demuxing
 * stdcopy frames to our stdout/stderr unless it is a TTY.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { demuxStream } from "../../streams/stdcopy.js";
import { once } from "node:events";
import { toApiTimestamp } from "../options/timestamp.js";

interface LogsFlags {
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps?: boolean;
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<container>")
    .option("-f, --follow", "Follow log output")
    .option("-n, --tail <string>", "Number of lines to show from the end of the logs", "all")
    .option("--since <string>", "Show logs since timestamp or relative (e.g. 42m)")
    .option("--until <string>", "Show logs before a timestamp or relative (e.g. 42m)")
    .option("-t, --timestamps", "Show timestamps")
    .action(async (container: string, flags: LogsFlags) => {
      const client = await ctx.client();
      const info = await client.inspectContainer(container);
      const body = await client.logs(info.Id, {
        follow: flags.follow,
        tail: flags.tail,
        since: flags.since === undefined ? undefined : toApiTimestamp(flags.since),
        until: flags.until === undefined ? undefined : toApiTimestamp(flags.until),
        timestamps: flags.timestamps,
      });
      if (info.Config.Tty) {
        for await (const chunk of body) if (!ctx.stdout.write(chunk as Buffer)) await once(ctx.stdout, "drain");
      } else {
        await demuxStream(body, ctx.stdout, ctx.stderr);
      }
    });
}
