/**
 * Every `berth` command: its name, one-line summary and a loader for its
 * module. main.ts imports only the module of the command being run (fast
 * startup); the others appear in `--help` with their summary only.
 * `preset` lets one module serve several spellings (`image inspect` is
 * `inspect --type image`).
 */
import type { Command } from "commander";
import type { CliContext } from "./context.js";

export interface CommandModule {
  define(cmd: Command, ctx: CliContext, preset?: Record<string, string>): void;
}

export interface CommandEntry {
  name: string;
  aliases?: string[];
  summary: string;
  load: () => Promise<CommandModule>;
  preset?: Record<string, string>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: CommandEntry[];
}

const run: CommandEntry = { name: "run", summary: "Create and run a new container from an image", load: () => import("./commands/run.js") };
const create: CommandEntry = { name: "create", summary: "Create a new container", load: () => import("./commands/create.js") };
const start: CommandEntry = { name: "start", summary: "Start one or more stopped containers", load: () => import("./commands/start.js") };
const stop: CommandEntry = { name: "stop", summary: "Stop one or more running containers", load: () => import("./commands/stop.js") };
const kill: CommandEntry = { name: "kill", summary: "Kill one or more running containers", load: () => import("./commands/kill.js") };
const restart: CommandEntry = { name: "restart", summary: "Restart one or more containers", load: () => import("./commands/restart.js") };
const rm: CommandEntry = { name: "rm", summary: "Remove one or more containers", load: () => import("./commands/rm.js") };
const ps: CommandEntry = { name: "ps", summary: "List containers", load: () => import("./commands/ps.js") };
const logs: CommandEntry = { name: "logs", summary: "Fetch the logs of a container", load: () => import("./commands/logs.js") };
const wait: CommandEntry = { name: "wait", summary: "Block until one or more containers stop, then print their exit codes", load: () => import("./commands/wait.js") };
const rename: CommandEntry = { name: "rename", summary: "Rename a container", load: () => import("./commands/rename.js") };
const inspect: CommandEntry = { name: "inspect", summary: "Return low-level information on Docker objects", load: () => import("./commands/inspect.js") };
const images: CommandEntry = { name: "images", summary: "List images", load: () => import("./commands/images.js") };
const rmi: CommandEntry = { name: "rmi", summary: "Remove one or more images", load: () => import("./commands/rmi.js") };
const tag: CommandEntry = { name: "tag", summary: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", load: () => import("./commands/tag.js") };
const history: CommandEntry = { name: "history", summary: "Show the history of an image", load: () => import("./commands/history.js") };
const importCmd: CommandEntry = { name: "import", summary: "Import the contents from a tarball to create a filesystem image", load: () => import("./commands/import.js") };
const save: CommandEntry = { name: "save", summary: "Save one or more images to a tar archive (streamed to STDOUT by default)", load: () => import("./commands/save.js") };
const load: CommandEntry = { name: "load", summary: "Load an image from a tar archive or STDIN", load: () => import("./commands/load.js") };
const version: CommandEntry = { name: "version", summary: "Show the berth version information", load: () => import("./commands/version.js") };
const info: CommandEntry = { name: "info", summary: "Display system-wide information", load: () => import("./commands/info.js") };

export const TOP_LEVEL: CommandEntry[] = [
  run, create, start, stop, kill, restart, rm, ps, logs, wait, rename, inspect,
  images, rmi, tag, history, importCmd, save, load, version, info,
];

export const GROUPS: CommandGroup[] = [
  {
    name: "container",
    summary: "Manage containers",
    commands: [
      { ...ps, name: "ls", aliases: ["ps", "list"] },
      run, create, start, stop, kill, restart, logs, wait, rename,
      { ...rm, aliases: ["remove"] },
      { ...inspect, preset: { type: "container" } },
    ],
  },
  {
    name: "image",
    summary: "Manage images",
    commands: [
      { ...images, name: "ls", aliases: ["list"] },
      { ...rmi, name: "rm", aliases: ["remove"] },
      { ...inspect, preset: { type: "image" } },
      history, tag, importCmd, save, load,
    ],
  },
  {
    name: "system",
    summary: "Manage berth",
    commands: [info],
  },
];
