/**
 * Health checks while a container runs (Docker's daemon/health.go semantics).
 *
 * One monitor per running container with a health check: it waits Interval
 * (StartInterval while the container is still "starting" and inside its
 * StartPeriod), runs the probe through the runtime's exec (non-TTY, stdout
 * and stderr captured together up to 4 KiB), and kills it after Timeout
 * (a timeout is a failure, ExitCode -1). Status: "starting" until the first
 * success → "healthy"; Retries consecutive failures → "unhealthy" (failures
 * inside StartPeriod while still "starting" do not count). The last 5 results
 * are kept. Each status change emits {type:"container", action:"health_status:
 * <status>", id} on the container service's emitter. Monitors stop when the
 * container exits or is removed and start again with it (status back to
 * "starting", the log kept). Health lives in memory, like exec sessions: after
 * a berthd restart a running container starts over at "starting".
 *
 * berth extension — restart on unhealthy: a container labelled
 * `berth.health.restart=true` (docker run --label berth.health.restart=true)
 * is restarted by the daemon (as `docker restart` would: stop with its stop
 * signal/timeout, then start) each time it turns unhealthy. Docker itself
 * only reports health; this label needs no HostConfig field, so any Docker
 * client can set it.
 *
 * The state is also kept in a process-wide table read by `healthOf(id)` so
 * the API views (inspect, ps, the `health` filter) see it without a handle
 * on the service.
 */
import type { ExecProcess } from "../../runtime/runtime-driver.js";
import {
  DEFAULT_INTERVAL_NS,
  DEFAULT_RETRIES,
  DEFAULT_START_INTERVAL_NS,
  DEFAULT_TIMEOUT_NS,
  probeArgv,
  type HealthConfig,
} from "./health-config.js";
import type { ContainerRecord } from "./types.js";

export type HealthStatus = "starting" | "healthy" | "unhealthy";

export interface HealthResult {
  start: string;
  end: string;
  exitCode: number;
  output: string;
}

export interface HealthState {
  status: HealthStatus;
  failingStreak: number;
  log: HealthResult[];
}

export const RESTART_ON_UNHEALTHY_LABEL = "berth.health.restart";
const MAX_LOG = 5;
const MAX_OUTPUT = 4096;

const table = new Map<string, HealthState>();

/** The container's health, or undefined when it has no health check (Docker's "none"). */
export function healthOf(id: string): HealthState | undefined {
  return table.get(id);
}

/** Docker's ps suffix: "health: starting", "healthy", "unhealthy". */
export function healthString(h: HealthState): string {
  return h.status === "starting" ? "health: starting" : h.status;
}

export interface HealthHost {
  /** The current record, or undefined once removed. */
  find(id: string): ContainerRecord | undefined;
  /** Starts the probe in the container. */
  exec(rec: ContainerRecord, argv: string[]): Promise<ExecProcess>;
  emit(ev: { type: "container"; action: string; id: string }): void;
  restart(id: string): Promise<void>;
  log?: (msg: string) => void;
}

interface Monitor {
  stopped: boolean;
  timer?: NodeJS.Timeout;
  proc?: ExecProcess;
  startedAt: number;
}

/** Go's time.Duration String for whole ms/s values ("200ms", "30s", "1m30s"). */
export function goDuration(ns: number): string {
  const ms = ns / 1e6;
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  return `${m}m${rest}s`;
}

export class HealthMonitor {
  private readonly monitors = new Map<string, Monitor>();

  constructor(private readonly host: HealthHost) {}

  /** (Re)starts monitoring a container that just started; no-op without a health check. */
  start(rec: ContainerRecord): void {
    this.stop(rec.id);
    const hc = rec.config.healthcheck;
    if (!probeArgv(hc)) {
      table.delete(rec.id);
      return;
    }
    const prev = table.get(rec.id);
    table.set(rec.id, { status: "starting", failingStreak: 0, log: prev?.log ?? [] });
    const startedAt = "startedAt" in rec.state ? Date.parse(rec.state.startedAt) : Date.now();
    const m: Monitor = { stopped: false, startedAt: Number.isFinite(startedAt) ? startedAt : Date.now() };
    this.monitors.set(rec.id, m);
    this.schedule(rec.id, m, hc!);
  }

