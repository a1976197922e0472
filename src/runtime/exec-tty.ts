/**
 * `docker exec -t`: conmon's exec mode holds the pseudo-terminal.
 *
 *   conmon --api-version 1 -c <cid> -u <sid> -r <runtime> --runtime-arg --root=<root>
 *          -b <session dir> -p <session>/pid --exit-dir <session>/exit
 *          -l k8s-file:<session>/log --socket-dir-path <execRoot>/s
 *          -e --exec-process-spec <session>/process.json -t -i --leave-stdin-open
 *
 * conmon runs `<runtime> exec --detach --tty --console-socket … --process
 * process.json <cid>`, keeps the pty master, reports {"data": <pid>} (or a
 * negative value and the runtime's message) on its sync pipe, then:
 *   output  → the session's k8s-file log (tailed here, LogEntry.data restores
 *             the newlines; a terminal has one stream: stdout);
 *   input   ← <execRoot>/s/<sid>/attach (SOCK_SEQPACKET, via native
 *             berth-attach, as for a TTY container);
 *   resize  ← "1 H W\n" written to <session>/ctl;
 *   exit    → <session>/exit/<cid> (decimal text), written when the process ends.
 * The session dir is <bundle>/exec/<sid> and is removed once the exit is read
 * and the output drained. The initial terminal size comes from the exec
 * request's ConsoleSize (process.consoleSize in the spec).
 *
 * The engine asks for this through ExecRequest with `tty: true`
 * (TtyExecRequest); the process it gets back has `resize()` (TtyExecProcess).
 */
import { constants as fsConstants, promises as fs } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import { writeJsonAtomic } from "../durable/atomic-file.js";
import { spawnDetached } from "../sys/spawn-detached.js";
import { followLog } from "../store/logs/k8s-log.js";
import { findAttachHelper, openAttachStdin } from "./attach-stdin.js";
import { readSyncMessage } from "./conmon-runtime.js";
import { createFailureCode, runtimeLogMessage } from "./create-error.js";
import { execProcessSpec } from "./exec-process.js";
import type { CreateOptions, ExecProcess, ExecRequest } from "./runtime-driver.js";
import type { RuntimeCli } from "./runtime-args.js";
import { findExecutable } from "./runtime-select.js";
import type { HostInfo, OciProcess, OciSpec } from "./spec/oci-spec.js";

export interface TtyExecRequest extends ExecRequest {
  tty?: boolean;
  /** Initial terminal size (Docker's ConsoleSize [h, w]). */
  consoleSize?: { height: number; width: number };
}

export interface TtyExecProcess extends ExecProcess {
  resize(height: number, width: number): Promise<void>;
}

export function isTtyExecProcess(p: ExecProcess): p is TtyExecProcess {
  return typeof (p as Partial<TtyExecProcess>).resize === "function";
}

let conmonPath: Promise<string | undefined> | undefined;
let helperPath: Promise<string> | undefined;

