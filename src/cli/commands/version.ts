/** `berth version [--format]`: client block always, server block from GET /version (01 transcript layout). */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { API_VERSION } from "../../apitypes/index.js";
import { compileTemplate } from "../format/go-template.js";
import type { SystemVersion } from "../../apitypes/index.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd.option("-f, --format <string>", "Format output using a custom template").action(async (flags: { format?: string }) => {
    const client = await ctx.client();
    let server: SystemVersion | undefined;
    let serverError: unknown;
    try {
      server = await client.version();
    } catch (err) {
      serverError = err;
    }
    const negotiated = server ? await client.apiVersion() : API_VERSION;
    const clientInfo = {
      Version: "0.1.0",
      ApiVersion: negotiated,
      DefaultAPIVersion: API_VERSION,
      GoVersion: process.version,
      Os: process.platform,
      Arch: process.arch === "x64" ? "amd64" : process.arch,
    };
    if (flags.format) {
      ctx.stdout.write(compileTemplate(flags.format).render({ Client: clientInfo, Server: server ?? null }) + "\n");
    } else {
      const downgraded = negotiated !== API_VERSION ? ` (downgraded from ${API_VERSION})` : "";
      let text = `Client:\n Version:           ${clientInfo.Version}\n API version:       ${negotiated}${downgraded}\n Node version:      ${clientInfo.GoVersion}\n OS/Arch:           ${clientInfo.Os}/${clientInfo.Arch}\n`;
      if (server) {
        text += `\nServer:\n Engine:\n  Version:          ${server.Version}\n  API version:      ${server.ApiVersion} (minimum version ${server.MinAPIVersion ?? "?"})\n  Go version:       ${server.GoVersion}\n  Git commit:       ${server.GitCommit}\n  OS/Arch:          ${server.Os}/${server.Arch}\n  Experimental:     ${server.Experimental ?? false}\n`;
        for (const component of server.Components ?? []) {
          if (component.Name === "Engine") continue;
          text += ` ${component.Name}:\n  Version:          ${component.Version}\n`;
        }
      }
      ctx.stdout.write(text);
    }
    if (serverError) throw serverError;
  });
}
