/**
 * The container service: create, start, stop, kill, wait, remove, rename,
 * and learning about exits. It owns the records (ContainerStore), asks the
 * image service for images, the layer store for root filesystems and the
 * runtime driver for processes.
 *
 * Why an acknowledged operation survives kill -9 of berthd:
 *  - create: the record is written (atomically) last; a crash before leaves
 *    only an unreferenced snapshot dir, removed by reconcile.
 *  - start: conmon keeps the container running without berthd; the record is
 *    written "running" after `runtime start`; a crash in between is repaired by
 *    reconcile, which asks the runtime for the truth.
 *  - exit: conmon writes the exit file; the record is updated before the file
 *    is removed, so an exit is never lost.
 */
import { applyLiveNetworkChange, etcFilePaths } from "./etc-files.js";
import type { LiveNetworkChange } from "../networks/container-networks.js";
import { EventEmitter } from "node:events";
import { promises as fs } from "node:fs";
import path from "node:path";
import { KeyedMutex } from "../../durable/keyed-mutex.js";
import { AlreadyExistsError, ConflictError, InvalidArgumentError, NotFoundError, NotModifiedError } from "../../errors/index.js";
import { RuntimeCreateError } from "../../runtime/create-error.js";
import type { ContainerUser, CreateOptions, RuntimeDriver } from "../../runtime/runtime-driver.js";
import type { LayerStore } from "../../store/snapshots/snapshotter.js";
import { directorySize } from "../../store/snapshots/directory-size.js";
import { trace } from "../../sys/trace.js";
import type { ContainerStore } from "../../store/metadata/container-store.js";
import type { ContainerMounts } from "../volumes/container-mounts.js";
import type { ImageService } from "../images/image-service.js";
import { newRecord, type CreateContainerInput } from "./create-container.js";
import { ExitMonitor } from "./exit-monitor.js";
import { generateName, newContainerId, parseContainerName } from "./naming.js";
import { isRunning, toExited, toPaused, toRunning, toUnpaused } from "./state.js";
import type { ContainerRecord } from "./types.js";
import { nextDelay, shouldRestart } from "./restart-policy.js";
import { startContainer } from "./start-container.js";
import { HealthMonitor } from "./health-monitor.js";
import { containerEnv } from "./spec-input.js";
import type { ContainerNetworking } from "./container-networking.js";
import type { NetworkSetup } from "../networks/types.js";

export interface ContainerServiceDeps {
  store: ContainerStore;
  images: Pick<ImageService, "get">;
  layers: LayerStore;
  /** Volumes, --volumes-from and image VOLUMEs; without it only binds and tmpfs mounts work. */
  mounts?: ContainerMounts;
  /** Runtimes by name; `defaultRuntime` names the one used when a container asks for none. */
  runtimes: Map<string, RuntimeDriver>;
  defaultRuntime: string;
  resolveUser: (rootfs: string, user: string) => Promise<{ user: ContainerUser; home: string }>;
  execRoot: string;
  cgroupParent: string;
  log?: (msg: string) => void;
  /** Bridge networks, addresses, ports (engine/networks); absent = every container gets "none". */
  network?: ContainerNetworking;
}

export type WaitCondition = "not-running" | "next-exit" | "removed";

export class ContainerService {
  readonly events = new EventEmitter();
  private readonly lock = new KeyedMutex();
  private readonly exits: ExitMonitor;
  /** Bumped on every handled exit; attach streams end when it changes. */
  private readonly exitGeneration = new Map<string, number>();
  /** Pending restart-policy restarts and the delay each used, by container. */
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private readonly restartDelays = new Map<string, number>();
  /** Health checks of running containers (health-monitor.ts). */
  readonly health: HealthMonitor;
  /**
   * The exit handler's `runtime delete` of each exited container (true: the runtime's container is
   * gone, or an auto-removal deletes it in the background). Not awaited before the exit is
   * recorded — `wait` answers without it — so whatever needs the runtime's container gone (start
   * again, remove) waits for it here.
   */
  private readonly runtimeDeletes = new Map<string, Promise<boolean>>();
  /** Disk cleanup of removed containers still under way (close() waits for it). */
  private readonly cleanups = new Set<Promise<void>>();

