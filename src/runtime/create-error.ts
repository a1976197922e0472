/**
 * RuntimeCreateError: `<runtime> create` failed (reported by conmon on its
 * sync pipe as {"data": -1, "message": "<runtime's stderr>"}).
 *
 * Docker turns these into the exit code of `docker run`: 127 when the
 * command does not exist, 126 when it cannot be executed, 125 otherwise.
 * runc 1.1 checks the executable during `create` (before the exec fifo), so
 * the error surfaces here, not at start. Observed messages:
 *   runc: exec: "nope": executable file not found in $PATH
 *   runc: exec: "/etc": is a directory / permission denied
 */
import { ExecError } from "../errors/index.js";

export type CreateFailureCode = 125 | 126 | 127;

/**
 * Like moby daemon/start.go: the message must name the command (when known)
 * so that "no such file or directory" from a missing mount source stays 125.
 */
export function createFailureCode(message: string, command?: string): CreateFailureCode {
  if (command !== undefined && !message.includes(command)) return 125;
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|is a directory|exec format error/i.test(message)) return 126;
  return 125;
}

export class RuntimeCreateError extends ExecError {
  /** The exit code Docker would report for the container (125/126/127). */
  readonly containerExitCode: CreateFailureCode;
  constructor(argv: string[], message: string, command?: string) {
    super(argv, null, message);
    this.containerExitCode = createFailureCode(message, command);
    // Docker's wording: "OCI runtime create failed: runc create failed: …".
    this.message = `OCI runtime create failed: ${runtimeLogMessage(message)}`;
  }
}

/** runc logs `time="…" level=error msg="…"`; crun prints plain text. Returns the msg part. */
export function runtimeLogMessage(stderr: string): string {
  const msgs: string[] = [];
  for (const m of stderr.matchAll(/msg="((?:[^"\\]|\\.)*)"/g)) {
    try {
      msgs.push(JSON.parse(`"${m[1]}"`) as string);
    } catch {
      msgs.push(m[1]!);
    }
  }
  return msgs.length > 0 ? msgs.join("; ") : stderr.trim();
}
