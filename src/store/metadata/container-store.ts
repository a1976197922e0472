/**
 * Durable container records.
 *
 * Layout (under <dataRoot>/containers):
 *   <id>/record.json   ContainerRecord, rewritten atomically on every change
 *   <id>/…             per-container files owned by the engine (logs, hosts, …)
 *
 * Every write goes through writeJsonAtomic, so a kill -9 leaves either the old
 * or the new record. The in-memory map is the cache of what is on disk; names
 * are unique and indexed here so that a name conflict is detected atomically
 * with the write (callers serialise per container; the name index is checked
 * and claimed synchronously).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { readJsonIfExists, writeJsonAtomic } from "../../durable/atomic-file.js";
import type { ContainerRecord } from "../../engine/containers/types.js";

export const CONTAINER_LAYOUT_VERSION = 1;

export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly byName = new Map<string, string>();

  constructor(readonly root: string) {}

  dir(id: string): string {
    return path.join(this.root, id);
  }

  /** Loads every record from disk; records that fail to parse are reported and skipped. */
  async load(onBad: (id: string, err: unknown) => void = () => {}): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    for (const id of await fs.readdir(this.root)) {
      if (!/^[0-9a-f]{64}$/.test(id)) continue;
      try {
        const rec = await readJsonIfExists<ContainerRecord>(path.join(this.root, id, "record.json"));
        if (!rec) continue;
        this.byId.set(id, rec);
        this.byName.set(rec.name, id);
      } catch (err) {
        onBad(id, err);
      }
    }
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  get(id: string): ContainerRecord | undefined {
    return this.byId.get(id);
  }

  idForName(name: string): string | undefined {
    return this.byName.get(name);
  }

  /** Claims a name synchronously; false when another container holds it. */
  claimName(name: string, id: string): boolean {
    const holder = this.byName.get(name);
    if (holder && holder !== id) return false;
    this.byName.set(name, id);
    return true;
  }

  releaseName(name: string, id: string): void {
    if (this.byName.get(name) === id) this.byName.delete(name);
  }

  async save(rec: ContainerRecord): Promise<void> {
    await fs.mkdir(this.dir(rec.id), { recursive: true });
    await writeJsonAtomic(path.join(this.dir(rec.id), "record.json"), rec);
    this.byId.set(rec.id, rec);
    this.byName.set(rec.name, rec.id);
  }

  /**
   * Changes the in-memory record only, leaving the file as it was: for an
   * auto-removed container's exit, whose record is deleted next (a crash in
   * between finds the old record and the exit file, and handles the exit again).
   */
  remember(rec: ContainerRecord): void {
    if (this.byId.has(rec.id)) this.byId.set(rec.id, rec);
  }

  /** Removes the record first (so a crash leaves no half container listed), then the directory. */
  async delete(id: string): Promise<void> {
    const rec = this.byId.get(id);
    await fs.rm(path.join(this.dir(id), "record.json"), { force: true });
    this.byId.delete(id);
    if (rec) this.releaseName(rec.name, id);
    await fs.rm(this.dir(id), { recursive: true, force: true });
  }
}