  /** Stops the timer and any probe in flight; the last state stays visible (inspect of a stopped container). */
  stop(id: string): void {
    const m = this.monitors.get(id);
    if (!m) return;
    m.stopped = true;
    if (m.timer) clearTimeout(m.timer);
    m.proc?.kill("SIGKILL");
    this.monitors.delete(id);
  }

  /** The container is gone. */
  forget(id: string): void {
    this.stop(id);
    table.delete(id);
  }

  close(): void {
    for (const id of [...this.monitors.keys()]) this.stop(id);
  }

  private schedule(id: string, m: Monitor, hc: HealthConfig): void {
    const st = table.get(id);
    const inStart = st?.status === "starting" && Date.now() - m.startedAt < hc.startPeriod / 1e6;
    const ns = inStart && hc.startPeriod ? hc.startInterval || DEFAULT_START_INTERVAL_NS : hc.interval || DEFAULT_INTERVAL_NS;
    m.timer = setTimeout(() => void this.tick(id, m, hc), Math.max(1, ns / 1e6));
    m.timer.unref();
  }

  private async tick(id: string, m: Monitor, hc: HealthConfig): Promise<void> {
    if (m.stopped) return;
    const rec = this.host.find(id);
    if (!rec || rec.state.status !== "running") {
      // paused (or in the middle of an exit): try again later
      if (rec && rec.state.status === "paused") this.schedule(id, m, hc);
      return;
    }
    const result = await this.probe(rec, m, hc).catch((e: unknown): HealthResult => {
      const now = new Date().toISOString();
      return { start: now, end: now, exitCode: -1, output: e instanceof Error ? e.message : String(e) };
    });
    if (m.stopped) return;
    const changed = this.record(id, m, hc, result);
    if (changed) {
      const st = table.get(id)!;
      this.host.emit({ type: "container", action: `health_status: ${st.status}`, id });
      if (st.status === "unhealthy" && rec.config.labels[RESTART_ON_UNHEALTHY_LABEL] === "true") {
        this.stop(id);
        this.host.log?.(`health: restarting unhealthy container ${id}`);
        void this.host.restart(id).catch((e) => this.host.log?.(`health restart ${id}: ${e}`));
        return;
      }
    }
    if (!m.stopped) this.schedule(id, m, hc);
  }

  private async probe(rec: ContainerRecord, m: Monitor, hc: HealthConfig): Promise<HealthResult> {
    const start = new Date();
    const proc = await this.host.exec(rec, probeArgv(hc)!);
    m.proc = proc;
    let out = Buffer.alloc(0);
    const take = (b: Buffer) => {
      if (out.length < MAX_OUTPUT) out = Buffer.concat([out, b.subarray(0, MAX_OUTPUT - out.length)]);
    };
    proc.stdout.on("data", take);
    proc.stderr.on("data", take);
    proc.stdin.on("error", () => {});
    proc.stdin.end();
    const timeoutNs = hc.timeout || DEFAULT_TIMEOUT_NS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // runc exec forwards SIGTERM to the probe; SIGKILL (runc itself) if that is not enough
      proc.kill("SIGTERM");
      setTimeout(() => proc.kill("SIGKILL"), 1000).unref();
    }, timeoutNs / 1e6);
    try {
      const code = await proc.exited;
      m.proc = undefined;
      const end = new Date().toISOString();
      if (timedOut) return { start: start.toISOString(), end, exitCode: -1, output: `Health check exceeded timeout (${goDuration(timeoutNs)})` };
      return { start: start.toISOString(), end, exitCode: code, output: out.toString("utf8") };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Applies one result (Docker's handleProbeResult); true when the status changed. */
  private record(id: string, m: Monitor, hc: HealthConfig, r: HealthResult): boolean {
    const st = table.get(id);
    if (!st) return false;
    const old = st.status;
    st.log = [...st.log, r].slice(-MAX_LOG);
    if (r.exitCode === 0) {
      st.failingStreak = 0;
      st.status = "healthy";
    } else {
      const inStart = st.status === "starting" && Date.parse(r.start) - m.startedAt < hc.startPeriod / 1e6;
      if (!inStart) {
        st.failingStreak++;
        if (st.failingStreak >= (hc.retries || DEFAULT_RETRIES)) st.status = "unhealthy";
      }
    }
    return st.status !== old;
  }
}
