/**
 * `berth logout [SERVER]`: removes the credentials from the docker config
 * file; no API call (11 transcript). No SERVER means Docker Hub.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { authKey, eraseCredentials, INDEX_SERVER } from "../docker-config.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .usage("[SERVER]")
    .argument("[server]")
    .action((server: string | undefined) => {
      const key = authKey(server);
      const shown = key === INDEX_SERVER ? INDEX_SERVER : key;
      // docker prints this whether or not anything was stored.
      ctx.stdout.write(`Removing login credentials for ${shown}\n`);
      eraseCredentials(ctx.env, key);
    });
}
