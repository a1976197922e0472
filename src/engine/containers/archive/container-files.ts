/**
 * A container's files from the host, running or not: `docker cp` (stat, read,
 * write), `docker export` and `docker diff`.
 *
 * Where the files are:
 *  - running or paused: the merged overlay is mounted at
 *    ContainerService.rootfsPath(id) for as long as the container runs;
 *  - created or exited: nothing is mounted, so the snapshot is mounted
 *    read-write at a fresh temporary mount point under the container's dir
 *    for the one operation, and unmounted (and the dir removed) in `finally`.
 * Every operation runs under the container's lifecycle lock
 * (ContainerService.withLock), as Docker holds the container lock until an
 * archive is fully read: a `docker start` issued meanwhile waits, then
 * mounts the rootfs as usual, and an exit cannot unmount it underneath us.
 * The same lock serialises two operations on a stopped container, which
 * matters because one overlay work dir can back only one mount at a time.
 *
 * diff does not need the merged view: it compares the upper dir with the
 * image's layer dirs (archive/pack/changes.ts).
 *
 * Gap (known): while a container runs, a process inside it could swap a
 * directory for a symlink between our resolution and our use (Docker closes
 * that window by extracting in a chroot). Bind mounts and volumes are not
 * visible through the host rootfs path: a path on one is served from the
 * mount's source (mounted-path.ts), running or stopped; a volume with driver
 * options (tmpfs, bind) is mounted for the operation (`borrowVolume`).
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { overlayChanges, withoutMountPoints, type Change } from "../../../archive/pack/changes.js";
import { RUNTIME_MOUNT_POINTS } from "./mount-points.js";
import { packPath, packRoot } from "../../../archive/pack/path-archive.js";
import { InvalidArgumentError } from "../../../errors/index.js";
import type { LayerStore } from "../../../store/snapshots/snapshotter.js";
import type { ImageService } from "../../images/image-service.js";
import type { ContainerService } from "../container-service.js";
import { isRunning } from "../state.js";
import type { ContainerRecord } from "../types.js";
import { absPath, goBase, lstatInContainer, resolveForWrite, statPath, type PathStat } from "./container-path.js";
import { extractInto } from "./extract.js";
import { mountedPath, type MountedPath } from "./mounted-path.js";

export interface ContainerFilesDeps {
  containers: ContainerService;
  layers: LayerStore;
  images: Pick<ImageService, "get">;
  log?: (msg: string) => void;
  /** Makes a volume's driver mount available for one operation; returns its release. */
  borrowVolume?: (name: string) => Promise<() => Promise<void>>;
}

export class ContainerFiles {
  constructor(private readonly d: ContainerFilesDeps) {}

  /**
   * Runs `fn` with the host path of the container's merged root, under the
   * container's lock. `ref` is the name or ID the client used.
   */
  /** Runs `fn` with the volume under `p` (if any) mounted, for a stopped container's driver-option volume. */
  private async onVolume<T>(on: MountedPath | undefined, fn: () => Promise<T>): Promise<T> {
    if (!on?.volume || !this.d.borrowVolume) return fn();
    const release = await this.d.borrowVolume(on.volume);
    try {
      return await fn();
    } finally {
      await release().catch((e) => this.d.log?.(`release volume ${on.volume}: ${e}`));
    }
  }

  async withRoot<T>(ref: string, fn: (root: string, rec: ContainerRecord) => Promise<T>): Promise<T> {
    const { containers, layers } = this.d;
    const id = containers.get(ref).id;
    return containers.withLock(id, async () => {
      const rec = containers.get(id);
      if (isRunning(rec.state)) return fn(containers.rootfsPath(id), rec);
      const mnt = path.join(containers.containerDir(id), `archive-mnt-${randomBytes(6).toString("hex")}`);
      await fs.mkdir(mnt, { mode: 0o700 });
      try {
        await layers.mount(id, mnt);
        return await fn(mnt, rec);
      } finally {
        await layers.unmount(mnt).catch((e) => this.d.log?.(`unmount ${mnt}: ${e}`));
        await fs.rmdir(mnt).catch((e) => this.d.log?.(`rmdir ${mnt}: ${e}`));
      }
    });
  }

  /** HEAD /containers/{id}/archive. */
  stat(ref: string, p: string): Promise<PathStat> {
    return this.withRoot(ref, async (root, rec) => {
      const on = mountedPath(rec, p);
      if (!on) return (await statPath(root, p, ref)).stat;
      return this.onVolume(on, async () => ({ ...(await statPath(on.root, on.rest, ref)).stat, name: goBase(absPath(p)) }));
    });
  }

  /**
   * GET /containers/{id}/archive: `consume` receives the stat and the tar
   * stream and must finish reading it before it returns (the lock and any
   * temporary mount are held until then).
   */
  read(ref: string, p: string, consume: (stat: PathStat, tar: Readable) => Promise<void>): Promise<void> {
    return this.withRoot(ref, async (root, rec) => {
      const on = mountedPath(rec, p);
      await this.onVolume(on, async () => {
        const { stat, host } = on ? await statPath(on.root, on.rest, ref) : await statPath(root, p, ref);
        if (on) stat.name = goBase(absPath(p));
        const tar = packPath(host, goBase(absPath(p)) === "/" ? "." : goBase(absPath(p)));
        try {
          await consume(stat, tar);
        } finally {
          tar.destroy();
        }
      });
    });
  }

  /** PUT /containers/{id}/archive: extracts `body` into directory `p`. */
  write(ref: string, p: string, body: Readable, opts: { noOverwriteDirNonDir: boolean }): Promise<void> {
    return this.withRoot(ref, async (root, rec) => {
      const on = mountedPath(rec, p);
      if (on?.readOnly) throw new InvalidArgumentError("mounted volume is marked read-only");
      if (!on && rec.hostConfig.readonlyRootfs) throw new InvalidArgumentError("container rootfs is marked read-only");
      await this.onVolume(on, async () => {
        const dest = on ? await resolveForWrite(on.root, on.rest) : await resolveForWrite(root, absPath(p));
        const st = await lstatInContainer(dest, p, ref);
        if (!st.isDirectory()) throw new InvalidArgumentError("extraction point is not a directory");
        await extractInto(body, dest, opts);
      });
    });
  }

  /** GET /containers/{id}/export: the whole merged filesystem as one tar. */
  export(ref: string, consume: (tar: Readable) => Promise<void>): Promise<void> {
    return this.withRoot(ref, async (root) => {
      const tar = packRoot(root);
      try {
        await consume(tar);
      } finally {
        tar.destroy();
      }
    });
  }

  /** GET /containers/{id}/changes. */
  async changes(ref: string): Promise<Change[]> {
    const { containers, layers } = this.d;
    const id = containers.get(ref).id;
    return containers.withLock(id, async () => {
      const top = (await this.d.images.get(containers.get(id).imageId)).topChainId;
      const lowers = top === null ? [] : (await layers.chain(top)).reverse().map((c) => layers.layerDir(c));
      return withoutMountPoints(await overlayChanges(layers.upperDir(id), lowers), RUNTIME_MOUNT_POINTS);
    });
  }
}
