/**
 * `berth pull [--platform P] [-q] NAME[:TAG|@DIGEST]`: POST
 * /images/create?fromImage=NAME&tag=TAG with X-Registry-Auth from the docker
 * config file (10 transcript). Prints the progress stream (in place on a
 * terminal), then the full reference, like `docker pull`.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { ProgressRenderer } from "../format/progress.js";
import { credentialsFor, parseRemoteRef } from "../registry-ref.js";

interface PullFlags {
  platform?: string;
  quiet?: boolean;
  allTags?: boolean;
}

function isTty(stream: unknown): { tty: boolean; columns?: number } {
  const s = stream as { isTTY?: boolean; columns?: number };
  return { tty: Boolean(s.isTTY), columns: s.columns };
}

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] NAME[:TAG|@DIGEST]")
    .argument("<name>")
    .option("--platform <string>", "Set platform if server is multi-platform capable", ctx.env["DOCKER_DEFAULT_PLATFORM"])
    .option("-q, --quiet", "Suppress verbose output")
    .action(async (name: string, flags: PullFlags) => {
      const parsed = parseRemoteRef(name);
      if (parsed.defaultedTag && !flags.quiet) ctx.stdout.write("Using default tag: latest\n");
      const client = await ctx.client();
      const { tty, columns } = isTty(ctx.stdout);
      const renderer = flags.quiet ? undefined : new ProgressRenderer({ out: ctx.stdout, tty, columns });
      await client.pullImage(parsed.familiar, {
        tag: parsed.ref.digest ?? parsed.ref.tag,
        platform: flags.platform,
        auth: credentialsFor(ctx, parsed.host),
        onProgress: (m) => renderer?.write(m),
      });
      ctx.stdout.write(parsed.full + "\n");
    });
}
