/**
 * A container's mounts as Docker resolves them (daemon/volumes.go
 * registerMountPoints), and the volume work around its start and stop.
 *
 * At create, every mount is resolved once and recorded in the container
 * record (`mountPoints`), in this order of precedence:
 *   1. Binds and Mounts (a destination given twice is a 400);
 *   2. --volumes-from: the other container's mount points, unless the
 *      destination is taken; `:ro` makes them read-only (`:rw` cannot make
 *      a read-only one writable), Mode "" and no copy-up, as Docker copies them;
 *   3. Config.Volumes (the user's `-v /path` plus the image's VOLUMEs):
 *      an anonymous volume for each destination still free.
 * Named volumes that do not exist are created then (Docker does the same);
 * anonymous ones get a random 64-hex name and the anonymous label.
 *
 * At start, each volume is mounted (driver options: the first user mounts),
 * and an empty volume is populated from the image's files at its
 * destination — owners, modes, xattrs and symlinks kept — unless `nocopy`.
 * At exit the mounts are released; the last user unmounts.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { ConflictError, InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { secureJoin } from "../../sys/secure-join.js";
import { copyTreeContents } from "../../sys/copy-tree.js";
import { parseBind } from "../containers/mount-parse.js";
import type { ContainerRecord, MountSpec } from "../containers/types.js";
import type { VolumeService } from "./volume-service.js";

/** Mount order: parents before children (Docker sorts by path depth). */
function depth(p: string): number {
  return p.split("/").filter(Boolean).length;
}

export function sortMounts(mounts: MountSpec[]): MountSpec[] {
  return mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i).map((x) => x.m);
}

/** The mounts of a record made before mount points were recorded. */
export function legacyMounts(rec: ContainerRecord): MountSpec[] {
  return [...(rec.hostConfig.binds ?? []).map(parseBind), ...rec.hostConfig.mounts];
}

export function mountsOf(rec: ContainerRecord): MountSpec[] {
  return rec.mountPoints ?? legacyMounts(rec);
}

/** Does the container reference the volume (any state)? */
export function usesVolume(rec: ContainerRecord, name: string): boolean {
  return (rec.mountPoints ?? []).some((m) => m.type === "volume" && m.name === name);
}

function parseVolumesFrom(spec: string): { ref: string; mode?: "ro" | "rw" } {
  const i = spec.lastIndexOf(":");
  if (i < 0) return { ref: spec };
  const mode = spec.slice(i + 1);
  if (mode !== "ro" && mode !== "rw") throw new InvalidArgumentError(`invalid mode for volumes-from: ${mode}`);
  return { ref: spec.slice(0, i), mode };
}

export class ContainerMounts {
  constructor(private readonly volumes: VolumeService, private readonly log?: (msg: string) => void) {}

