/**
 * Exec sessions (docker exec): created against a running container, started
 * once, then inspected for their exit code. Sessions live in memory, as in
 * Docker; they end with their process or with berthd.
 *
 * Lifecycle: create (container must be running) → start (runtime exec, stdio
 * piped to the caller) → running → exited (exitCode set) → removed when the
 * container goes away.
 */
import { randomBytes } from "node:crypto";
import { ConflictError, InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { isTtyExecProcess, type TtyExecRequest } from "../../runtime/exec-tty.js";
import type { ContainerUser, ExecProcess } from "../../runtime/runtime-driver.js";
import type { ContainerService } from "../containers/container-service.js";
import { mergeEnv } from "../containers/create-container.js";
import { containerEnv } from "../containers/spec-input.js";
import { isRunning } from "../containers/state.js";

export interface ExecConfig {
  args: string[];
  env: string[];
  workingDir: string;
  user: string;
  privileged: boolean;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  /** Initial terminal size for a TTY session ([h, w] in Docker's ConsoleSize). */
  consoleSize?: { height: number; width: number };
}

export interface ExecSession {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  /** The running process (for resize). */
  proc?: ExecProcess;
  /** A size asked for before the process existed. */
  pendingSize?: { height: number; width: number };
}

const MAX_SESSIONS = 10_000;

export class ExecService {
  private readonly sessions = new Map<string, ExecSession>();

  constructor(
    private readonly containers: ContainerService,
    private readonly resolveUser: (rootfs: string, user: string) => Promise<{ user: ContainerUser; home: string }>,
  ) {
    containers.events.on("event", (e: { action?: string; id?: string }) => {
      if (e.action === "destroy" && e.id) for (const [k, s] of this.sessions) if (s.containerId === e.id) this.sessions.delete(k);
    });
  }

  create(containerRef: string, config: ExecConfig): string {
    const rec = this.containers.get(containerRef);
    if (!isRunning(rec.state)) throw new ConflictError(`Container ${rec.id} is not running`);
    if (rec.state.status === "paused") throw new ConflictError(`Container ${rec.id} is paused, unpause the container before exec`);
    if (config.args.length === 0 || config.args[0] === "") throw new InvalidArgumentError("No exec command specified");
    if (this.sessions.size >= MAX_SESSIONS) {
      for (const [k, s] of this.sessions) if (!s.running && s.started) this.sessions.delete(k);
    }
    const id = randomBytes(32).toString("hex");
    this.sessions.set(id, { id, containerId: rec.id, config, running: false, started: false, exitCode: null, pid: 0 });
    return id;
  }

  get(id: string): ExecSession {
    const s = this.sessions.get(id);
    if (!s) throw new NotFoundError(`No such exec instance: ${id}`);
    return s;
  }

  /** POST /exec/{id}/resize: only TTY sessions have a terminal; a size before start is applied at start. */
  async resize(id: string, height: number, width: number): Promise<void> {
    const s = this.get(id);
    if (!s.config.tty || height <= 0 || width <= 0) return;
    if (!s.started) {
      s.pendingSize = { height, width };
      return;
    }
    if (s.proc && isTtyExecProcess(s.proc)) await s.proc.resize(height, width);
  }

  async start(id: string): Promise<ExecProcess> {
    const s = this.get(id);
    if (s.started) throw new ConflictError(`Error: Exec command ${id} has already run`);
    const rec = this.containers.get(s.containerId);
    if (!isRunning(rec.state)) throw new ConflictError(`Container ${rec.id} is not running`);
    s.started = true;
    const rootfs = this.containers.rootfsPath(rec.id);
    const { user, home } = await this.resolveUser(rootfs, s.config.user || rec.config.user);
    const env = mergeEnv(containerEnv(rec, rec.config.hostname || rec.id.slice(0, 12), home), s.config.env);
    const req: TtyExecRequest = {
      args: s.config.args,
      env,
      cwd: s.config.workingDir || rec.config.workingDir || "/",
      user,
      privileged: s.config.privileged,
      tty: s.config.tty,
      consoleSize: s.pendingSize ?? s.config.consoleSize,
    };
    const proc = await this.containers.runtimeFor(rec).exec(this.containers.createOptions(rec), req);
    s.running = true;
    s.pid = proc.pid;
    s.proc = proc;
    void proc.exited.then((code) => {
      s.running = false;
      s.exitCode = code;
      s.proc = undefined;
    });
    if (s.pendingSize && isTtyExecProcess(proc)) await proc.resize(s.pendingSize.height, s.pendingSize.width).catch(() => {});
    return proc;
  }
}
