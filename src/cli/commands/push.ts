/**
 * `berth push [-q] NAME[:TAG]`: POST /images/{name}/push?tag=TAG with
 * X-Registry-Auth from the docker config file (10 transcript). The daemon's
 * lines carry "The push refers to repository […]", per-layer Preparing /
 * Pushed / Layer already exists, and "TAG: digest: sha256:… size: N".
 * With -q only the reference is printed once the push succeeded (docker push -q).
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { ProgressRenderer } from "../format/progress.js";
import { credentialsFor, parseRemoteRef } from "../registry-ref.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[OPTIONS] NAME[:TAG]")
    .argument("<name>")
    .option("-q, --quiet", "Suppress verbose output")
    .action(async (name: string, flags: { quiet?: boolean }) => {
      const parsed = parseRemoteRef(name);
      if (parsed.defaultedTag && !flags.quiet) ctx.stdout.write("Using default tag: latest\n");
      const client = await ctx.client();
      const s = ctx.stdout as unknown as { isTTY?: boolean; columns?: number };
      const renderer = flags.quiet ? undefined : new ProgressRenderer({ out: ctx.stdout, tty: Boolean(s.isTTY), columns: s.columns });
      await client.pushImage(parsed.familiar, {
        tag: parsed.ref.tag,
        auth: credentialsFor(ctx, parsed.host),
        onProgress: (m) => renderer?.write(m),
      });
      if (flags.quiet) ctx.stdout.write(parsed.full + "\n");
    });
}
