/**
 * Attaching to a container: its output comes from the log that conmon writes
 * (so an attach sees exactly what `logs` sees, and works across berthd
 * restarts); its stdin goes to conmon's attach socket through the runtime
 * driver. An attach made before start (as `docker run` does) buffers stdin
 * until conmon exists, then connects.
 */
import { promises as fs } from "node:fs";
import { ConflictError } from "../../errors/index.js";
import type { CreateOptions } from "../../runtime/runtime-driver.js";
import { followLog, readLog, type LogEntry } from "../../store/logs/k8s-log.js";
import type { ContainerService } from "./container-service.js";
import { isRunning } from "./state.js";

export interface AttachOptions {
  stdout: boolean;
  stderr: boolean;
  /** Replay what the container already wrote. */
  logs: boolean;
  /** Keep streaming until the container exits. */
  stream: boolean;
  signal?: AbortSignal;
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

export async function* attachOutput(svc: ContainerService, ref: string, o: AttachOptions): AsyncGenerator<LogEntry> {
  const rec = svc.get(ref);
  const file = svc.logPath(rec.id);
  const gen0 = svc.exitGen(rec.id);
  const offset = await fileSize(file);
  if (o.logs) {
    const { entries } = await readLog(file, { stdout: o.stdout, stderr: o.stderr });
    for (const e of entries) yield e;
  }
  if (!o.stream) return;
  const startedDead = rec.state.status === "exited" || rec.state.status === "dead";
  if (startedDead) return;
  yield* followLog(file, offset, {
    stdout: o.stdout,
    stderr: o.stderr,
    signal: o.signal,
    isDone: () => svc.exitGen(rec.id) !== gen0 || !svc.find(rec.id),
    wake: (cb) => {
      svc.events.on(`exit:${rec.id}`, cb);
      svc.events.on(`removed:${rec.id}`, cb);
      return () => {
        svc.events.off(`exit:${rec.id}`, cb);
        svc.events.off(`removed:${rec.id}`, cb);
      };
    },
  });
}

/** A sink for the client's stdin: buffered until the container's conmon exists. */
export interface StdinSink {
  write(chunk: Buffer): void;
  end(): void;
  destroy(): void;
}

export function attachStdin(svc: ContainerService, ref: string): StdinSink {
  const rec = svc.get(ref);
  if (!rec.config.openStdin) {
    return { write() {}, end() {}, destroy() {} };
  }
  if (rec.state.status === "exited" || rec.state.status === "dead") {
    throw new ConflictError(`You cannot attach to a stopped container, start it first`);
  }
  const runtime = svc.runtimeFor(rec);
  const pending: Buffer[] = [];
  let ended = false;
  let destroyed = false;
  let target: (NodeJS.WritableStream & { destroy(): void }) | undefined;
  const connect = async (opts: CreateOptions) => {
    if (destroyed || target) return;
    try {
      target = await runtime.openStdin(opts);
      if (process.env["BERTH_DEBUG"]) process.stderr.write(`attach ${rec.id.slice(0, 12)}: stdin connected, ${pending.length} pending, ended=${ended}\n`);
    } catch (e) {
      if (process.env["BERTH_DEBUG"]) process.stderr.write(`attach ${rec.id.slice(0, 12)}: stdin connect failed: ${e}\n`);
      return; // the container ended before its stdin could be reached
    }
    (target as unknown as NodeJS.EventEmitter).on?.("error", () => {});
    for (const c of pending.splice(0)) target.write(c);
    if (ended) target.end();
    if (destroyed) target.destroy();
  };
  // Connect only once the process runs: conmon 2.1 loses a packet sent between
  // `runtime create` and its main loop accepting the connection (seen here: the
  // container read EOF without the data in most `printf x | docker run -i … cat`).
  const onStarted = () => void connect(svc.createOptions(svc.get(rec.id)));
  if (isRunning(rec.state)) void connect(svc.createOptions(rec));
  else svc.events.once(`start:${rec.id}`, onStarted);
  return {
    write(chunk) {
      if (target) target.write(chunk);
      else pending.push(chunk);
    },
    end() {
      ended = true;
      target?.end();
    },
    destroy() {
      destroyed = true;
      svc.events.off(`start:${rec.id}`, onStarted);
      target?.destroy();
    },
  };
}
