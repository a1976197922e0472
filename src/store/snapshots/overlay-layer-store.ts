/**
 * LayerStore on overlayfs (layout in ./paths.ts, terms in ./snapshotter.ts).
 *
 * Applying a layer: the tar is unpacked into layers/.tmp-<random>/diff while
 * its diffId is computed (archive/unpack.ts); only when the unpack completed
 * and the diffId matched are the metadata files written, the filesystem
 * synced (one syncfs(2) instead of an fsync per file) and the temp
 * dir renamed to layers/<chainhex>, then layers/ fsynced. A crash at any point
 * leaves either no layer or a complete one; temp dirs are deleted by init().
 * Work on one chainId is serialised with a KeyedMutex so a layer pulled twice
 * at once is unpacked once.
 *
 * Removal renames the layer (or snapshot) to a temp name first, so a crash
 * mid-delete never leaves a half layer under its real name.
 *
 * Mounting: see overlay-options.ts. mount(2), umount2(2) and syncfs(2) go
 * through the syscall helper (sys/syscall-helper.ts): no process spawn each.
 * mounts() returns the spec with absolute paths for callers that mount elsewhere (and, as documented in the
 * interface, a bind of the upper dir for an empty chain); mount() itself
 * always uses overlay, with layers/empty as the lower of an empty chain, and
 * short relative paths (layers/l/<20 hex> symlinks, mounted from cwd=layers/) to
 * stay under the page-size option limit: ~170 layers fit; beyond, a clear
 * "max depth exceeded" error as Docker gives.
 *
 * init() assumes this process is the only user of the root.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { chainIdOf } from "../../archive/chain-id.js";
import { unpackLayer } from "../../archive/unpack.js";
import { fsyncDir, writeFileAtomic } from "../../durable/atomic-file.js";
import { DeferredSync, type SyncOptions } from "../../durable/deferred-sync.js";
import { KeyedMutex } from "../../durable/keyed-mutex.js";
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { mount, syncfs, umount } from "../../sys/syscall-helper.js";
import { directorySize } from "./directory-size.js";
import { isMountPoint } from "./mountinfo.js";
import { overlayMountData, overlayOptions } from "./overlay-options.js";
import { checkKey, isLayerDirName, SnapshotPaths, TMP_PREFIX } from "./paths.js";
import type { AppliedLayer, LayerStore, SnapshotMount } from "./snapshotter.js";

/** The kernel copies mount options into one page (the helper refuses more than 4095 bytes). */
const MAX_MOUNT_OPTIONS = 4000;

const exists = (p: string): Promise<boolean> => fs.access(p).then(() => true, () => false);

export class OverlayLayerStore implements LayerStore {
  readonly paths: SnapshotPaths;
  private readonly locks = new KeyedMutex();
  private ready: Promise<void> | undefined;

  constructor(root: string) {
    this.paths = new SnapshotPaths(path.resolve(root));
  }