  constructor(private readonly d: ContainerServiceDeps) {
    this.events.setMaxListeners(0);
    this.exits = new ExitMonitor(this.exitDir(), (id) => void this.handleExit(id));
    this.health = new HealthMonitor({
      find: (id) => this.d.store.get(id),
      exec: async (rec, argv) => {
        const { user, home } = await this.d.resolveUser(this.rootfsPath(rec.id), rec.config.user);
        const env = containerEnv(rec, rec.config.hostname || rec.id.slice(0, 12), home);
        return this.runtimeFor(rec).exec(this.createOptions(rec), { args: argv, env, cwd: rec.config.workingDir || "/", user, privileged: false });
      },
      emit: (ev) => this.events.emit("event", ev),
      restart: (id) => this.restart(id),
      log: this.d.log,
    });
  }

  exitDir(): string {
    return path.join(this.d.execRoot, "exits");
  }

  runtimeFor(rec: ContainerRecord): RuntimeDriver {
    const r = this.d.runtimes.get(rec.runtime) ?? this.d.runtimes.get(this.d.defaultRuntime);
    if (!r) throw new InvalidArgumentError(`unknown runtime: ${rec.runtime}`);
    return r;
  }

  createOptions(rec: ContainerRecord): CreateOptions {
    const dir = path.join(this.d.execRoot, "containers", rec.id);
    return {
      id: rec.id,
      bundleDir: dir,
      logPath: this.logPath(rec.id),
      exitDir: this.exitDir(),
      stateDir: path.join(dir, "conmon"),
      tty: rec.config.tty,
      openStdin: rec.config.openStdin,
    };
  }

  logPath(id: string): string {
    return path.join(this.d.store.dir(id), "ctr.log");
  }

  rootfsPath(id: string): string {
    return path.join(this.d.store.dir(id), "rootfs");
  }

  /** Docker's SizeRw (bytes in the container's writable layer) and SizeRootFs (that plus the image). */
  async sizes(id: string): Promise<{ sizeRw: number; sizeRootFs: number }> {
    const rec = this.get(id);
    const sizeRw = await directorySize(this.d.layers.upperDir(id)).catch(() => 0);
    const image = await this.d.images.get(rec.imageId).catch(() => undefined);
    return { sizeRw, sizeRootFs: sizeRw + (image?.size ?? 0) };
  }

  containerDir(id: string): string {
    return this.d.store.dir(id);
  }

  /** The overlay dirs as `docker inspect` shows them under GraphDriver.Data. */
  graphData(id: string): Record<string, string> {
    return { MergedDir: this.rootfsPath(id), UpperDir: this.d.layers.upperDir(id) };
  }

