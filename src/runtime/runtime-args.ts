/**
 * argv builders for the OCI runtime CLI (runc and crun share it). Pure
 * functions, one per subcommand, after containerd/go-runc's `*Opts.args()`.
 * Every call carries `--root <stateRoot>`; global flags precede the
 * subcommand.
 */
import { InvalidArgumentError } from "../errors/index.js";

export interface RuntimeCli {
  /** Executable path, e.g. /usr/sbin/runc. */
  path: string;
  /** State directory, <execRoot>/runtime/<name>. */
  root: string;
}

function base(cli: RuntimeCli): string[] {
  return [cli.path, "--root", cli.root];
}

export const runtimeArgs = {
  start: (cli: RuntimeCli, id: string) => [...base(cli), "start", id],
  state: (cli: RuntimeCli, id: string) => [...base(cli), "state", id],
  kill: (cli: RuntimeCli, id: string, signal: string | number, all = false) => [
    ...base(cli),
    "kill",
    ...(all ? ["--all"] : []),
    id,
    normalizeSignal(signal),
  ],
  delete: (cli: RuntimeCli, id: string, force = true) => [...base(cli), "delete", ...(force ? ["--force"] : []), id],
  pause: (cli: RuntimeCli, id: string) => [...base(cli), "pause", id],
  resume: (cli: RuntimeCli, id: string) => [...base(cli), "resume", id],
  /** `exec --process FILE`: the process spec is a file so argv/env never hit the command line. */
  exec: (cli: RuntimeCli, id: string, processFile: string, pidFile: string) => [...base(cli), "exec", "--process", processFile, "--pid-file", pidFile, id],
};

/** "term" / "TERM" / "SIGTERM" → "SIGTERM"; 15 / "15" → "15"; "SIGRTMIN+3" kept. */
export function normalizeSignal(signal: string | number): string {
  if (typeof signal === "number") {
    if (!Number.isInteger(signal) || signal <= 0 || signal > 64) throw new InvalidArgumentError(`Invalid signal: ${signal}`);
    return String(signal);
  }
  const s = signal.trim().toUpperCase();
  if (/^\d+$/.test(s)) return normalizeSignal(Number(s));
  const name = s.startsWith("SIG") ? s : `SIG${s}`;
  if (!/^SIG[A-Z0-9]+([+-]\d+)?$/.test(name)) throw new InvalidArgumentError(`Invalid signal: ${signal}`);
  return name;
}

/** The runtime's wording when it does not know the container (runc / crun). */
export function isNotExistMessage(stderr: string): boolean {
  return /does not exist|not found|no such file or directory/i.test(stderr);
}

export function isNotRunningMessage(stderr: string): boolean {
  return /not running|container is stopped|process already finished|no such process/i.test(stderr);
}
