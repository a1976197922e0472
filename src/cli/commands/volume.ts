/**
 * `berth volume create|ls|inspect|rm|prune`, as the docker CLI prints them
 * (cli/command/volume): create prints the name; ls is a "DRIVER  VOLUME
 * NAME" table (or --format / -q); inspect prints a JSON array (or -f); rm
 * prints each removed name; prune asks first (unless -f), removes only
 * anonymous volumes unless -a, and prints "Deleted Volumes:" and the total.
 * The preset picks the subcommand.
 */
import { confirm } from "../confirm.js";
import type { Command } from "commander";
import { DaemonError } from "../../client/index.js";
import { VolumeApi, type Volume } from "../../client/volume-api.js";
import type { CliContext } from "../context.js";
import { CliError, exitReportFor } from "../exit-codes.js";
import { compileTemplate } from "../format/go-template.js";
import { humanSize } from "../format/human.js";
import { renderRows } from "../format/output-format.js";
import { forEachTarget } from "../multi-target.js";
import { parseLabels } from "../options/parsers.js";
import { parseFilters } from "./ps.js";

const collect = (v: string, p: string[]) => [...p, v];

async function api(ctx: CliContext): Promise<VolumeApi> {
  return new VolumeApi((await ctx.client()).transport);
}

function keyValues(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new CliError(`invalid argument "${v}" for "-o, --opt" flag: invalid key value pair format in driver options`, 125);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** The fields `volume ls --format` knows (cli/command/formatter/volume.go). */
export function volumeRow(v: Volume) {
  return {
    Name: v.Name,
    Driver: v.Driver,
    Scope: v.Scope,
    Mountpoint: v.Mountpoint,
    Labels: Object.entries(v.Labels ?? {}).map(([k, val]) => `${k}=${val}`).join(","),
    Links: v.UsageData ? String(v.UsageData.RefCount) : "N/A",
    Size: v.UsageData && v.UsageData.Size >= 0 ? humanSize(v.UsageData.Size) : "N/A",
  };
}

function defineCreate(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("[volume]")
    .option("-d, --driver <string>", "Specify volume driver name", "local")
    .option("--label <list>", "Set metadata for a volume", collect, [])
    .option("-o, --opt <map>", "Set driver specific options", collect, [])
    .option("--name <string>", "Specify volume name")
    .action(async (name: string | undefined, f: { driver: string; label: string[]; opt: string[]; name?: string }) => {
      if (name && f.name && name !== f.name) throw new CliError(`conflicting options: cannot specify a volume-name through both --name and as a positional arg`, 125);
      const v = await (await api(ctx)).create({ Name: name ?? f.name ?? "", Driver: f.driver, DriverOpts: keyValues(f.opt), Labels: parseLabels(f.label) });
      ctx.stdout.write(`${v.Name}\n`);
    });
}

function defineLs(cmd: Command, ctx: CliContext): void {
  cmd
    .option("-q, --quiet", "Only display volume names")
    .option("-f, --filter <filter>", "Provide filter values (e.g. \"dangling=true\")", collect, [])
    .option("--format <string>", "Format output using a custom template")
    .action(async (f: { quiet?: boolean; filter: string[]; format?: string }) => {
      const res = await (await api(ctx)).list(parseFilters(f.filter));
      const vols = [...(res.Volumes ?? [])].sort((a, b) => a.Name.localeCompare(b.Name));
      if (f.quiet) {
        ctx.stdout.write(vols.map((v) => `${v.Name}\n`).join(""));
        return;
      }
      const headers = { Name: "VOLUME NAME", Driver: "DRIVER", Scope: "SCOPE", Mountpoint: "MOUNTPOINT", Labels: "LABELS", Links: "LINKS", Size: "SIZE" };
      ctx.stdout.write(renderRows({ format: f.format, defaultFormat: "table {{.Driver}}\t{{.Name}}", headers }, vols.map(volumeRow)));
    });
}

function defineInspect(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<volumes...>")
    .option("-f, --format <string>", "Format output using a custom template")
    .action(async (names: string[], f: { format?: string }) => {
      const client = await api(ctx);
      const found: Volume[] = [];
      const missing: string[] = [];
      for (const n of names) {
        try {
          found.push(await client.inspect(n));
        } catch (e) {
          if (!(e instanceof DaemonError && e.isNotFound)) throw e;
          // the docker CLI prints the daemon's words here: "get NAME: no such volume"
          missing.push(exitReportFor(e).message);
        }
      }
      if (f.format) {
        const t = compileTemplate(f.format.replaceAll("\\t", "\t").replaceAll("\\n", "\n"));
        for (const v of found) ctx.stdout.write(t.render(v) + "\n");
      } else {
        ctx.stdout.write((found.length ? JSON.stringify(found, null, 4) : "[]") + "\n");
      }
      if (missing.length) throw new CliError(missing.join("\n"));
    });
}

function defineRm(cmd: Command, ctx: CliContext): void {
  cmd
    .argument("<volumes...>")
    .option("-f, --force", "Force the removal of one or more volumes")
    .action(async (names: string[], f: { force?: boolean }) => {
      const client = await api(ctx);
      await forEachTarget(ctx, names, async (n) => {
        await client.remove(n, { force: f.force });
        return n;
      });
    });
}

function definePrune(cmd: Command, ctx: CliContext): void {
  cmd
    .option("-a, --all", "Remove all unused volumes, not just anonymous ones")
    .option("-f, --force", "Do not prompt for confirmation")
    .option("--filter <filter>", "Provide filter values (e.g. \"label=<label>\")", collect, [])
    .action(async (f: { all?: boolean; force?: boolean; filter: string[] }) => {
      const filters = parseFilters(f.filter);
      if (f.all && filters["all"]) throw new CliError(`conflicting options: cannot specify both --all and --filter all=1`, 125);
      if (f.all) filters["all"] = ["true"];
      const warning = filters["all"] ? "WARNING! This will remove all local volumes not used by at least one container." : "WARNING! This will remove anonymous local volumes not used by at least one container.";
      if (!f.force && !(await confirm(ctx, warning))) return;
      const report = await (await ctx.client()).system.pruneVolumes(filters);
      if (report.VolumesDeleted?.length) ctx.stdout.write(`Deleted Volumes:\n${report.VolumesDeleted.join("\n")}\n\n`);
      ctx.stdout.write(`Total reclaimed space: ${humanSize(report.SpaceReclaimed ?? 0)}\n`);
    });
}

export function define(cmd: Command, ctx: CliContext, preset?: Record<string, string>): void {
  const action = preset?.action ?? "ls";
  if (action === "create") defineCreate(cmd, ctx);
  else if (action === "inspect") defineInspect(cmd, ctx);
  else if (action === "rm") defineRm(cmd, ctx);
  else if (action === "prune") definePrune(cmd, ctx);
  else defineLs(cmd, ctx);
}
