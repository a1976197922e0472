/**
 * The OCI runtime driver: how the engine turns a container description into a
 * supervised process, and back.
 *
 * Lifecycle (one container id):
 *   writeBundle(spec) → create() [conmon runs `<runtime> create`, reports pid]
 *   → start() [`<runtime> start`] → … process exits: conmon writes the exit
 *   code into exitDir/<id> → readExit() → delete() [`<runtime> delete`, cgroup gone].
 *
 * conmon, not berthd, is the container's parent: it holds the stdio, writes
 * the log (k8s-file format), records the exit code, and survives berthd.
 * Argv builders (runcArgs, conmonArgs) are pure functions, tested alone.
 */

export interface ContainerUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

export interface MountRequest {
  destination: string;
  type: string; // "bind" | "tmpfs" | "proc" | ...
  source: string;
  options: string[];
}

export interface ResourceLimits {
  /** bytes; 0 = unlimited */
  memory?: number;
  /** bytes of memory+swap; -1 = unlimited swap; 0/undefined = Docker's default (2 × memory when memory is set) */
  memorySwap?: number;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  /** 0 or negative = unlimited */
  pidsLimit?: number;
  /** --oom-kill-disable: the kernel pauses the cgroup instead of killing (cgroup v1 only). */
  oomKillDisable?: boolean;
}

export interface Ulimit {
  name: string; // "nofile", "nproc", ... (Docker names, without RLIMIT_)
  soft: number;
  hard: number;
}

/** Everything the engine knows about a container that the OCI spec needs. */
export interface SpecInput {
  id: string;
  /** Absolute path of the mounted root filesystem. */
  rootfs: string;
  readonlyRootfs: boolean;
  args: string[];
  env: string[];
  cwd: string;
  user: ContainerUser;
  tty: boolean;
  openStdin: boolean;
  hostname: string;
  /** Extra mounts in order (binds, tmpfs, /etc/hosts, /etc/hostname, /etc/resolv.conf). */
  mounts: MountRequest[];
  /** "none" = own netns with loopback only; "host" = the host's netns; otherwise a netns path. */
  network: { mode: "none" } | { mode: "host" } | { mode: "path"; path: string };
  resources: ResourceLimits;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  noNewPrivileges: boolean;
  ulimits: Ulimit[];
  /** Run a minimal init (tini) as PID 1. */
  init: boolean;
  /** cgroup path relative to the hierarchy root, e.g. "/berth/<id>". */
  cgroupsPath: string;
  /** Seconds; container's oom_score_adj. */
  oomScoreAdj?: number;
  sysctls?: Record<string, string>;
}

export interface CreateOptions {
  id: string;
  /** Directory holding config.json (written by writeBundle). */
  bundleDir: string;
  /** k8s-file log written by conmon. */
  logPath: string;
  /** conmon writes the exit code into exitDir/<id>. */
  exitDir: string;
  /** Per-container directory for conmon's pid file, attach socket link, oom marker. */
  stateDir: string;
  tty: boolean;
  openStdin: boolean;
}

export type RuntimeStatus = "created" | "running" | "paused" | "stopped";

export interface RuntimeState {
  status: RuntimeStatus;
  pid: number;
}

export interface ExitInfo {
  exitCode: number;
  /** When conmon recorded the exit (file mtime). */
  finishedAt: Date;
  oomKilled: boolean;
}

export interface RuntimeDriver {
  /** "runc" or "crun". */
  readonly name: string;
  /** Writes <bundleDir>/config.json for this input; returns the spec object written. */
  writeBundle(bundleDir: string, input: SpecInput): Promise<unknown>;
  /** Starts conmon, which runs `<runtime> create`; resolves with the container's pid once it exists. */
  create(opts: CreateOptions): Promise<{ pid: number; conmonPid: number }>;
  /** `<runtime> start`: the user process begins. */
  start(id: string): Promise<void>;
  /** Sends a signal (name like "SIGTERM"/"TERM" or number) to the container's init. NotFound-safe. */
  kill(id: string, signal: string | number, all?: boolean): Promise<void>;
  /** The runtime's view, or undefined when it does not know the id. */
  state(id: string): Promise<RuntimeState | undefined>;
  /** Exit record written by conmon, or undefined while the container has not exited. */
  readExit(opts: CreateOptions): Promise<ExitInfo | undefined>;
  /** `<runtime> delete --force`; removes the runtime state and cgroup. No error when already gone. */
  delete(id: string): Promise<void>;
  /** IDs the runtime holds state for (to find state a crash left without a record). */
  list?(): Promise<string[]>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /**
   * Connects to conmon's attach socket for stdin. Returns a writable whose end()
   * closes the container's stdin. Only for containers created with openStdin.
   */
  openStdin(opts: CreateOptions): Promise<NodeJS.WritableStream & { destroy(): void }>;
  /**
   * Runs an extra process in a running container (`<runtime> exec`), its stdio
   * piped to berthd. The container's own process spec (from its bundle) is the
   * base: capabilities, rlimits, security bits; the request overrides args,
   * env, cwd, user.
   */
  exec(opts: CreateOptions, req: ExecRequest): Promise<ExecProcess>;
  /** Sets a TTY container's terminal size. */
  resize(opts: CreateOptions, height: number, width: number): Promise<void>;
  /** `<runtime> update`: applies new cgroup limits to a running container (docker update). Optional for fakes. */
  update?(id: string, limits: ResourceLimits): Promise<void>;
}

export interface ExecRequest {
  args: string[];
  /** Full environment (the engine merges the container's and the request's). */
  env: string[];
  cwd: string;
  user: ContainerUser;
  privileged: boolean;
}

export interface ExecProcess {
  /** The runtime process' pid (runc exec stays the parent of the exec'd process). */
  pid: number;
  stdin: NodeJS.WritableStream;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** Resolves with the exec'd process' exit code (runc exec exits with it). */
  exited: Promise<number>;
  kill(signal?: NodeJS.Signals): void;
}
