/**
 * docker top: `ps` on the host, limited to the container's processes — what
 * moby does (daemon/top_unix.go). The pids come from the container's cgroup
 * (cgroup.procs: every process in it, exec'd ones included), ps runs with the
 * user's ps_args (default "-ef"), and the output is split into Titles and
 * rows, keeping only rows whose PID column is one of those pids.
 *
 * Parsing follows moby's parsePSOutput: the header's words are the titles,
 * each row is split on whitespace, and anything beyond the last title (a
 * command with spaces) is joined back into the last column.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import { run } from "../../sys/exec.js";

export interface TopResult {
  titles: string[];
  processes: string[][];
}

export function psArgv(psArgs: string | undefined): string[] {
  const args = (psArgs ?? "").trim() || "-ef";
  // ps_args is split into words, never given to a shell
  return ["ps", ...args.split(/\s+/)];
}

export function parsePsOutput(stdout: string, pids: number[]): TopResult {
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  const titles = (lines[0] ?? "").trim().split(/\s+/);
  const pidIndex = titles.indexOf("PID");
  if (pidIndex < 0) throw new InvalidArgumentError("Couldn't find PID field in ps output");
  const wanted = new Set(pids);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length > titles.length) fields.splice(titles.length - 1, fields.length, fields.slice(titles.length - 1).join(" "));
    const pid = Number(fields[pidIndex]);
    if (wanted.has(pid)) processes.push(fields);
  }
  return { titles, processes };
}

/** Runs ps for these pids; a ps that rejects the arguments is the caller's mistake (400 in Docker: 500 with ps's words). */
export async function topProcesses(pids: number[], psArgs: string | undefined): Promise<TopResult> {
  const argv = psArgv(psArgs);
  const res = await run(argv, { allowFailure: true, timeoutMs: 10_000, env: { ...process.env, LC_ALL: "C" } });
  if (res.exitCode !== 0) throw new InvalidArgumentError(`ps: ${res.stderr.trim() || res.stdout.trim()}`);
  return parsePsOutput(res.stdout, pids);
}
