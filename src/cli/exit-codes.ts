/**
 * The one place where errors become exit statuses and stderr text, like
 * nerdctl's pkg/errutil/exit_coder.go and the docker CLI's run.go:
 *   - the container's own status for run / start -a / wait (ContainerExit);
 *   - 125 when run/create fails before the container runs (daemon or flag error);
 *   - 126 / 127 when the daemon could not exec the command. The daemon only
 *     says so in its message ("exec: \"nosuch\": executable file not found in
 *     $PATH", "permission denied"), so — exactly as docker's
 *     runStartContainerErr does — the message is inspected here, and only here;
 *   - 1 for any other failure, 125 for usage errors.
 */
import { DaemonError, DaemonUnreachableError, StreamError, UnsupportedHostError } from "../client/index.js";
import { FlagError } from "./options/parsers.js";

/** The container exited (or a command wants a specific status) — not an error to print. */
export class ContainerExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit status ${exitCode}`);
  }
}

/** A user-facing failure with a message already worded for stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** Print as is even from run/create (no "berth: " prefix or help hint), as docker does for CheckTty. */
    readonly bare = false,
  ) {
    super(message);
  }
}

/** Whether the error happened while setting a container up (run/create) — docker's 125 family. */
export type Phase = "setup" | "other";

export interface ExitReport {
  exitCode: number;
  /** Text for stderr, without trailing newline; empty when nothing should be printed. */
  message: string;
}

function commandNotRunnable(message: string): 126 | 127 | undefined {
  if (/executable file not found|no such file or directory|system error: exec/.test(message)) return 127;
  if (/permission denied|operation not permitted/.test(message)) return 126;
  return undefined;
}

export function exitReportFor(err: unknown, phase: Phase = "other"): ExitReport {
  if (err instanceof ContainerExit) return { exitCode: err.exitCode, message: "" };
  if (err instanceof CliError) return { exitCode: err.exitCode, message: err.message };
  if (err instanceof DaemonError) {
    const message = `Error response from daemon: ${err.message}`;
    if (phase === "setup") return { exitCode: commandNotRunnable(err.message) ?? 125, message };
    return { exitCode: 1, message };
  }
  if (err instanceof FlagError || err instanceof UnsupportedHostError) return { exitCode: 125, message: err.message };
  if (err instanceof DaemonUnreachableError) return { exitCode: phase === "setup" ? 125 : 1, message: err.message };
  if (err instanceof StreamError) return { exitCode: 1, message: err.message };
  const text = err instanceof Error ? err.message : String(err);
  return { exitCode: phase === "setup" ? 125 : 1, message: text };
}
