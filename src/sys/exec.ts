/**
 * The one place that runs external programs. Everything that spawns (mount,
 * runc, conmon, mknod helpers) goes through here so that a failure always
 * carries argv, exit code and the tail of stderr (ExecError).
 */
import { spawn } from "node:child_process";
import { ExecError } from "../errors/index.js";
import { trace, tracing } from "./trace.js";

export interface RunOptions {
  /** Bytes written to the child's stdin, then closed. */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the child after this many ms (SIGKILL). */
  timeoutMs?: number;
  /** Do not throw on a non-zero exit; return the result instead. */
  allowFailure?: boolean;
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

const MAX_CAPTURE = 4 * 1024 * 1024;

/** Runs argv[0] with argv[1..] (no shell) and collects its output. */
export function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  if (tracing) trace(`exec ${argv.slice(0, 4).join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      signal: opts.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    child.stdout.on("data", (b: Buffer) => {
      if (outLen < MAX_CAPTURE) out.push(b);
      outLen += b.length;
    });
    child.stderr.on("data", (b: Buffer) => {
      if (errLen < MAX_CAPTURE) err.push(b);
      errLen += b.length;
    });
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(new ExecError(argv, null, String(e), { cause: e }));
    });
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      if (tracing) trace(`exec done ${argv.slice(0, 4).join(" ")}`);
      const res = { exitCode: code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      if (code !== 0 && !opts.allowFailure) reject(new ExecError(argv, code, res.stderr || res.stdout));
      else resolve(res);
    });
    child.stdin.on("error", () => {
      /* the child may exit before reading its input; the exit code tells the story */
    });
    child.stdin.end(opts.input ?? "");
  });
}