export async function startTtyExec(cli: RuntimeCli, opts: CreateOptions, req: TtyExecRequest, host: HostInfo): Promise<TtyExecProcess> {
  conmonPath ??= findExecutable("conmon");
  helperPath ??= findAttachHelper();
  const conmon = await conmonPath;
  if (!conmon) throw new Error("conmon not found: install conmon");
  const spec = JSON.parse(await fs.readFile(path.join(opts.bundleDir, "config.json"), "utf8")) as OciSpec;
  const sid = randomBytes(8).toString("hex");
  const dir = path.join(opts.bundleDir, "exec", sid);
  const exitDir = path.join(dir, "exit");
  const logFile = path.join(dir, "log");
  // cli.root is <execRoot>/runtime/<name>; the attach links live in <execRoot>/s, as the container's
  const socketDir = path.resolve(cli.root, "..", "..", "s");
  await fs.mkdir(exitDir, { recursive: true });
  await fs.mkdir(socketDir, { recursive: true });
  await fs.writeFile(logFile, "");
  const proc: OciProcess & { consoleSize?: { height: number; width: number } } = { ...execProcessSpec(spec.process, req, host), terminal: true };
  if (!proc.env.some((e) => e.startsWith("TERM="))) proc.env = [...proc.env, "TERM=xterm"];
  if (req.consoleSize && req.consoleSize.height > 0 && req.consoleSize.width > 0) proc.consoleSize = req.consoleSize;
  const processFile = path.join(dir, "process.json");
  await writeJsonAtomic(processFile, proc);
  const argv = [
    conmon, "--api-version", "1", "-c", opts.id, "-u", sid, "-n", opts.id,
    "-r", cli.path, "--runtime-arg", `--root=${cli.root}`,
    "-b", dir, "-p", path.join(dir, "pid"), "--conmon-pidfile", path.join(dir, "conmon.pid"),
    "--exit-dir", exitDir, "-l", `k8s-file:${logFile}`, "--socket-dir-path", socketDir, "--log-level", "error",
    "-e", "--exec-process-spec", processFile, "-t", "-i", "--leave-stdin-open",
  ];
  const errFile = path.join(dir, "conmon.err");
  const errHandle = await fs.open(errFile, "w");
  let sync: Readable | undefined;
  let pid: number;
  const cleanup = () => Promise.all([fs.rm(dir, { recursive: true, force: true }), fs.rm(path.join(socketDir, sid), { force: true })]);
  try {
    const child = await spawnDetached(argv, { env: { ...process.env, _OCI_SYNCPIPE: "3" }, stderrFd: errHandle.fd, extraPipes: 1, cwd: dir });
    sync = child.pipes[0]!;
    const msg = await readSyncMessage(sync, 30_000);
    if (!msg || typeof msg.data !== "number" || msg.data < 0) {
      const text = (msg?.message ?? "") || (await fs.readFile(errFile, "utf8").catch(() => "")) || "conmon gave no pid";
      await cleanup();
      return failedExec(createFailureCode(runtimeLogMessage(text)), text);
    }
    pid = msg.data;
  } finally {
    sync?.destroy();
    await errHandle.close();
  }

  let exitCode: number | undefined;
  const exited = waitExitFile(exitDir).then((c) => {
    exitCode = c;
    return c;
  });

  const stdout = new PassThrough();
  void (async () => {
    try {
      for await (const e of followLog(logFile, 0, { isDone: () => exitCode !== undefined, wake: (cb) => (void exited.then(cb), () => {}) })) {
        stdout.write(e.data);
      }
    } catch {
      /* the session dir went away */
    }
    stdout.end();
  })();

  // stdin: buffered until the attach helper is connected to conmon's socket
  const stdin = new PassThrough();
  void (async () => {
    try {
      const target = await openAttachStdin(await helperPath!, path.join(socketDir, sid, "attach"));
      target.on("error", () => {});
      stdin.pipe(target);
      void exited.then(() => target.destroy());
    } catch {
      stdin.resume(); // the process is gone already: drop input
    }
  })();

  void Promise.all([exited, new Promise((r) => stdout.once("end", r))]).then(() => cleanup().catch(() => {}));

  return {
    pid,
    stdin,
    stdout,
    stderr: endedStream(),
    exited,
    kill: (signal) => {
      try {
        process.kill(pid, signal ?? "SIGKILL");
      } catch {
        /* gone */
      }
    },
    resize: async (height, width) => {
      if (exitCode !== undefined) return;
      const fh = await fs.open(path.join(dir, "ctl"), fsConstants.O_WRONLY | fsConstants.O_NONBLOCK).catch(() => undefined);
      if (!fh) return;
      try {
        await fh.write(`1 ${height} ${width}\n`);
      } finally {
        await fh.close();
      }
    },
  };
}

function endedStream(): PassThrough {
  const s = new PassThrough();
  s.end();
  return s;
}

/** An exec whose process could not start: the runtime's message as output, 126/127 as exit code. */
function failedExec(code: number, message: string): TtyExecProcess {
  const stdout = new PassThrough();
  stdout.end(`${message.trim()}\r\n`);
  const stdin = new PassThrough();
  stdin.resume();
  return { pid: 0, stdin, stdout, stderr: endedStream(), exited: Promise.resolve(code === 125 ? 126 : code), kill: () => {}, resize: async () => {} };
}

/** Resolves with the code conmon writes into the exit dir when the exec'd process ends. */
async function waitExitFile(exitDir: string): Promise<number> {
  for (;;) {
    const names = await fs.readdir(exitDir).catch(() => [] as string[]);
    for (const n of names) {
      const text = (await fs.readFile(path.join(exitDir, n), "utf8").catch(() => "")).trim();
      if (/^-?\d+$/.test(text)) return Number(text);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
