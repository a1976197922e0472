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
const attach: CommandEntry = { name: "attach", summary: "Attach local standard input, output, and error streams to a running container", load: () => import("./commands/attach.js") };
const exec: CommandEntry = { name: "exec", summary: "Execute a command in a running container", load: () => import("./commands/exec.js") };
const pause: CommandEntry = { name: "pause", summary: "Pause all processes within one or more containers", load: () => import("./commands/pause.js"), preset: { action: "pause" } };
const unpause: CommandEntry = { name: "unpause", summary: "Unpause all processes within one or more containers", load: () => import("./commands/pause.js"), preset: { action: "unpause" } };
const top: CommandEntry = { name: "top", summary: "Display the running processes of a container", load: () => import("./commands/top.js") };
const stats: CommandEntry = { name: "stats", summary: "Display a live stream of container(s) resource usage statistics", load: () => import("./commands/stats.js") };
const events: CommandEntry = { name: "events", summary: "Get real time events from the server", load: () => import("./commands/events.js") };
const port: CommandEntry = { name: "port", summary: "List port mappings or a specific mapping for the container", load: () => import("./commands/port.js") };
const update: CommandEntry = { name: "update", summary: "Update configuration of one or more containers", load: () => import("./commands/update.js") };
const cp: CommandEntry = { name: "cp", summary: "Copy files/folders between a container and the local filesystem", load: () => import("./commands/cp.js") };
const diff: CommandEntry = { name: "diff", summary: "Inspect changes to files or directories on a container's filesystem", load: () => import("./commands/diff.js") };
const exportCmd: CommandEntry = { name: "export", summary: "Export a container's filesystem as a tar archive", load: () => import("./commands/export.js") };
const commit: CommandEntry = { name: "commit", summary: "Create a new image from a container's changes", load: () => import("./commands/commit.js") };
const prune = (kind: string, summary: string): CommandEntry => ({ name: "prune", summary, load: () => import("./commands/prune.js"), preset: { kind } });
const pull: CommandEntry = { name: "pull", summary: "Download an image from a registry", load: () => import("./commands/pull.js") };
const push: CommandEntry = { name: "push", summary: "Upload an image to a registry", load: () => import("./commands/push.js") };
const login: CommandEntry = { name: "login", summary: "Authenticate to a registry", load: () => import("./commands/login.js") };
const logout: CommandEntry = { name: "logout", summary: "Log out from a registry", load: () => import("./commands/logout.js") };
const build: CommandEntry = { name: "build", summary: "Build an image from a Dockerfile", load: () => import("./commands/build.js") };
const info: CommandEntry = { name: "info", summary: "Display system-wide information", load: () => import("./commands/info.js") };

export const TOP_LEVEL: CommandEntry[] = [
  run, create, start, stop, kill, restart, rm, ps, logs, wait, rename, inspect, attach, exec,
  pause, unpause, top, stats, events, port, update, cp, diff, exportCmd, commit,
  images, rmi, tag, history, importCmd, save, load, version, info,
  pull, push, login, logout, build,
];

export const GROUPS: CommandGroup[] = [
  {
    name: "registry",
    summary: "Run and maintain an OCI distribution registry",
    commands: [
      { name: "serve", summary: "Serve an OCI distribution registry from a storage root", load: () => import("./commands/registry.js"), preset: { action: "serve" } },
      { name: "gc", summary: "Delete blobs no manifest references (safe while the registry serves)", load: () => import("./commands/registry.js"), preset: { action: "gc" } },
    ],
  },
  {
    name: "container",
    summary: "Manage containers",
    commands: [
      { ...ps, name: "ls", aliases: ["ps", "list"] },
      run, create, start, stop, kill, restart, logs, wait, rename, attach, exec,
      pause, unpause, top, stats, port, update, cp, diff, exportCmd, commit,
      prune("container", "Remove all stopped containers"),
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
      history, tag, importCmd, save, load, pull, push, build,
      prune("image", "Remove unused images"),
    ],
  },
  {
    name: "network",
    summary: "Manage networks",
    commands: [
      { name: "create", summary: "Create a network", load: () => import("./commands/network.js"), preset: { action: "create" } },
      { name: "ls", aliases: ["list"], summary: "List networks", load: () => import("./commands/network.js"), preset: { action: "ls" } },
      { name: "inspect", summary: "Display detailed information on one or more networks", load: () => import("./commands/network.js"), preset: { action: "inspect" } },
      { name: "rm", aliases: ["remove"], summary: "Remove one or more networks", load: () => import("./commands/network.js"), preset: { action: "rm" } },
      { name: "prune", summary: "Remove all unused networks", load: () => import("./commands/network.js"), preset: { action: "prune" } },
      { name: "connect", summary: "Connect a container to a network", load: () => import("./commands/network.js"), preset: { action: "connect" } },
      { name: "disconnect", summary: "Disconnect a container from a network", load: () => import("./commands/network.js"), preset: { action: "disconnect" } },
    ],
  },
  {
    name: "builder",
    summary: "Manage builds",
    commands: [
      build,
      { name: "prune", summary: "Remove build cache", load: () => import("./commands/builder-prune.js") },
    ],
  },
  {
    name: "system",
    summary: "Manage berth",
    commands: [
      info,
      events,
      { name: "df", summary: "Show docker disk usage", load: () => import("./commands/system-df.js") },
      prune("system", "Remove unused data"),
    ],
  },
  {
    name: "volume",
    summary: "Manage volumes",
    commands: (["create", "ls", "inspect", "rm", "prune"] as const).map((action) => ({
      name: action,
      aliases: action === "ls" ? ["list"] : action === "rm" ? ["remove"] : undefined,
      summary: { create: "Create a volume", ls: "List volumes", inspect: "Display detailed information on one or more volumes", rm: "Remove one or more volumes", prune: "Remove unused local volumes" }[action],
      load: () => import("./commands/volume.js"),
      preset: { action },
    })),
  },
];