  /**
   * Runs `fn` holding this container's lifecycle lock: no start, exit
   * handling, pause or removal interleaves (cp, export, diff and commit use
   * it so the root filesystem they read stays mounted, or unmounted, throughout).
   * `fn` must not call the service's own locking methods.
   */
  withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(id, fn);
  }

  // ---- lookup -------------------------------------------------------------

  /** Resolves a full ID, a unique ID prefix or a name ("/x" or "x"). */
  get(ref: string): ContainerRecord {
    const rec = this.find(ref);
    if (!rec) throw new NotFoundError(`No such container: ${ref}`);
    return rec;
  }

  find(ref: string): ContainerRecord | undefined {
    if (!ref) return undefined;
    const exact = this.d.store.get(ref);
    if (exact) return exact;
    const byName = this.d.store.idForName(ref.startsWith("/") ? ref.slice(1) : ref);
    if (byName) return this.d.store.get(byName);
    if (/^[0-9a-f]+$/.test(ref)) {
      const matches = this.d.store.all().filter((r) => r.id.startsWith(ref));
      if (matches.length > 1) throw new InvalidArgumentError(`Multiple IDs found with provided prefix: ${ref}`);
      return matches[0];
    }
    return undefined;
  }

  list(): ContainerRecord[] {
    return this.d.store.all().sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
  }

  exitGen(id: string): number {
    return this.exitGeneration.get(id) ?? 0;
  }

  async isImageInUse(imageId: string): Promise<{ inUse: boolean; running: boolean; containerId?: string }> {
    const users = this.d.store.all().filter((r) => r.imageId === imageId);
    const running = users.find((r) => isRunning(r.state));
    return { inUse: users.length > 0, running: !!running, containerId: (running ?? users[0])?.id };
  }

  // ---- create / rename / remove ------------------------------------------

  async create(input: CreateContainerInput): Promise<{ id: string; warnings: string[] }> {
    const image = await this.d.images.get(input.config.image);
    const id = newContainerId();
    const name = input.name ? parseContainerName(input.name) : generateName((n) => !!this.d.store.idForName(n));
    if (!this.d.store.claimName(name, id)) {
      const holder = this.d.store.idForName(name);
      throw new AlreadyExistsError(`Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    let createdVolumes: string[] = [];
    let releaseVolumes = () => {};
    try {
      const runtime = input.hostConfig.runtime || this.d.defaultRuntime;
      if (!this.d.runtimes.has(runtime)) throw new InvalidArgumentError(`unknown or invalid runtime name: ${runtime}`);
      const rec = newRecord(id, name, image, input, runtime);
      await this.d.network?.onCreate({ id, networkMode: rec.hostConfig.networkMode, endpoints: input.endpoints ?? {} });
      trace("create: network onCreate done");
      await this.d.layers.prepare(id, image.topChainId);
      trace("create: snapshot prepared");
      if (this.d.mounts) {
        const r = await this.d.mounts.resolve(rec, (ref) => this.get(ref));
        rec.mountPoints = r.mounts;
        createdVolumes = r.created;
        releaseVolumes = r.release;
      }
      trace("create: mounts resolved");
      await this.d.store.save(rec);
      trace("create: record saved");
      releaseVolumes(); // the record references them now
      // The log exists from the start so that an attach made before start holds it open (conmon
      // appends to it); the last lines of an --rm container still reach the client after removal.
      await fs.writeFile(this.logPath(id), "", { flag: "a" });
      this.events.emit("event", { type: "container", action: "create", id });
      return { id, warnings: [] };
    } catch (e) {
      releaseVolumes();
      this.d.store.releaseName(name, id);
      await this.d.network?.onRemove(id).catch(() => {});
      await this.d.layers.remove(id).catch(() => {});
      if (!this.d.store.get(id)) await this.d.mounts?.discard(createdVolumes);
      throw e;
    }
  }

  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.get(ref);
    const name = parseContainerName(newName);
    await this.lock.run(rec.id, async () => {
      if (name === rec.name) throw new InvalidArgumentError(`Renaming a container with the same name as its current name`);
      if (!this.d.store.claimName(name, rec.id)) {
        throw new AlreadyExistsError(`Error when allocating new name: Conflict. The container name "/${name}" is already in use by container "${this.d.store.idForName(name)}". You have to remove (or rename) that container to be able to reuse that name.`);
      }
      const old = rec.name;
      await this.d.store.save({ ...rec, name });
      this.d.store.releaseName(old, rec.id);
    });
  }

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.get(ref);
    if (isRunning(rec.state)) {
      if (!opts.force) {
        throw new ConflictError(`cannot remove container "/${rec.name}": container is running: stop the container before removing or force remove`);
      }
      await this.kill(rec.id, "SIGKILL").catch(() => {});
      await this.waitFor(rec.id, "not-running", AbortSignal.timeout(15000)).catch(() => {});
    }
    await this.lock.run(rec.id, () => this.destroy(rec.id, !!opts.volumes));
  }

  /**
   * Removes everything a container owns; the record goes first so a crash never lists half a container.
   * With `removeVolumes` (rm -v, --rm) its anonymous volumes go too, after the record, so they are no longer in use.
   */
  private async destroy(id: string, removeVolumes = false, unmounted = false): Promise<void> {
    const rec = this.d.store.get(id);
    if (!rec) return;
    if (isRunning(rec.state)) throw new ConflictError(`cannot remove container "/${rec.name}": container is running`);
    const runtime = this.runtimeFor(rec);
    // the exit handler already deleted the runtime's container, or deletes it once this answer is out
    // (`run --rm`); `unmounted`: it also unmounted the rootfs (no mountinfo read here)
    trace("destroy: begin");
    const deleting = this.runtimeDeletes.get(id);
    this.runtimeDeletes.delete(id);
    if (!(await deleting)) await runtime.delete(id).catch(() => {});
    if (!unmounted) await this.d.layers.unmount(this.rootfsPath(id));
    trace("destroy: unmounted");
    await this.d.store.delete(id);
    trace("destroy: record deleted");
    await this.d.network?.onRemove(id).catch((e) => this.d.log?.(`network cleanup ${id}: ${e}`));
    trace("destroy: network removed");
    await this.d.mounts?.release(rec);
    if (removeVolumes) await this.d.mounts?.removeAnonymous(rec);
    this.exitGeneration.delete(id);
    this.cancelRestart(id);
    this.health.forget(id);
    trace("destroy: done");
    // The container is gone from the API's view: answer now, clean the disk after. A crash before
    // that cleanup ends is repaired at start (reconcile removes snapshots that have no record;
    // an exit file without a record is removed when seen).
    this.inBackground(`cleanup ${id}`, async () => {
      await this.d.layers.remove(id);
      await fs.rm(path.join(this.d.execRoot, "containers", id), { recursive: true, force: true });
      await fs.rm(path.join(this.exitDir(), id), { force: true });
      trace("destroy: disk cleaned");
    });
    this.events.emit(`removed:${id}`);
    this.events.emit("event", { type: "container", action: "destroy", id });
  }

  private inBackground(what: string, fn: () => Promise<void>): void {
    const p: Promise<void> = fn()
      .catch((e) => this.d.log?.(`${what}: ${e}`))
      .finally(() => this.cleanups.delete(p));
    this.cleanups.add(p);
  }

  /**
   * docker update: `change` gets the current record under the container's lock
   * (so it cannot race a start or an exit) and returns the record to save; it
   * applies the new limits to a running container first, so a refused update
   * leaves the record as it was.
   */
  async updateRecord(ref: string, change: (rec: ContainerRecord) => Promise<ContainerRecord>): Promise<ContainerRecord> {
    const rec = this.get(ref);
    return this.lock.run(rec.id, async () => {
      const next = await change(this.get(rec.id));
      await this.d.store.save(next);
      return next;
    });
  }

  // ---- start / stop / kill -------------------------------------------------

  /** The network namespace and addresses for a start: berth's sandbox, or another container's namespace. */
  private async setUpNetwork(rec: ContainerRecord): Promise<NetworkSetup> {
    const mode = rec.hostConfig.networkMode;
    if (mode.startsWith("container:")) {
      const other = this.get(mode.slice("container:".length));
      if (other.state.status !== "running" && other.state.status !== "paused") throw new ConflictError(`cannot join network of a non running container: ${other.id}`);
      const files = etcFilePaths(this.d.store.dir(other.id));
      return { nsPath: `/proc/${other.state.pid}/ns/net`, addresses: [], aliases: [], shared: { hostname: other.config.hostname || other.id.slice(0, 12), ...files } };
    }
    if (!this.d.network) return { addresses: [], aliases: [] };
    const hc = rec.hostConfig;
    return this.d.network.setUp({ id: rec.id, name: rec.name, networkMode: mode, portBindings: hc.portBindings, publishAllPorts: hc.publishAllPorts, exposedPorts: rec.config.exposedPorts });
  }

  /** A running container was connected to or disconnected from a network: its /etc files follow. */
  async applyLiveNetworkChange(id: string, change: LiveNetworkChange): Promise<void> {
    const rec = this.find(id);
    if (!rec) return;
    const hc = rec.hostConfig;
    const hostname = rec.config.hostname || rec.id.slice(0, 12);
    await applyLiveNetworkChange(this.d.store.dir(rec.id), { dns: hc.dns ?? [], dnsSearch: hc.dnsSearch, dnsOptions: hc.dnsOptions, hostname, change });
  }

  async start(ref: string): Promise<void> {
    const rec = this.get(ref);
    await this.lock.run(rec.id, async () => {
      const cur = this.get(rec.id);
      if (cur.state.status === "paused") throw new ConflictError(`cannot start a paused container, try unpause instead`);
      if (isRunning(cur.state)) throw new NotModifiedError(`container ${cur.id} is already running`);
      const runtime = this.runtimeFor(cur);
      const opts = this.createOptions(cur);
      const deleting = this.runtimeDeletes.get(cur.id);
      this.runtimeDeletes.delete(cur.id);
      if (deleting && !(await deleting)) await runtime.delete(cur.id).catch(() => {});
      await fs.rm(path.join(this.exitDir(), cur.id), { force: true });
      let startedAt = new Date().toISOString();
      try {
        const { pid } = await startContainer({
          rec: cur,
          runtime,
          layers: this.d.layers,
          opts,
          rootfs: this.rootfsPath(cur.id),
          containerDir: this.d.store.dir(cur.id),
          resolveUser: this.d.resolveUser,
          cgroupParent: this.d.cgroupParent,
          setUpNetwork: () => this.setUpNetwork(cur),
          beforeStart: async () => {
            startedAt = new Date().toISOString();
          },
          setupVolumes: this.d.mounts ? (mounts, rootfs) => this.d.mounts!.setup(cur, mounts, rootfs) : undefined,
        });
        await this.d.store.save({ ...cur, state: toRunning(cur, pid, startedAt), stoppedByUser: false });
        trace("start: record saved running");
        this.health.start(this.get(cur.id));
        this.events.emit(`start:${cur.id}`);
        this.events.emit("event", { type: "container", action: "start", id: cur.id });
      } catch (e) {
        await runtime.delete(cur.id).catch(() => {});
        await this.d.network?.tearDown(cur.id).catch(() => {});
        await this.d.layers.unmount(this.rootfsPath(cur.id)).catch(() => {});
        await this.d.mounts?.release(cur);
        const exitCode = startFailureExitCode(e);
        const msg = e instanceof Error ? e.message : String(e);
        await this.d.store.save({ ...cur, state: toExited(cur, { exitCode, finishedAt: new Date().toISOString(), oomKilled: false, error: msg }) });
        this.bumpExit(cur.id);
        // Docker removes an --rm container whose start failed, so `run --rm` does not wait forever for "removed".
        if (cur.hostConfig.autoRemove) await this.destroy(cur.id, true).catch((err) => this.d.log?.(`auto-remove ${cur.id}: ${err}`));
        // A command that cannot be run is the caller's mistake (Docker answers 400); the message keeps runc's words,
        // which the docker CLI reads to choose exit code 126 or 127.
        if (e instanceof RuntimeCreateError && (exitCode === 126 || exitCode === 127)) throw new InvalidArgumentError(msg, { cause: e });
        throw e;
      }
    });
    // An exit that raced the record write above is picked up now.
    void this.handleExit(rec.id);
  }

  async kill(ref: string, signal: string | number = "SIGKILL"): Promise<void> {
    const rec = this.get(ref);
    if (!isRunning(rec.state)) throw new ConflictError(`Cannot kill container: ${ref}: Container ${rec.id} is not running`);
    validateSignal(signal);
    // Docker counts a kill as a manual stop: restart policies (but "always" at daemon start) leave it down.
    if (!rec.stoppedByUser) await this.d.store.save({ ...rec, stoppedByUser: true });
    await this.runtimeFor(rec).kill(rec.id, signal);
  }

  async stop(ref: string, opts: { timeoutSec?: number; signal?: string } = {}): Promise<void> {
    const rec = this.get(ref);
    if (this.restartTimers.has(rec.id)) {
      // stopping a container that waits for its policy restart cancels that restart
      this.cancelRestart(rec.id);
      await this.d.store.save({ ...rec, stoppedByUser: true });
    }
    if (!isRunning(rec.state)) throw new NotModifiedError(`container ${rec.id} is not running`);
    await this.d.store.save({ ...rec, stoppedByUser: true });
    const runtime = this.runtimeFor(rec);
    const signal = opts.signal || rec.config.stopSignal || "SIGTERM";
    const timeout = opts.timeoutSec ?? rec.config.stopTimeout ?? 10;
    if (rec.state.status === "paused") await runtime.resume(rec.id).catch(() => {});
    if (timeout !== 0) {
      await runtime.kill(rec.id, signal).catch(() => {});
      const ok = await this.waitFor(rec.id, "not-running", timeout < 0 ? undefined : AbortSignal.timeout(timeout * 1000)).then(
        () => true,
        () => false,
      );
      if (ok) return;
    }
    await runtime.kill(rec.id, "SIGKILL").catch(() => {});
    await this.waitFor(rec.id, "not-running", AbortSignal.timeout(30000));
  }

  async restart(ref: string, opts: { timeoutSec?: number; signal?: string } = {}): Promise<void> {
    const rec = this.get(ref);
    if (isRunning(rec.state)) await this.stop(rec.id, opts).catch((e) => {
      if (!(e instanceof NotModifiedError)) throw e;
    });
    await this.start(rec.id);
  }

  /** Docker's POST /containers/{id}/resize: only TTY containers have a terminal to resize. */
  async resize(ref: string, height: number, width: number): Promise<void> {
    const rec = this.get(ref);
    if (!isRunning(rec.state)) throw new ConflictError(`Container ${rec.id} is not running`);
    if (!rec.config.tty) return;
    await this.runtimeFor(rec).resize(this.createOptions(rec), height, width);
  }

  async pause(ref: string): Promise<void> {
    const rec = this.get(ref);
    await this.lock.run(rec.id, async () => {
      const cur = this.get(rec.id);
      const next = toPaused(cur);
      await this.runtimeFor(cur).pause(cur.id);
      await this.d.store.save({ ...cur, state: next });
    });
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.get(ref);
    await this.lock.run(rec.id, async () => {
      const cur = this.get(rec.id);
      const next = toUnpaused(cur);
      await this.runtimeFor(cur).resume(cur.id);
      await this.d.store.save({ ...cur, state: next });
    });
  }

  // ---- exits and waiting -----------------------------------------------

  private bumpExit(id: string): void {
    this.exitGeneration.set(id, this.exitGen(id) + 1);
    this.events.emit(`exit:${id}`);
  }

  /** Records an exit that conmon reported; idempotent. */
  async handleExit(id: string): Promise<void> {
    trace(`exit: handle ${id.slice(0, 12)}`);
    const rec0 = this.d.store.get(id);
    if (!rec0) {
      await fs.rm(path.join(this.exitDir(), id), { force: true }).catch(() => {});
      return;
    }
    await this.lock.run(id, async () => {
      const rec = this.d.store.get(id);
      if (!rec || !isRunning(rec.state)) return;
      const runtime = this.runtimeFor(rec);
      const unmount = () => this.d.layers.unmount(this.rootfsPath(id));
      // conmon writes the exit file once the container's process is gone: the rootfs unmount starts
      // while readExit waits for conmon itself to exit (so the log is complete) and looks for an OOM kill.
      const exitFileThere = await fs.access(path.join(this.exitDir(), id)).then(
        () => true,
        () => false,
      );
      const earlyUnmount = exitFileThere ? unmount() : undefined;
      earlyUnmount?.catch(() => {}); // awaited below
      const exit = await runtime.readExit(this.createOptions(rec));
      if (!exit) {
        await earlyUnmount?.catch(() => {});
        return;
      }
      trace("exit: exit read");
      // The process is gone: the runtime's state, the network namespace and the root filesystem
      // are independent of each other, so they go at the same time. Processes left in the cgroup
      // (a container without a PID namespace of its own) keep the rootfs busy until `runtime delete`
      // has killed them: then the unmount is tried again.
      const autoRemove = rec.hostConfig.autoRemove;
      let deleting: Promise<boolean> | undefined;
      const runtimeDelete = () =>
        (deleting ??= runtime.delete(id).then(
          () => true,
          (e) => {
            this.d.log?.(`runtime delete ${id}: ${e}`);
            return false;
          },
        ));
      // An auto-removed container is removed next and its ID never used again: its runtime state
      // (cgroup, state dir) goes after the answer (see below). Other containers delete it now,
      // alongside the rest.
      if (!autoRemove) void runtimeDelete();
      const [, unmounted] = await Promise.all([
        this.d.network?.tearDown(id).catch((e) => this.d.log?.(`network teardown ${id}: ${e}`)),
        (earlyUnmount ?? unmount())
          .catch(() => runtimeDelete().then(unmount))
          .then(
            () => true,
            (e) => {
              this.d.log?.(`unmount ${id}: ${e}`);
              return false;
            },
          ),
      ]);
      // A crash before either background delete ends is repaired at start (reconcile deletes the
      // stopped runtime containers of records that are not running, or have no record at all).
      this.runtimeDeletes.set(id, autoRemove ? Promise.resolve(true) : runtimeDelete());
      trace("exit: network torn down, unmounted");
      await this.d.mounts?.release(rec);
      const exited: ContainerRecord = { ...rec, state: toExited(rec, { exitCode: exit.exitCode, finishedAt: exit.finishedAt.toISOString(), oomKilled: exit.oomKilled }) };
      // An auto-removed container's record is deleted next: writing (and syncing) it first would buy
      // nothing, as the exit file stays until the record is gone and a crash in between handles the exit again.
      if (autoRemove) this.d.store.remember(exited);
      else await this.d.store.save(exited);
      trace("exit: record saved");
      this.health.stop(id);
      if (!autoRemove) await fs.rm(path.join(this.exitDir(), id), { force: true });
      this.bumpExit(id);
      this.events.emit("event", { type: "container", action: "die", id, exitCode: exit.exitCode });
      const ranMs = exit.finishedAt.getTime() - Date.parse("startedAt" in rec.state ? rec.state.startedAt : rec.created);
      if (!autoRemove) {
        this.scheduleRestart(id, { exitCode: exit.exitCode, ranMs, daemonStarting: false });
        return;
      }
      try {
        await this.destroy(id, true, unmounted);
      } catch (e) {
        this.d.log?.(`auto-remove ${id}: ${e}`);
        // the container stays, exited: its record is made durable and the exit file goes, as for any exit
        if (this.d.store.get(id)) await this.d.store.save(this.d.store.get(id)!);
        await fs.rm(path.join(this.exitDir(), id), { force: true });
      } finally {
        // after the answers have been written: spawning runc blocks the event loop for a few ms
        this.inBackground(`runtime delete ${id}`, async () => {
          await new Promise((r) => setImmediate(r));
          await runtimeDelete();
        });
      }
    });
  }

  /** Applies the container's restart policy after an exit (or at daemon start). */
  private scheduleRestart(id: string, o: { exitCode: number; ranMs: number; daemonStarting: boolean }): void {
    const rec = this.d.store.get(id);
    if (!rec || this.restartTimers.has(id)) return;
    const facts = { exitCode: o.exitCode, stoppedByUser: rec.stoppedByUser, restartCount: rec.restartCount, daemonStarting: o.daemonStarting };
    if (!shouldRestart(rec.hostConfig.restartPolicy, facts)) return;
    const delay = o.daemonStarting ? 0 : nextDelay(this.restartDelays.get(id) ?? 0, o.ranMs);
    this.restartDelays.set(id, delay);
    const timer = setTimeout(() => {
      this.restartTimers.delete(id);
      void (async () => {
        const cur = this.d.store.get(id);
        if (!cur || isRunning(cur.state)) return;
        await this.d.store.save({ ...cur, restartCount: o.daemonStarting ? cur.restartCount : cur.restartCount + 1 });
        await this.start(id);
        this.events.emit("event", { type: "container", action: "restart", id });
      })().catch((e) => this.d.log?.(`restart ${id}: ${e}`));
    }, delay);
    timer.unref();
    this.restartTimers.set(id, timer);
  }

  private cancelRestart(id: string): void {
    const t = this.restartTimers.get(id);
    if (t) clearTimeout(t);
    this.restartTimers.delete(id);
    this.restartDelays.delete(id);
  }

  /** Resolves when the condition holds; rejects when `signal` aborts first. */
  waitFor(id: string, condition: WaitCondition, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const rec = this.d.store.get(id);
      if (condition === "removed" && !rec) return resolve();
      if (condition === "not-running" && (!rec || !isRunning(rec.state))) return resolve();
      const ev = condition === "removed" ? `removed:${id}` : `exit:${id}`;
      const done = () => {
        cleanup();
        resolve();
      };
      const onGone = () => {
        cleanup();
        resolve();
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason ?? new Error("aborted"));
      };
      const cleanup = () => {
        this.events.off(ev, done);
        this.events.off(`removed:${id}`, onGone);
        signal?.removeEventListener("abort", onAbort);
      };
      this.events.on(ev, done);
      if (condition !== "removed") this.events.on(`removed:${id}`, onGone);
      signal?.addEventListener("abort", onAbort);
    });
  }

  /** Docker's POST /wait: the exit code once the condition holds. */
  async wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<{ statusCode: number; error?: string }> {
    const rec = this.get(ref);
    let last = rec;
    const track = () => {
      const r = this.d.store.get(rec.id);
      if (r) last = r;
    };
    this.events.on(`exit:${rec.id}`, track);
    try {
      await this.waitFor(rec.id, condition, signal);
      track();
    } finally {
      this.events.off(`exit:${rec.id}`, track);
    }
    const st = last.state;
    if (st.status === "exited" || st.status === "dead") return { statusCode: st.exitCode, error: st.error || undefined };
    return { statusCode: 0 };
  }

  // ---- startup -----------------------------------------------------------

  /** Brings records in line with what the runtime and conmon report, then watches for exits. */
  async reconcile(): Promise<void> {
    await this.exits.start();
    // volumes held by containers that kept running while berthd was down
    for (const rec of this.d.store.all()) if (isRunning(rec.state)) this.d.mounts?.restore(rec);
    for (const rec of this.d.store.all()) {
      if (!isRunning(rec.state)) continue;
      const runtime = this.runtimeFor(rec);
      const exit = await runtime.readExit(this.createOptions(rec)).catch(() => undefined);
      if (exit) {
        await this.handleExit(rec.id);
        continue;
      }
      const st = await runtime.state(rec.id).catch(() => undefined);
      if (!st || st.status === "stopped") {
        await this.lock.run(rec.id, async () => {
          await runtime.delete(rec.id).catch(() => {});
          await this.d.network?.tearDown(rec.id).catch(() => {});
          await this.d.layers.unmount(this.rootfsPath(rec.id)).catch(() => {});
          await this.d.mounts?.release(rec);
          await this.d.store.save({ ...rec, state: toExited(rec, { exitCode: 255, finishedAt: new Date().toISOString(), oomKilled: false, error: "container process vanished while berthd was down" }) });
          this.bumpExit(rec.id);
        });
      }
    }
    for (const rec of this.d.store.all()) {
      if (isRunning(rec.state)) this.health.start(rec);
      if (rec.state.status === "exited") this.scheduleRestart(rec.id, { exitCode: rec.state.exitCode, ranMs: 0, daemonStarting: true });
    }
    await this.d.mounts?.unmountOrphans();
    // runtime state of a container that is not running: an exit's (or auto-removal's) background
    // `runtime delete` that a crash interrupted
    for (const runtime of new Set(this.d.runtimes.values())) {
      for (const id of (await runtime.list?.().catch(() => [] as string[])) ?? []) {
        const rec = this.d.store.get(id);
        if (rec && isRunning(rec.state)) continue;
        const st = await runtime.state(id).catch(() => undefined);
        if (st?.status === "stopped") await runtime.delete(id).catch((e) => this.d.log?.(`runtime delete ${id}: ${e}`));
      }
    }
    // snapshots without a record: left over from a create interrupted by a crash
    for (const key of await this.d.layers.listActive()) {
      if (!this.d.store.get(key)) await this.d.layers.remove(key).catch(() => {});
    }
  }

  /** Stops watching; resolves when the disk cleanup of removed containers has finished. */
  async close(): Promise<void> {
    this.exits.stop();
    this.health.close();
    for (const id of [...this.restartTimers.keys()]) this.cancelRestart(id);
    while (this.cleanups.size) await Promise.all([...this.cleanups]);
  }
}

const SIGNALS = new Set(["HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"]);

export function validateSignal(signal: string | number): void {
  if (typeof signal === "number" || /^\d+$/.test(signal)) {
    const n = Number(signal);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError(`Invalid signal: ${signal}`);
    return;
  }
  const s = signal.toUpperCase().replace(/^SIG/, "");
  if (!SIGNALS.has(s) && !/^RTM(IN|AX)([+-]\d+)?$/.test(s)) throw new InvalidArgumentError(`Invalid signal: ${signal}`);
}

/** Docker records 127 for "not found", 126 for "not executable" when a start fails, 128 otherwise. */
export function startFailureExitCode(e: unknown): number {
  if (e instanceof RuntimeCreateError && e.containerExitCode !== 125) return e.containerExitCode;
  return 128;
}
