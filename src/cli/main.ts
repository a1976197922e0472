#!/usr/bin/env node
/**
 * `berth`: the Docker-compatible CLI. Parses global flags, loads only the
 * module of the command being run, and turns whatever it throws into an exit
 * status and stderr text in one place (exit-codes.ts).
 */
import { Command, CommanderError } from "commander";
import { GROUPS, TOP_LEVEL, type CommandEntry } from "./command-table.js";
import { createContext, type CliContext } from "./context.js";
import { CliError, exitReportFor, type Phase } from "./exit-codes.js";

/** The command words the user typed: ["run"] or ["container", "ls"], skipping global flags. */
function requestedPath(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === "-H" || arg === "--host" || arg === "-l" || arg === "--log-level") {
      i++;
      continue;
    }
    if (arg.startsWith("-")) {
      if (words.length > 0) break;
      continue;
    }
    words.push(arg);
    if (!GROUPS.some((g) => g.name === arg)) break;
  }
  return words;
}

async function attach(parent: Command, entry: CommandEntry, ctx: CliContext, isRequested: boolean): Promise<void> {
  const cmd = parent.command(entry.name).description(entry.summary).helpOption("--help", "Print usage");
  for (const alias of entry.aliases ?? []) cmd.alias(alias);
  if (isRequested) {
    (await entry.load()).define(cmd, ctx, entry.preset);
  } else {
    cmd.allowUnknownOption().allowExcessArguments().action(() => undefined);
  }
}

const matches = (entry: CommandEntry, word: string | undefined) => word !== undefined && (entry.name === word || (entry.aliases ?? []).includes(word));

async function main(argv: string[]): Promise<number> {
  const program = new Command("berth")
    .description("A Docker-compatible container engine")
    .helpOption("--help", "Print usage")
    .option("-H, --host <host>", "Daemon socket to connect to (unix:///path)")
    .option("-D, --debug", "Enable debug mode")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, "berth: ")) });
  const ctx = createContext(() => program.opts<{ host?: string }>().host);
  const [first, second] = requestedPath(argv);

  for (const entry of TOP_LEVEL) await attach(program, entry, ctx, matches(entry, first));
  for (const group of GROUPS) {
    const groupCmd = program.command(group.name).description(group.summary).helpOption("--help", "Print usage").enablePositionalOptions();
    for (const entry of group.commands) await attach(groupCmd, entry, ctx, group.name === first && matches(entry, second));
  }

  const phase: Phase = first === "run" || first === "create" || (first === "container" && (second === "run" || second === "create")) ? "setup" : "other";
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors exit 125 like the docker CLI. Commander already printed.
      return err.exitCode === 0 ? 0 : 125;
    }
    const report = exitReportFor(err, phase);
    if (report.message && err instanceof CliError && err.bare) {
      process.stderr.write(report.message + "\n");
    } else if (report.message) {
      const hint = phase === "setup" ? `\n\nRun 'berth ${first === "container" ? "container " + second : first} --help' for more information` : "";
      process.stderr.write((phase === "setup" ? "berth: " : "") + report.message + hint + "\n");
    }
    return report.exitCode;
  }
}

const code = await main(process.argv.slice(2));
// Flush stdout before exiting: process.exit() would cut off piped output (e.g. `berth save | tar t`).
if (process.stdout.writableLength > 0) await new Promise((resolve) => process.stdout.once("drain", resolve));
process.exit(code);
