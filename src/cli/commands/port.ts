/** `berth port CONTAINER [PRIVATE_PORT[/PROTO]]`: published ports from inspect, "80/tcp -> 0.0.0.0:8080". */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<container>")
    .argument("[privatePort]")
    .action(async (container: string, privatePort: string | undefined) => {
      const client = await ctx.client();
      const info = await client.inspectContainer(container);
      const ports = info.NetworkSettings?.Ports ?? {};
      const hostAddr = (ip: string, port: string) => `${ip.includes(":") ? `[${ip}]` : ip || "0.0.0.0"}:${port}`;
      if (privatePort !== undefined) {
        const key = privatePort.includes("/") ? privatePort : `${privatePort}/tcp`;
        const bindings = ports[key];
        if (!bindings || bindings.length === 0) throw new CliError(`Error: No public port '${key}' published for ${container}`);
        for (const b of bindings) ctx.stdout.write(hostAddr(b.HostIp ?? "", b.HostPort ?? "") + "\n");
        return;
      }
      for (const [key, bindings] of Object.entries(ports)) {
        for (const b of bindings ?? []) ctx.stdout.write(`${key} -> ${hostAddr(b.HostIp ?? "", b.HostPort ?? "")}\n`);
      }
    });
}
