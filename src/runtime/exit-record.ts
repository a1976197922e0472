/**
 * Reading what conmon leaves behind when a container exits.
 *
 * Verified with conmon 2.1.6 + runc 1.1 on this host:
 *  - <exitDir>/<id> holds the exit code as decimal text without newline
 *    ("3", "137" after SIGKILL/OOM); its mtime is the exit time.
 *  - <persistDir>/exit holds the same; <persistDir>/oom (empty) appears when
 *    the kernel OOM-killed a process in the container's cgroup (conmon
 *    watches memory.oom_control via eventfd on v1, memory.events on v2).
 *  - the exit file can precede the last log line: seen here, exit file mtime
 *    …19.330, last line `still-here` stamped …19.333 (in 20 quick `echo`
 *    runs the log was complete). conmon drains and syncs the log before it
 *    exits, so
 *    readExit waits for conmon itself to exit (waitForConmonExit) and the
 *    log is complete when readExit answers.
 * Fallback for OOM: the cgroup's own counter (v1 memory.oom_control
 * `oom_kill N`, v2 memory.events `oom_kill N`), readable until `delete`.
 */
import { promises as fs } from "node:fs";
import path from "node:path";

export function parseExitCode(text: string): number | undefined {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : undefined;
}

export async function readExitFile(file: string): Promise<{ exitCode: number; finishedAt: Date } | undefined> {
  try {
    const [text, st] = await Promise.all([fs.readFile(file, "utf8"), fs.stat(file)]);
    const exitCode = parseExitCode(text);
    // conmon writes the file in one write; an empty read means we raced it.
    return exitCode === undefined ? undefined : { exitCode, finishedAt: st.mtime };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** oom_kill counter from v1 memory.oom_control or v2 memory.events text. */
export function parseOomKillCount(text: string): number {
  const m = /^oom_kill\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** Whether the kernel OOM-killed in this cgroup (before runtime delete removes it). */
export async function cgroupOomKilled(cgroupsPath: string, cgroupRoot = "/sys/fs/cgroup"): Promise<boolean> {
  const candidates = [
    path.join(cgroupRoot, "memory", cgroupsPath, "memory.oom_control"), // v1 / hybrid
    path.join(cgroupRoot, cgroupsPath, "memory.events"), // v2
  ];
  for (const file of candidates) {
    const text = await fs.readFile(file, "utf8").catch(() => undefined);
    if (text !== undefined) return parseOomKillCount(text) > 0;
  }
  return false;
}

/** True while `pid` runs as a conmon for `id` (a reused pid or a zombie does not count). */
export async function isConmonAlive(pid: number, id: string): Promise<boolean> {
  const [cmdline, stat] = await Promise.all([
    fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
    fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => ""),
  ]);
  if (!cmdline.includes("conmon") || !cmdline.split("\0").includes(id)) return false;
  // Field 3 of /proc/<pid>/stat, after the ")" that closes comm.
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/**
 * Waits (polling) until conmon has exited, so the log is complete; gives up after timeoutMs.
 * conmon exits a few ms after it writes the exit file: the first polls come quickly (1, 2, 4 ms)
 * since every `run --rm` waits on this, later ones every 10 ms.
 */
export async function waitForConmonExit(pid: number, id: string, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  while (await isConmonAlive(pid, id)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10);
  }
  return true;
}
