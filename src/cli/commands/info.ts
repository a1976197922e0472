/** `berth info [--format]`: GET /info, printed as a short subset of docker's layout. */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { compileTemplate } from "../format/go-template.js";
import { humanSize } from "../format/human.js";

export function define(cmd: Command, ctx: CliContext): void {
  cmd.option("-f, --format <string>", "Format output using a custom template").action(async (flags: { format?: string }) => {
    const info = await (await ctx.client()).info();
    if (flags.format) {
      ctx.stdout.write(compileTemplate(flags.format).render(info) + "\n");
      return;
    }
    const lines = [
      "Server:",
      ` Containers: ${info.Containers}`,
      `  Running: ${info.ContainersRunning}`,
      `  Paused: ${info.ContainersPaused}`,
      `  Stopped: ${info.ContainersStopped}`,
      ` Images: ${info.Images}`,
      ` Server Version: ${info.ServerVersion}`,
      ` Storage Driver: ${info.Driver}`,
      ` Logging Driver: ${info.LoggingDriver}`,
      ` Cgroup Driver: ${info.CgroupDriver}`,
      ` Cgroup Version: ${info.CgroupVersion}`,
      ` Runtimes: ${Object.keys(info.Runtimes ?? {}).join(" ")}`,
      ` Default Runtime: ${info.DefaultRuntime}`,
      ` Kernel Version: ${info.KernelVersion}`,
      ` Operating System: ${info.OperatingSystem}`,
      ` OSType: ${info.OSType}`,
      ` Architecture: ${info.Architecture}`,
      ` CPUs: ${info.NCPU}`,
      ` Total Memory: ${humanSize(info.MemTotal)}`,
      ` Name: ${info.Name}`,
      ` ID: ${info.ID}`,
      ` Docker Root Dir: ${info.DockerRootDir}`,
      ` Debug Mode: ${info.Debug}`,
      ` Experimental: ${info.ExperimentalBuild}`,
      ` Live Restore Enabled: ${info.LiveRestoreEnabled}`,
    ];
    ctx.stdout.write(lines.join("\n") + "\n");
    for (const warning of info.Warnings ?? []) ctx.stderr.write(warning + "\n");
  });
}
