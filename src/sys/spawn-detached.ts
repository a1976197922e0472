/**
 * Spawning processes that are not run-to-completion (exec.ts's run() is for
 * those):
 *
 *  - spawnDetached: a supervisor (conmon) that must outlive berthd. It gets
 *    its own session (setsid), no stdin/stdout, stderr into a file the caller
 *    opened (never a pipe of ours: a pipe would break, or hold berthd's
 *    stdio, once berthd exits), and extra pipes as fds 3.. for protocols
 *    such as conmon's sync pipe. The child is unref'd so berthd's event loop
 *    never waits for it; the caller destroys the pipes when done with them.
 *  - spawnAttached: a helper that lives as long as a stream of berthd's
 *    (berth-attach), with piped stdin/stdout/stderr.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { ExecError } from "../errors/index.js";

export interface DetachedOptions {
  env?: NodeJS.ProcessEnv;
  /** fd to use as the child's stderr (e.g. an opened log file); default ignore. */
  stderrFd?: number;
  /** Number of extra pipes to give the child as fd 3, 4, … */
  extraPipes?: number;
  /** Working directory (supervisors may drop files there; never berthd's own). */
  cwd?: string;
}

export interface DetachedChild {
  pid: number;
  /** Our ends of the extra pipes, in fd order (fd 3 first). */
  pipes: Readable[];
  /** Resolves with the exit code of the spawned process itself. */
  exited: Promise<number | null>;
}

export function spawnDetached(argv: string[], opts: DetachedOptions = {}): Promise<DetachedChild> {
  return new Promise((resolve, reject) => {
    const extra = Array.from({ length: opts.extraPipes ?? 0 }, () => "pipe" as const);
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        env: opts.env ?? process.env,
        detached: true,
        cwd: opts.cwd,
        stdio: ["ignore", "ignore", opts.stderrFd ?? "ignore", ...extra],
      });
    } catch (e) {
      reject(new ExecError(argv, null, String(e), { cause: e }));
      return;
    }
    const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
    child.once("error", (e) => reject(new ExecError(argv, null, String(e), { cause: e })));
    child.once("spawn", () => {
      child.unref();
      const pipes = extra.map((_, i) => child.stdio[3 + i] as Readable);
      resolve({ pid: child.pid!, pipes, exited });
    });
  });
}

export interface AttachedChild {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnAttached(argv: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<AttachedChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
    child.once("error", (e) => reject(new ExecError(argv, null, String(e), { cause: e })));
    child.once("spawn", () =>
      resolve({
        pid: child.pid!,
        stdin: child.stdin!,
        stdout: child.stdout!,
        stderr: child.stderr!,
        exited,
        kill: (sig) => child.kill(sig),
      }),
    );
  });
}