  /** Creates the tree and deletes temp dirs left by a crash. Called by every operation. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      for (const dir of [this.paths.layersDir(), this.paths.snapshotsDir()]) {
        await fs.mkdir(dir, { recursive: true });
        for (const name of await fs.readdir(dir)) {
          if (name.startsWith(TMP_PREFIX)) await fs.rm(path.join(dir, name), { recursive: true, force: true });
        }
      }
      await fs.mkdir(this.paths.emptyLayer(), { recursive: true });
    })();
    return this.ready;
  }

  async applyLayer(parentChainId: string | null, tar: Readable, expectedDiffId?: string): Promise<AppliedLayer> {
    await this.init();
    if (parentChainId !== null && !(await this.hasLayer(parentChainId))) {
      tar.destroy();
      throw new NotFoundError(`parent layer ${parentChainId} not found`);
    }
    if (expectedDiffId !== undefined) {
      const chainId = chainIdOf(parentChainId, expectedDiffId);
      return this.locks.run(chainId, async () => {
        if (await this.hasLayer(chainId)) {
          for await (const _ of tar) void _; // the caller may be streaming a download: let it finish
          return this.readApplied(chainId);
        }
        return this.unpackAndCommit(parentChainId, tar, expectedDiffId);
      });
    }
    return this.unpackAndCommit(parentChainId, tar, undefined);
  }

  async hasLayer(chainId: string): Promise<boolean> {
    return exists(this.paths.layerFile(chainId, "diffid"));
  }

  layerDir(chainId: string): string {
    return this.paths.layerDiff(chainId);
  }

  async chain(chainId: string): Promise<string[]> {
    const out: string[] = [];
    for (let cur: string | null = chainId; cur !== null; cur = await this.readParent(cur)) {
      if (out.length > 1000) throw new InvalidArgumentError(`layer chain of ${chainId} is too long or cyclic`);
      out.push(cur);
    }
    return out.reverse();
  }

  async layerSize(chainId: string): Promise<number> {
    if (!(await this.hasLayer(chainId))) throw new NotFoundError(`layer ${chainId} not found`);
    return directorySize(this.paths.layerDiff(chainId));
  }

  async removeLayer(chainId: string): Promise<void> {
    await this.init();
    await this.locks.run(chainId, async () => {
      await fs.rm(path.join(this.paths.layersDir(), this.paths.relShortLink(chainId)), { force: true });
      await this.renameAndRemove(this.paths.layer(chainId), this.paths.tmpLayer());
    });
  }

  async listLayers(): Promise<string[]> {
    await this.init();
    const out: string[] = [];
    for (const name of await fs.readdir(this.paths.layersDir())) {
      if (isLayerDirName(name) && (await exists(path.join(this.paths.layersDir(), name, "diffid")))) out.push(`sha256:${name}`);
    }
    return out;
  }

  async prepare(key: string, parentChainId: string | null): Promise<SnapshotMount> {
    await this.init();
    checkKey(key);
    return this.locks.run(`snapshot/${key}`, async () => {
      if (await exists(this.paths.snapshot(key))) throw new AlreadyExistsError(`snapshot ${key} already exists`);
      if (parentChainId !== null && !(await this.hasLayer(parentChainId))) {
        throw new NotFoundError(`layer ${parentChainId} not found`);
      }
      // Built under a temp name and renamed: a crash never leaves a snapshot without upper/work/parent.
      const tmp = this.paths.tmpSnapshot();
      await fs.mkdir(path.join(tmp, "upper"), { recursive: true, mode: 0o755 });
      await fs.mkdir(path.join(tmp, "work"), { mode: 0o700 });
      await writeFileAtomic(path.join(tmp, "parent"), parentChainId ?? "");
      await fs.rename(tmp, this.paths.snapshot(key));
      await fsyncDir(this.paths.snapshotsDir());
      return this.mounts(key);
    });
  }

  async mounts(key: string): Promise<SnapshotMount> {
    const parent = await this.readSnapshotParent(key);
    if (parent === null) return { type: "bind", source: this.paths.upper(key), options: ["rbind", "rw"] };
    const lowers = (await this.chain(parent)).reverse().map((c) => this.paths.layerDiff(c));
    return {
      type: "overlay",
      source: "overlay",
      options: overlayOptions({ lowers, upper: this.paths.upper(key), work: this.paths.work(key) }),
    };
  }

  upperDir(key: string): string {
    return this.paths.upper(key);
  }

  async mount(key: string, target: string, opts: { volatile?: boolean } = {}): Promise<void> {
    const parent = await this.readSnapshotParent(key);
    const abs = path.resolve(target);
    await fs.mkdir(abs, { recursive: true });
    if (await isMountPoint(abs)) return;
    const chain = parent === null ? [] : (await this.chain(parent)).reverse();
    const lowers = chain.length === 0 ? ["empty"] : await Promise.all(chain.map((c) => this.shortLink(c)));
    const dirs = { lowers, upper: `../snapshots/${key}/upper`, work: `../snapshots/${key}/work` };
    if (overlayOptions(dirs).join(",").length >= MAX_MOUNT_OPTIONS) {
      throw new InvalidArgumentError(`max depth exceeded: ${chain.length} layers do not fit in one overlay mount`);
    }
    await mount({ source: "overlay", fstype: "overlay", target: abs, data: overlayMountData(dirs, opts.volatile), cwd: this.paths.layersDir() });
  }

  /**
   * The layer's short link (created on first use, so layers unpacked before
   * links existed get one too). Names are a prefix of the chain ID: a link
   * that exists but points elsewhere would be a 80-bit collision, refused.
   */
  private async shortLink(chainId: string): Promise<string> {
    const rel = this.paths.relShortLink(chainId);
    const want = `../${this.paths.relLayerDiff(chainId)}`;
    const abs = path.join(this.paths.layersDir(), rel);
    const have = await fs.readlink(abs).catch(() => undefined);
    if (have === want) return rel;
    if (have !== undefined) throw new InvalidArgumentError(`layer short link ${rel} collides: points at ${have}, not ${want}`);
    await fs.mkdir(this.paths.linksDir(), { recursive: true });
    await fs.symlink(want, abs).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
    return rel;
  }

