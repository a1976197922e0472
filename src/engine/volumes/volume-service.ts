/**
 * The volume service: named and anonymous volumes of the "local" driver.
 *
 * Lifecycle: create (explicitly, or on demand when a container names a
 * volume that does not exist, or anonymously for `-v /path` and image
 * VOLUMEs) → referenced by containers (created, running or stopped: any
 * reference forbids removal, 409) → mounted while referenced by a running
 * container (only volumes with driver options need a real mount; plain ones
 * are a directory) → removed by `volume rm`, `volume prune`, or with the
 * container that made it anonymously (`rm -v`, `run --rm`).
 *
 * Terms: a volume's *users* are the containers whose records reference it
 * (asked of the container side through `usersOf`, so the two services do not
 * import each other); its *mounters* are the running containers that hold its
 * driver mount, counted here in memory and rebuilt by `restoreMounter` at
 * daemon start from the containers that are still running.
 *
 * A container being created holds its volumes (`hold`) from the moment each
 * is resolved until its record is saved, so a concurrent rm or prune cannot
 * delete a volume between the two (the record alone would come too late).
 *
 * Events (Docker's shapes): create/destroy {driver}, mount {driver,
 * container, destination, read/write, propagation}, unmount {driver, container}.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { promises as fs } from "node:fs";
import { KeyedMutex } from "../../durable/keyed-mutex.js";
import { ConflictError, InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { directorySize } from "../../store/snapshots/directory-size.js";
import { isMountPoint } from "../../store/snapshots/mountinfo.js";
import { VOLUME_LAYOUT_VERSION, type VolumeRecord, type VolumeStore } from "../../store/volumes/volume-store.js";
import { run } from "../../sys/exec.js";
import { umount } from "../../sys/syscall-helper.js";
import { localMountOptions, mountArgv, validateLocalOptions } from "./local-driver-options.js";
import { matchesList, matchesPrune, parsePruneFilters, validateListFilters } from "./volume-filters.js";
import { ANONYMOUS_LABEL, newAnonymousName, validateVolumeName } from "./volume-name.js";

export interface VolumeServiceDeps {
  store: VolumeStore;
  /** IDs of the containers whose records reference the volume. */
  usersOf: (name: string) => string[];
  log?: (msg: string) => void;
}

export interface CreateVolumeRequest {
  name?: string;
  driver?: string;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

export interface VolumeEvent {
  type: "volume";
  action: "create" | "mount" | "unmount" | "destroy";
  id: string;
  attributes: Record<string, string>;
}

export class VolumeService {
  readonly events = new EventEmitter();
  private readonly lock = new KeyedMutex();
  private readonly mounters = new Map<string, Set<string>>();
  private readonly held = new Map<string, number>();

  constructor(private readonly d: VolumeServiceDeps) {
    this.events.setMaxListeners(0);
  }

  private emit(action: VolumeEvent["action"], rec: VolumeRecord, extra: Record<string, string> = {}): void {
    const ev: VolumeEvent = { type: "volume", action, id: rec.name, attributes: { driver: rec.driver, ...extra } };
    this.events.emit("event", ev);
  }

  find(name: string): VolumeRecord | undefined {
    return this.d.store.get(name);
  }

  get(name: string): VolumeRecord {
    const rec = this.d.store.get(name);
    if (!rec) throw new NotFoundError(`get ${name.length > 300 ? name.slice(0, 300) + "…" : name}: no such volume`);
    return rec;
  }

  mountpoint(name: string): string {
    return this.d.store.dataDir(name);
  }

  isInUse(name: string): boolean {
    return this.d.usersOf(name).length > 0 || this.held.has(name);
  }

  /** Keeps the volume from being removed until `unhold` (see the header). */
  private holdName(name: string): void {
    this.held.set(name, (this.held.get(name) ?? 0) + 1);
  }

  unhold(name: string): void {
    const n = (this.held.get(name) ?? 0) - 1;
    if (n > 0) this.held.set(name, n);
    else this.held.delete(name);
  }

  /** An existing volume, held for a container being created (404 if it is gone). */
  async hold(name: string): Promise<VolumeRecord> {
    return this.lock.run(name, async () => {
      const rec = this.get(name);
      this.holdName(name);
      return rec;
    });
  }

  /** POST /volumes/create: an existing volume of the same driver is returned as it is (Docker does the same). */
  async create(req: CreateVolumeRequest, opts: { hold?: boolean } = {}): Promise<VolumeRecord> {
    const name = req.name || newAnonymousName();
    validateVolumeName(name);
    const driver = req.driver || "local";
    if (driver !== "local") throw new NotFoundError(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    const options = req.options ?? {};
    try {
      validateLocalOptions(options);
    } catch (e) {
      // Docker prefixes the driver's complaint with the operation: `create tt: missing required option: "device"`
      if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`create ${name}: ${e.message}`, { cause: e });
      throw e;
    }
    return this.lock.run(name, async () => {
      const existing = this.d.store.get(name);
      if (existing) {
        if (opts.hold) this.holdName(name);
        return existing;
      }
      const rec: VolumeRecord = { version: VOLUME_LAYOUT_VERSION, name, driver, labels: { ...(req.labels ?? {}) }, options: { ...options }, createdAt: new Date().toISOString() };
      await this.d.store.create(rec);
      if (opts.hold) this.holdName(name);
      this.emit("create", rec);
      return rec;
    });
  }

  /** A fresh anonymous volume (`-v /path`, image VOLUME, `--mount type=volume` without a source). */
  createAnonymous(opts: { hold?: boolean } = {}): Promise<VolumeRecord> {
    return this.create({ labels: { [ANONYMOUS_LABEL]: "" } }, opts);
  }

