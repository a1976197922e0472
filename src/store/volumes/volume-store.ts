/**
 * Durable volume records and data directories for the "local" driver, laid
 * out as Docker's local driver lays them out:
 *
 *   <dataRoot>/volumes/
 *     <name>/
 *       volume.json     VolumeRecord, rewritten atomically (temp, fsync, rename, fsync dir)
 *       _data/          the volume's files (or the mount point of its driver options)
 *     .trash-<rand>/    a volume being removed (renamed first, then deleted)
 *
 * Why an acknowledged operation survives kill -9:
 *  - create: `_data` is made first, the record written last; a directory
 *    without a record is a create that never finished and is removed at load.
 *  - remove: the directory is renamed to a trash name in one step (the
 *    volume is gone as of the rename), then deleted; leftover trash is
 *    deleted at load.
 * Names are validated by the caller (engine/volumes/volume-name.ts) before
 * any path is built from them; the store checks again that a name is one
 * plain path component.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { readJsonIfExists, writeJsonAtomic } from "../../durable/atomic-file.js";
import { InvalidArgumentError } from "../../errors/index.js";

export const VOLUME_LAYOUT_VERSION = 1;

export interface VolumeRecord {
  version: number;
  name: string;
  driver: string;
  labels: Record<string, string>;
  /** Local driver options (type, device, o); {} when none. */
  options: Record<string, string>;
  createdAt: string;
}

export class VolumeStore {
  private readonly byName = new Map<string, VolumeRecord>();

  constructor(readonly root: string) {}

  private dir(name: string): string {
    if (!name || name.includes("/") || name === "." || name === ".." || name.startsWith(".trash-")) throw new InvalidArgumentError(`invalid volume name: ${JSON.stringify(name)}`);
    return path.join(this.root, name);
  }

  dataDir(name: string): string {
    return path.join(this.dir(name), "_data");
  }

  /** Loads every record; half-created volumes and trash from an interrupted remove are deleted. */
  async load(onBad: (name: string, err: unknown) => void = () => {}): Promise<void> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o701 });
    for (const name of await fs.readdir(this.root)) {
      const dir = path.join(this.root, name);
      if (name.startsWith(".trash-")) {
        await fs.rm(dir, { recursive: true, force: true }).catch((e) => onBad(name, e));
        continue;
      }
      try {
        const rec = await readJsonIfExists<VolumeRecord>(path.join(dir, "volume.json"));
        if (!rec) {
          await fs.rm(dir, { recursive: true, force: true });
          continue;
        }
        if (rec.name !== name) throw new Error(`record names ${JSON.stringify(rec.name)}`);
        this.byName.set(name, rec);
      } catch (err) {
        onBad(name, err);
      }
    }
  }

  get(name: string): VolumeRecord | undefined {
    return this.byName.get(name);
  }

  all(): VolumeRecord[] {
    return [...this.byName.values()];
  }

  async create(rec: VolumeRecord): Promise<void> {
    const dir = this.dir(rec.name);
    await fs.mkdir(path.join(dir, "_data"), { recursive: true, mode: 0o755 });
    await writeJsonAtomic(path.join(dir, "volume.json"), rec);
    this.byName.set(rec.name, rec);
  }

  /** Removes the record and the data (the caller has unmounted any driver mount). */
  async remove(name: string): Promise<void> {
    const dir = this.dir(name);
    const trash = path.join(this.root, `.trash-${randomBytes(8).toString("hex")}`);
    await fs.rename(dir, trash);
    this.byName.delete(name);
    await fs.rm(trash, { recursive: true, force: true });
  }
}