  async unmount(target: string): Promise<void> {
    const abs = path.resolve(target);
    if (!(await isMountPoint(abs))) return;
    try {
      await umount(abs);
    } catch {
      // EBUSY can be transient (a process of the container still exiting): one more try, which throws
      if (await isMountPoint(abs)) await umount(abs);
    }
  }

  async remove(key: string): Promise<void> {
    await this.init();
    await this.locks.run(`snapshot/${key}`, () => this.renameAndRemove(this.paths.snapshot(key), this.paths.tmpSnapshot()));
  }

  async adoptSnapshot(key: string, parentChainId: string | null, diffId: string, size: number, o?: SyncOptions): Promise<AppliedLayer> {
    await this.init();
    checkKey(key);
    const chainId = chainIdOf(parentChainId, diffId);
    return this.locks.run(chainId, async () => {
      if (await this.hasLayer(chainId)) return this.readApplied(chainId);
      if ((await this.readSnapshotParent(key)) !== parentChainId) throw new InvalidArgumentError(`snapshot ${key} is not on layer ${parentChainId}`);
      const tmp = this.paths.tmpLayer();
      try {
        await fs.mkdir(tmp);
        await fs.rename(this.paths.upper(key), path.join(tmp, "diff"));
        await fs.mkdir(this.paths.upper(key), { mode: 0o755 });
        await writeFileAtomic(path.join(tmp, "diffid"), diffId, 0o644, o);
        await writeFileAtomic(path.join(tmp, "parent"), parentChainId ?? "", 0o644, o);
        await writeFileAtomic(path.join(tmp, "size"), String(size), 0o644, o);
        if (!DeferredSync.defer(o)) await syncfs(tmp); // a build: its final syncfs
        await fs.rename(tmp, this.paths.layer(chainId));
        await fsyncDir(this.paths.layersDir(), o);
        return { diffId, chainId, size };
      } finally {
        await fs.rm(tmp, { recursive: true, force: true });
      }
    });
  }

  async listActive(): Promise<string[]> {
    await this.init();
    return (await fs.readdir(this.paths.snapshotsDir())).filter((n) => !n.startsWith(TMP_PREFIX)).sort();
  }

  private async unpackAndCommit(parent: string | null, tar: Readable, expectedDiffId: string | undefined): Promise<AppliedLayer> {
    const tmp = this.paths.tmpLayer();
    try {
      const { diffId, size } = await unpackLayer(tar, path.join(tmp, "diff"));
      if (expectedDiffId !== undefined && diffId !== expectedDiffId) {
        throw new InvalidArgumentError(`layer diffId ${diffId} does not match the expected ${expectedDiffId}`);
      }
      const chainId = chainIdOf(parent, diffId);
      const commit = async (): Promise<AppliedLayer> => {
        if (await this.hasLayer(chainId)) return this.readApplied(chainId);
        await writeFileAtomic(path.join(tmp, "diffid"), diffId);
        await writeFileAtomic(path.join(tmp, "parent"), parent ?? "");
        await writeFileAtomic(path.join(tmp, "size"), String(size));
        await syncfs(tmp);
        await fs.rename(tmp, this.paths.layer(chainId));
        await fsyncDir(this.paths.layersDir());
        return { diffId, chainId, size };
      };
      // With an expected diffId the caller already holds this chainId's lock.
      return expectedDiffId !== undefined ? await commit() : await this.locks.run(chainId, commit);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  private async readApplied(chainId: string): Promise<AppliedLayer> {
    const diffId = (await fs.readFile(this.paths.layerFile(chainId, "diffid"), "utf8")).trim();
    const size = Number((await fs.readFile(this.paths.layerFile(chainId, "size"), "utf8")).trim());
    return { diffId, chainId, size };
  }

  private async readParent(chainId: string): Promise<string | null> {
    try {
      const p = (await fs.readFile(this.paths.layerFile(chainId, "parent"), "utf8")).trim();
      return p === "" ? null : p;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError(`layer ${chainId} not found`, { cause: e });
      throw e;
    }
  }

  private async readSnapshotParent(key: string): Promise<string | null> {
    try {
      const p = (await fs.readFile(this.paths.snapshotParent(key), "utf8")).trim();
      return p === "" ? null : p;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError(`snapshot ${key} not found`, { cause: e });
      throw e;
    }
  }

  private async renameAndRemove(dir: string, tmp: string): Promise<void> {
    try {
      await fs.rename(dir, tmp);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    await fsyncDir(path.dirname(dir));
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