  list(filters: Record<string, string[]> = {}): VolumeRecord[] {
    validateListFilters(filters);
    return this.d.store.all()
      .filter((v) => matchesList(v, filters, this.isInUse(v.name)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** DELETE /volumes/{name}: refused while any container references it; `force` ignores a missing volume. */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    if (opts.force && !this.d.store.get(name)) return;
    const rec = this.get(name);
    await this.lock.run(name, async () => {
      if (!this.d.store.get(name)) return;
      const users = this.d.usersOf(name);
      if (users.length > 0 || this.held.has(name) || (this.mounters.get(name)?.size ?? 0) > 0) {
        throw new ConflictError(`remove ${name}: volume is in use - [${users.join(", ")}]`);
      }
      const data = this.d.store.dataDir(name);
      // A leftover driver mount (a crash between mount and record) is unmounted first; removing
      // through a mount would delete the files of a bind-mounted host directory.
      if (await isMountPoint(data)) await umount(data);
      if (await isMountPoint(data)) throw new ConflictError(`remove ${name}: volume is still mounted`);
      await this.d.store.remove(name);
      this.emit("destroy", rec);
    });
  }

  /**
   * POST /volumes/prune: unused volumes matching the filters. Since API 1.42
   * only anonymous volumes go unless `all=true` (Docker 23's change); older
   * clients get the old behaviour, every unused volume.
   */
  async prune(filters: Record<string, string[]>, opts: { onlyAnonymousByDefault: boolean }): Promise<{ deleted: string[]; spaceReclaimed: number }> {
    const { all } = parsePruneFilters(filters);
    const deleted: string[] = [];
    let spaceReclaimed = 0;
    for (const rec of this.d.store.all()) {
      if (this.isInUse(rec.name)) continue;
      if (opts.onlyAnonymousByDefault && !all && !(ANONYMOUS_LABEL in rec.labels)) continue;
      if (!matchesPrune(rec, filters)) continue;
      const size = await this.size(rec.name);
      try {
        await this.remove(rec.name);
        deleted.push(rec.name);
        spaceReclaimed += size;
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
      }
    }
    return { deleted, spaceReclaimed };
  }

  /** Bytes under the volume's data dir (0 for a volume with driver options that is not mounted). */
  async size(name: string): Promise<number> {
    return directorySize(this.d.store.dataDir(name)).catch(() => 0);
  }

  /**
   * A running container starts using the volume: the driver mount is made
   * for the first mounter. Returns the host path to bind into the container.
   */
  async mount(name: string, containerId: string, info: { destination: string; readOnly: boolean }, opts: { quiet?: boolean } = {}): Promise<string> {
    const rec = this.get(name);
    const data = this.d.store.dataDir(name);
    await this.lock.run(name, async () => {
      const set = this.mounters.get(name) ?? new Set<string>();
      const m = localMountOptions(rec.options);
      if (m && set.size === 0 && !(await isMountPoint(data))) {
        if (m.type === "tmpfs" && m.device !== "tmpfs" && m.device !== "") throw new InvalidArgumentError(`invalid device for tmpfs volume ${name}: ${m.device}`);
        await run(mountArgv(m, data));
      }
      set.add(containerId);
      this.mounters.set(name, set);
    });
    if (!opts.quiet) this.emit("mount", rec, { container: containerId, destination: info.destination, "read/write": String(!info.readOnly), propagation: "" });
    return data;
  }

  /**
   * `docker cp` on a stopped container: the volume's driver mount (if it has
   * one) is taken for the one operation, as Docker mounts a container's
   * volumes for an archive call; no events. Returns the release function.
   */
  async borrow(name: string): Promise<() => Promise<void>> {
    const holder = `borrow:${randomUUID()}`;
    await this.mount(name, holder, { destination: "", readOnly: false }, { quiet: true });
    return () => this.unmount(name, holder, { quiet: true });
  }

  /** The container stopped using the volume; the last one out unmounts the driver mount. */
  async unmount(name: string, containerId: string, opts: { quiet?: boolean } = {}): Promise<void> {
    const rec = this.d.store.get(name);
    if (!rec) return;
    let was = false;
    await this.lock.run(name, async () => {
      const set = this.mounters.get(name);
      was = !!set?.delete(containerId);
      if (set && set.size === 0) this.mounters.delete(name);
      if ((set?.size ?? 0) === 0 && localMountOptions(rec.options)) {
        const data = this.d.store.dataDir(name);
        if (await isMountPoint(data)) await umount(data);
      }
    });
    if (was && !opts.quiet) this.emit("unmount", rec, { container: containerId });
  }

  /** At daemon start: a container that kept running while berthd was down still holds its mounts. */
  restoreMounter(name: string, containerId: string): void {
    if (!this.d.store.get(name)) return;
    const set = this.mounters.get(name) ?? new Set<string>();
    set.add(containerId);
    this.mounters.set(name, set);
  }

  /** At daemon start, after restoring mounters: driver mounts nobody holds (a crash) are undone. */
  async unmountOrphans(): Promise<void> {
    for (const rec of this.d.store.all()) {
      if (!localMountOptions(rec.options) || this.mounters.has(rec.name)) continue;
      const data = this.d.store.dataDir(rec.name);
      if (await isMountPoint(data)) await umount(data).catch((e) => this.d.log?.(`umount ${data}: ${e}`));
    }
  }

  /** Empty check used by copy-up: only an empty volume is populated from the image. */
  async isEmpty(name: string): Promise<boolean> {
    return (await fs.readdir(this.d.store.dataDir(name))).length === 0;
  }
}
