/** The docker CLI's In().CheckTty and its console-size lookup. */
import type { CliContext } from "../context.js";
import { CliError } from "../exit-codes.js";
import { isTerminal, terminalSize, type TtyOutput } from "./terminal.js";

/** `-t` with stdin attached needs a terminal on stdin: "the input device is not a TTY" (exit 1). */
export function checkTty(ctx: CliContext, options: { attachStdin: boolean; tty: boolean }): void {
  if (options.tty && options.attachStdin && !isTerminal(ctx.stdin)) throw new CliError("the input device is not a TTY", 1, true);
}

/** [rows, cols] of the local terminal when stdout is one (create's HostConfig.ConsoleSize). */
export function consoleSize(ctx: CliContext): [number, number] | undefined {
  const size = terminalSize(ctx.stdout as TtyOutput);
  return size ? [size.height, size.width] : undefined;
}
