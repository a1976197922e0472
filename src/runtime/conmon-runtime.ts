/**
 * ConmonRuntime: the RuntimeDriver that runs runc/crun under conmon.
 *
 * create(): spawn conmon detached (own session, no stdio of ours, stderr to
 * <stateDir>/conmon.err) with _OCI_SYNCPIPE=3. conmon double-forks: the
 * process we spawned exits at once, the daemon runs `<runtime> create` and
 * writes one JSON message on the sync pipe: {"data": <pid>} on success or
 * {"data": -1, "message": "<runtime's stderr>"} on failure. That message is
 * the only place the runtime's create error appears (conmon.err stays
 * empty), so it becomes a RuntimeCreateError. conmon keeps running after
 * berthd exits; closing our end of the sync pipe does not disturb it (conmon
 * writes nothing more there for a container).
 *
 * Paths (per container, from CreateOptions, plus two shared ones):
 *   <execRoot>/runtime/<name>/      --root of every runtime call
 *   <execRoot>/s/<id> → bundleDir   conmon's attach link; bundleDir/attach is the socket
 *   <stateDir>/{pid,conmon.pid,conmon.err,exit,oom}
 *   <exitDir>/<id>                  exit code
 */
import { constants as fsConstants, promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from "../errors/index.js";
import { run } from "../sys/exec.js";
import { spawnDetached } from "../sys/spawn-detached.js";
import { conmonArgs } from "./conmon-args.js";
import { RuntimeCreateError } from "./create-error.js";
import { cgroupOomKilled, readExitFile, waitForConmonExit } from "./exit-record.js";
import { openAttachStdin } from "./attach-stdin.js";
import { isNotExistMessage, isNotRunningMessage, runtimeArgs, type RuntimeCli } from "./runtime-args.js";
import { updateArgs } from "./update-resources.js";
import type {
  CreateOptions,
  ExitInfo,
  RuntimeDriver,
  RuntimeState,
  RuntimeStatus,
  SpecInput,
  ExecProcess,
  ExecRequest,
  ResourceLimits,
} from "./runtime-driver.js";
import { buildSpec } from "./spec/build-spec.js";
import { openContainerStdin } from "./container-stdin.js";
import { startExec } from "./exec-process.js";
import { startThroughExecFifo } from "./runc-exec-fifo.js";
import type { HostInfo, OciSpec } from "./spec/oci-spec.js";

export interface ConmonRuntimeOptions {
  /** berth's exec root (/run/berth); keep it short: attach socket paths live under it. */
  execRoot: string;
  runtime: { name: string; path: string };
  conmonPath: string;
  /** native/bin/berth-attach */
  attachHelperPath: string;
  host: HostInfo;
  /** How long create() waits for conmon's answer. */
  createTimeoutMs?: number;
}

/** sun_path is 108 bytes including the NUL. */
const SUN_PATH_MAX = 107;

export class ConmonRuntime implements RuntimeDriver {
  readonly name: string;
  readonly #opts: ConmonRuntimeOptions;
  readonly #cli: RuntimeCli;

  constructor(opts: ConmonRuntimeOptions) {
    this.#opts = opts;
    this.name = opts.runtime.name;
    this.#cli = { path: opts.runtime.path, root: path.join(opts.execRoot, "runtime", opts.runtime.name) };
  }

  get socketDir(): string {
    return path.join(this.#opts.execRoot, "s");
  }

  attachSocketPath(id: string): string {
    return path.join(this.socketDir, id, "attach");
  }

  async writeBundle(bundleDir: string, input: SpecInput): Promise<OciSpec> {
    const spec = buildSpec(input, this.#opts.host);
    await fs.mkdir(bundleDir, { recursive: true });
    // Rewritten before every create and read only after it is complete (by the runtime, then by
    // readExit): a crash mid-write leaves no container to use it, so no temp file and no fsyncs.
    await fs.writeFile(path.join(bundleDir, "config.json"), JSON.stringify(spec));
    return spec;
  }

  async create(opts: CreateOptions): Promise<{ pid: number; conmonPid: number }> {
    if (opts.openStdin && this.attachSocketPath(opts.id).length > SUN_PATH_MAX) {
      throw new InvalidArgumentError(`attach socket path too long for ${opts.id}; use a shorter exec root`);
    }
    await Promise.all(
      [this.#cli.root, this.socketDir, opts.stateDir, opts.exitDir, path.dirname(opts.logPath)].map((d) =>
        fs.mkdir(d, { recursive: true }),
      ),
    );
    // A restarted container reuses its dirs: stale records would read as this run's.
    await Promise.all(
      [path.join(opts.exitDir, opts.id), ...["exit", "oom", "pid", "conmon.pid"].map((f) => path.join(opts.stateDir, f))].map(
        (f) => fs.rm(f, { force: true }),
      ),
    );
    const argv = conmonArgs({
      conmonPath: this.#opts.conmonPath,
      runtimePath: this.#cli.path,
      runtimeRoot: this.#cli.root,
      id: opts.id,
      bundleDir: opts.bundleDir,
      containerPidFile: path.join(opts.stateDir, "pid"),
      conmonPidFile: path.join(opts.stateDir, "conmon.pid"),
      exitDir: opts.exitDir,
      persistDir: opts.stateDir,
      logPath: opts.logPath,
      socketDir: this.socketDir,
      tty: opts.tty,
      openStdin: opts.openStdin,
    });
    const errFile = path.join(opts.stateDir, "conmon.err");
    const errHandle = await fs.open(errFile, "w");
    let sync: Readable | undefined;
    try {
      const child = await spawnDetached(argv, {
        env: { ...process.env, _OCI_SYNCPIPE: "3" },
        stderrFd: errHandle.fd,
        extraPipes: 1,
        // conmon 2.1 also creates an `oom` file in its *cwd* on OOM (besides
        // <persist>/oom): keep that inside the container's state dir.
        cwd: opts.stateDir,
      });
      sync = child.pipes[0]!;
      const msg = await readSyncMessage(sync, this.#opts.createTimeoutMs ?? 30_000);
      if (msg === undefined || typeof msg.data !== "number") {
        const err = await fs.readFile(errFile, "utf8").catch(() => "");
        throw new RuntimeCreateError([this.#cli.path, "create", opts.id], `conmon gave no pid: ${err.trim() || "no output"}`);
      }
      if (msg.data < 0) {
        const command = await readCommand(opts.bundleDir);
        throw new RuntimeCreateError([this.#cli.path, "create", opts.id], (msg.message ?? "").trim(), command);
      }
      const conmonPid = await readPidFile(path.join(opts.stateDir, "conmon.pid"));
      return { pid: msg.data, conmonPid };
    } finally {
      sync?.destroy();
      await errHandle.close();
    }
  }

  async start(id: string): Promise<void> {
    if (path.basename(this.#cli.path) === "runc" && (await startThroughExecFifo(this.#cli.root, id))) return;
    await this.#runOrMap(runtimeArgs.start(this.#cli, id), id);
  }

  async kill(id: string, signal: string | number, all = false): Promise<void> {
    const res = await run(runtimeArgs.kill(this.#cli, id, signal, all), { allowFailure: true });
    if (res.exitCode === 0 || isNotExistMessage(res.stderr) || isNotRunningMessage(res.stderr)) return;
    await this.#runOrMap(runtimeArgs.kill(this.#cli, id, signal, all), id);
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    const res = await run(runtimeArgs.state(this.#cli, id), { allowFailure: true });
    if (res.exitCode !== 0) {
      if (isNotExistMessage(res.stderr)) return undefined;
      await this.#runOrMap(runtimeArgs.state(this.#cli, id), id);
    }
    const parsed = JSON.parse(res.stdout) as { status?: string; pid?: number };
    const status = parsed.status as RuntimeStatus;
    if (!["created", "running", "paused", "stopped"].includes(status)) {
      throw new FailedPreconditionError(`unknown runtime status ${String(parsed.status)} for ${id}`);
    }
    return { status, pid: parsed.pid ?? 0 };
  }

  async readExit(opts: CreateOptions): Promise<ExitInfo | undefined> {
    const exit = await readExitFile(path.join(opts.exitDir, opts.id));
    if (!exit) return undefined;
    // The cgroup's OOM count is read while conmon finishes (the cgroup stays until `runtime delete`);
    // conmon's own `oom` file is looked for once conmon is gone, as it may write it last.
    const [cgroupOom] = await Promise.all([
      readCgroupsPath(opts.bundleDir).then((p) => (p ? cgroupOomKilled(p) : false)),
      readPidFile(path.join(opts.stateDir, "conmon.pid"), 0).then(
        (pid) => (pid ? waitForConmonExit(pid, opts.id) : undefined),
        () => undefined,
      ),
    ]);
    const oomKilled =
      cgroupOom ||
      (await fs.access(path.join(opts.stateDir, "oom")).then(
        () => true,
        () => false,
      ));
    return { ...exit, oomKilled };
  }

  async delete(id: string): Promise<void> {
    const res = await run(runtimeArgs.delete(this.#cli, id), { allowFailure: true });
    if (res.exitCode !== 0 && !isNotExistMessage(res.stderr)) await this.#runOrMap(runtimeArgs.delete(this.#cli, id), id);
    await fs.rm(path.join(this.socketDir, id), { force: true });
  }

  async list(): Promise<string[]> {
    const names = await fs.readdir(this.#cli.root).catch(() => [] as string[]);
    return names.filter((n) => /^[0-9a-f]{64}$/.test(n));
  }

  async pause(id: string): Promise<void> {
    await this.#runOrMap(runtimeArgs.pause(this.#cli, id), id);
  }

  async resume(id: string): Promise<void> {
    await this.#runOrMap(runtimeArgs.resume(this.#cli, id), id);
  }

  async openStdin(opts: CreateOptions): Promise<NodeJS.WritableStream & { destroy(): void }> {
    if (!opts.openStdin) throw new FailedPreconditionError(`container ${opts.id} was not created with stdin open`);
    // With a TTY the container's stdin is the pty that conmon holds: keystrokes go through
    // its attach socket (there is no EOF to lose: ^D is just a byte to the terminal).
    if (opts.tty) return (await openAttachStdin(this.#opts.attachHelperPath, this.attachSocketPath(opts.id))) as NodeJS.WritableStream & { destroy(): void };
    const pid = Number((await fs.readFile(path.join(opts.stateDir, "pid"), "utf8")).trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new FailedPreconditionError(`container ${opts.id} has no process`);
    return openContainerStdin({ pid, helperPath: this.#opts.attachHelperPath, attachSocket: this.attachSocketPath(opts.id) });
  }

  /** Resizes a TTY container's terminal through conmon's control fifo (message 1 = resize). */
  async resize(opts: CreateOptions, height: number, width: number): Promise<void> {
    const fh = await fs.open(path.join(opts.bundleDir, "ctl"), fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
    try {
      await fh.write(`1 ${height} ${width}\n`);
    } finally {
      await fh.close();
    }
  }

  async update(id: string, limits: ResourceLimits): Promise<void> {
    await this.#runOrMap(updateArgs(this.#cli, id, limits, { swapSupported: this.#opts.host.swapSupported ?? true }), id);
  }

  exec(opts: CreateOptions, req: ExecRequest): Promise<ExecProcess> {
    return startExec(this.#cli, opts, req, this.#opts.host);
  }

  /** Runs a runtime command; maps "does not exist" to NotFound and "not running" to FailedPrecondition. */
  async #runOrMap(argv: string[], id: string): Promise<void> {
    const res = await run(argv, { allowFailure: true });
    if (res.exitCode === 0) return;
    if (isNotExistMessage(res.stderr)) throw new NotFoundError(`No such container: ${id}`);
    if (isNotRunningMessage(res.stderr)) throw new FailedPreconditionError(`Container ${id} is not running`);
    await run(argv); // throws the ExecError with argv and stderr
  }
}

interface SyncMessage {
  data?: number;
  message?: string;
}

/** Reads conmon's first sync-pipe JSON message; undefined if the pipe closes first. */
export function readSyncMessage(pipe: Readable, timeoutMs: number): Promise<SyncMessage | undefined> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => done(new Error(`no answer from conmon within ${timeoutMs} ms`)), timeoutMs);
    const done = (err: Error | undefined, value?: SyncMessage) => {
      clearTimeout(timer);
      pipe.removeAllListeners("data");
      pipe.removeAllListeners("end");
      if (err) reject(err);
      else resolve(value);
    };
    pipe.on("data", (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      const msg = parseSyncMessage(buf);
      if (msg) done(undefined, msg);
    });
    pipe.on("end", () => done(undefined, parseSyncMessage(buf)));
    pipe.on("error", () => done(undefined, parseSyncMessage(buf)));
  });
}

/** The first complete JSON object in `text`, or undefined while incomplete. */
export function parseSyncMessage(text: string): SyncMessage | undefined {
  const firstLine = text.indexOf("}\n");
  const candidate = firstLine >= 0 ? text.slice(0, firstLine + 1) : text;
  try {
    return JSON.parse(candidate) as SyncMessage;
  } catch {
    return undefined;
  }
}

async function readPidFile(file: string, timeoutMs = 2000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await fs.readFile(file, "utf8").catch(() => "");
    const pid = Number(text.trim());
    if (Number.isInteger(pid) && pid > 0) return pid;
    if (Date.now() >= deadline) throw new NotFoundError(`no pid in ${file}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function readBundleSpec(bundleDir: string): Promise<Partial<OciSpec> | undefined> {
  const text = await fs.readFile(path.join(bundleDir, "config.json"), "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as Partial<OciSpec>);
}

async function readCgroupsPath(bundleDir: string): Promise<string | undefined> {
  return (await readBundleSpec(bundleDir))?.linux?.cgroupsPath || undefined;
}

/** The user's command (after any --init prefix), for Docker's 126/127 rule. */
async function readCommand(bundleDir: string): Promise<string | undefined> {
  const args = (await readBundleSpec(bundleDir))?.process?.args ?? [];
  const i = args[0] === "/sbin/docker-init" ? args.indexOf("--") + 1 : 0;
  return args[i];
}