  /**
   * Resolves the new container's mounts (see the header). Returns the mount
   * points, the anonymous volumes it created (which the caller removes if
   * the create fails later) and `release`, to call once the record is saved
   * (or the create failed): until then every volume is held against removal.
   */
  async resolve(rec: ContainerRecord, findContainer: (ref: string) => ContainerRecord): Promise<{ mounts: MountSpec[]; created: string[]; release: () => void }> {
    const created: string[] = [];
    const held: string[] = [];
    const release = () => {
      for (const n of held.splice(0)) this.volumes.unhold(n);
    };
    try {
      const explicit = legacyMounts(rec);
      const taken = new Set<string>();
      for (const m of explicit) {
        if (taken.has(m.destination)) throw new InvalidArgumentError(`Duplicate mount point: ${m.destination}`);
        taken.add(m.destination);
      }
      const out: MountSpec[] = [];
      for (const m of explicit) {
        if (m.type !== "volume") {
          out.push(m);
          continue;
        }
        const vol = m.name
          ? await this.volumes.create({ name: m.name, labels: m.volumeLabels, options: m.volumeOptions }, { hold: true })
          : await this.volumes.createAnonymous({ hold: true });
        held.push(vol.name);
        if (!m.name) created.push(vol.name);
        const resolved: MountSpec = { ...m, name: vol.name, source: this.volumes.mountpoint(vol.name), anonymous: !m.name };
        delete resolved.volumeOptions;
        delete resolved.volumeLabels;
        out.push(resolved);
      }
      for (const spec of rec.hostConfig.volumesFrom ?? []) {
        const { ref, mode } = parseVolumesFrom(spec);
        let from: ContainerRecord;
        try {
          from = findContainer(ref);
        } catch (e) {
          // Docker answers a missing --volumes-from container with a 400 (a 404 would make the docker CLI try to pull the image)
          if (e instanceof NotFoundError) throw new InvalidArgumentError(e.message, { cause: e });
          throw e;
        }
        if (from.id === rec.id) throw new InvalidArgumentError("cannot share volumes with itself");
        for (const m of mountsOf(from)) {
          if (taken.has(m.destination)) continue;
          taken.add(m.destination);
          if (m.type === "volume" && m.name) {
            await this.volumes.hold(m.name);
            held.push(m.name);
          }
          out.push({ ...m, readOnly: m.readOnly || mode === "ro", mode: "", noCopy: true });
        }
      }
      for (const dst of Object.keys(rec.config.volumes ?? {})) {
        if (!path.isAbsolute(dst)) throw new InvalidArgumentError(`invalid mount config for type "volume": invalid mount path: '${dst}' mount path must be absolute`);
        const d = path.normalize(dst);
        if (d === "/") throw new InvalidArgumentError(`invalid mount config for type "volume": invalid specification: destination can't be '/'`);
        if (taken.has(d)) continue;
        taken.add(d);
        const vol = await this.volumes.createAnonymous({ hold: true });
        held.push(vol.name);
        created.push(vol.name);
        out.push({ type: "volume", name: vol.name, source: this.volumes.mountpoint(vol.name), destination: d, readOnly: false, anonymous: true, mode: "" });
      }
      return { mounts: sortMounts(out), created, release };
    } catch (e) {
      release();
      await this.discard(created);
      throw e;
    }
  }

  /** Removes anonymous volumes made for a container that was never recorded. */
  async discard(names: string[]): Promise<void> {
    for (const n of names) await this.volumes.remove(n).catch((e) => this.log?.(`remove volume ${n}: ${e}`));
  }

  /**
   * Start: mounts every volume of the container and populates empty ones from
   * the image (the root filesystem is mounted at `rootfs`, the container not
   * yet created). Mounts taken before a failure are released by `release`.
   */
  async setup(rec: ContainerRecord, mounts: MountSpec[], rootfs: string): Promise<void> {
    for (const m of mounts) {
      if (m.type !== "volume" || !m.name) continue;
      const data = await this.volumes.mount(m.name, rec.id, { destination: m.destination, readOnly: m.readOnly });
      m.source = data;
      if (!m.noCopy && (await this.volumes.isEmpty(m.name))) await this.populate(rootfs, m.destination, data);
    }
  }

  /** Docker's copyExistingContents: the image's files at `destination`, then its owner and mode on the volume root. */
  private async populate(rootfs: string, destination: string, data: string): Promise<void> {
    const src = await secureJoin(rootfs, destination);
    const st = await fs.lstat(src).catch(() => undefined);
    if (!st?.isDirectory()) return;
    if ((await fs.readdir(src)).length > 0) await copyTreeContents(src, data);
    await fs.chown(data, st.uid, st.gid);
    await fs.chmod(data, st.mode & 0o7777);
  }

  /** Exit (or a failed start): the container no longer holds its volumes' mounts. */
  async release(rec: ContainerRecord): Promise<void> {
    for (const m of rec.mountPoints ?? []) {
      if (m.type === "volume" && m.name) await this.volumes.unmount(m.name, rec.id).catch((e) => this.log?.(`unmount volume ${m.name}: ${e}`));
    }
  }

  /** Daemon start: a container still running holds its volumes' mounts. */
  restore(rec: ContainerRecord): void {
    for (const m of rec.mountPoints ?? []) if (m.type === "volume" && m.name) this.volumes.restoreMounter(m.name, rec.id);
  }

  unmountOrphans(): Promise<void> {
    return this.volumes.unmountOrphans();
  }

  /**
   * `rm -v` / `--rm`: the container's anonymous volumes go with it; named
   * ones stay. One still used by another container (--volumes-from) stays
   * too, silently, as in Docker.
   */
  async removeAnonymous(rec: ContainerRecord): Promise<void> {
    for (const m of rec.mountPoints ?? []) {
      if (m.type !== "volume" || !m.anonymous || !m.name) continue;
      await this.volumes.remove(m.name).catch((e) => {
        if (!(e instanceof ConflictError)) this.log?.(`remove volume ${m.name}: ${e}`);
      });
    }
  }
}
