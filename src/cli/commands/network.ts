/**
 * `berth network create|ls|inspect|rm|prune|connect|disconnect` (docker-cli
 * network_*.md). One module, the subcommand comes from the preset.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";
import { compileTemplate } from "../format/go-template.js";
import { renderRows } from "../format/output-format.js";
import { forEachTarget } from "../multi-target.js";
import { parseFilters } from "./ps.js";
import { parseLabels } from "../options/parsers.js";

const collect = (v: string, p: string[]): string[] => [...p, v];
const enc = encodeURIComponent;

interface NetworkJson {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Internal: boolean;
  Created: string;
  Labels: Record<string, string>;
}

function parseOpts(values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => (v.includes("=") ? [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)] : [v, ""])));
}

export function define(cmd: Command, ctx: CliContext, preset?: Record<string, string>): void {
  const action = preset?.action ?? "ls";
  if (action === "create") {
    cmd
      .argument("<name>")
      .option("-d, --driver <string>", "Driver to manage the Network", "bridge")
      .option("--subnet <string>", "Subnet in CIDR format that represents a network segment", collect, [])
      .option("--gateway <string>", "IPv4 Gateway for the master subnet", collect, [])
      .option("--ip-range <string>", "Allocate container ip from a sub-range", collect, [])
      .option("--internal", "Restrict external access to the network")
      .option("--attachable", "Enable manual container attachment")
      .option("--label <list>", "Set metadata on a network", collect, [])
      .option("-o, --opt <list>", "Set driver specific options", collect, [])
      .action(async (name: string, f: { driver: string; subnet: string[]; gateway: string[]; ipRange: string[]; internal?: boolean; attachable?: boolean; label: string[]; opt: string[] }) => {
        const client = await ctx.client();
        const config = f.subnet.length ? [{ Subnet: f.subnet[0], ...(f.gateway[0] ? { Gateway: f.gateway[0] } : {}), ...(f.ipRange[0] ? { IPRange: f.ipRange[0] } : {}) }] : [];
        if (!f.subnet.length && (f.gateway.length || f.ipRange.length)) throw new CliError("Error: every ip-range or gateway must have a corresponding subnet", 1);
        const body = { Name: name, Driver: f.driver, CheckDuplicate: true, Internal: !!f.internal, Attachable: !!f.attachable, Labels: parseLabels(f.label), Options: parseOpts(f.opt), IPAM: { Driver: "default", Options: {}, Config: config } };
        const out = await client.transport.json<{ Id: string }>("POST", "/networks/create", { body });
        ctx.stdout.write(out.Id + "\n");
      });
    return;
  }
  if (action === "ls") {
    cmd
      .option("-q, --quiet", "Only display network IDs")
      .option("--format <string>", "Pretty-print networks using a Go template")
      .option("-f, --filter <filter>", "Provide filter values (e.g. 'driver=bridge')", collect, [])
      .option("--no-trunc", "Do not truncate the output")
      .action(async (f: { quiet?: boolean; format?: string; filter: string[]; trunc: boolean }) => {
        const client = await ctx.client();
        const filters = parseFilters(f.filter);
        const nets = await client.transport.json<NetworkJson[]>("GET", "/networks", { query: { filters: Object.keys(filters).length ? JSON.stringify(filters) : undefined } });
        nets.sort((a, b) => a.Name.localeCompare(b.Name));
        const rows = nets.map((n) => ({ ID: f.trunc ? n.Id.slice(0, 12) : n.Id, Name: n.Name, Driver: n.Driver, Scope: n.Scope, Internal: String(n.Internal), CreatedAt: n.Created, Labels: Object.entries(n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(",") }));
        if (f.quiet) {
          for (const r of rows) ctx.stdout.write(r.ID + "\n");
          return;
        }
        ctx.stdout.write(renderRows({ format: f.format, defaultFormat: "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}", headers: { ID: "NETWORK ID", Name: "NAME", Driver: "DRIVER", Scope: "SCOPE", Internal: "INTERNAL", CreatedAt: "CREATED AT", Labels: "LABELS" } }, rows));
      });
    return;
  }
  if (action === "inspect") {
    cmd
      .argument("<networks...>")
      .option("-f, --format <string>", "Format the output using the given Go template")
      .option("-v, --verbose", "Verbose output for diagnostics")
      .action(async (names: string[], f: { format?: string }) => {
        const client = await ctx.client();
        const found: unknown[] = [];
        const missing: string[] = [];
        for (const n of names) {
          try {
            found.push(await client.transport.json("GET", `/networks/${enc(n)}`));
          } catch (e) {
            missing.push(`Error response from daemon: ${(e as Error).message}`);
          }
        }
        if (f.format) {
          const t = compileTemplate(f.format.replaceAll("\\t", "\t").replaceAll("\\n", "\n"));
          for (const o of found) ctx.stdout.write(t.render(o) + "\n");
        } else ctx.stdout.write((found.length ? JSON.stringify(found, null, 4) : "[]") + "\n");
        if (missing.length) throw new CliError(missing.join("\n"), 1);
      });
    return;
  }
  if (action === "rm") {
    cmd
      .argument("<networks...>")
      .option("-f, --force", "Do not error if the network does not exist")
      .action(async (names: string[]) => {
        const client = await ctx.client();
        await forEachTarget(ctx, names, async (n) => {
          await client.transport.call("DELETE", `/networks/${enc(n)}`);
          return n;
        });
      });
    return;
  }
  if (action === "prune") {
    cmd
      .option("-f, --force", "Do not prompt for confirmation")
      .option("--filter <filter>", "Provide filter values (e.g. 'until=<timestamp>')", collect, [])
      .action(async (f: { filter: string[] }) => {
        const client = await ctx.client();
        const filters = parseFilters(f.filter);
        const out = await client.transport.json<{ NetworksDeleted: string[] | null }>("POST", "/networks/prune", { query: { filters: Object.keys(filters).length ? JSON.stringify(filters) : undefined } });
        if (out.NetworksDeleted?.length) ctx.stdout.write(`Deleted Networks:\n${out.NetworksDeleted.join("\n")}\n\n`);
      });
    return;
  }
  if (action === "connect") {
    cmd
      .argument("<network>")
      .argument("<container>")
      .option("--alias <list>", "Add network-scoped alias for the container", collect, [])
      .option("--ip <string>", "IPv4 address (e.g., 172.30.100.104)")
      .action(async (network: string, container: string, f: { alias: string[]; ip?: string }) => {
        const client = await ctx.client();
        const EndpointConfig = { ...(f.alias.length ? { Aliases: f.alias } : {}), ...(f.ip ? { IPAMConfig: { IPv4Address: f.ip } } : {}) };
        await client.transport.call("POST", `/networks/${enc(network)}/connect`, { body: { Container: container, EndpointConfig } });
      });
    return;
  }
  if (action === "disconnect") {
    cmd
      .argument("<network>")
      .argument("<container>")
      .option("-f, --force", "Force the container to disconnect from a network")
      .action(async (network: string, container: string, f: { force?: boolean }) => {
        const client = await ctx.client();
        await client.transport.call("POST", `/networks/${enc(network)}/disconnect`, { body: { Container: container, Force: !!f.force } });
      });
    return;
  }
  throw new CliError(`unknown network command ${action}`, 1);
}
