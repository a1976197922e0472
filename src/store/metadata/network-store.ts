/**
 * Durable network records.
 *
 * Layout (under <dataRoot>/networks):
 *   <id>.json   NetworkRecord, rewritten atomically (writeJsonAtomic) on every change
 *
 * A kill -9 leaves either the old or the new record; names are unique and
 * checked by the network service under its lock.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { readJsonIfExists, writeJsonAtomic } from "../../durable/atomic-file.js";
import type { NetworkRecord } from "../../engine/networks/types.js";

export class NetworkStore {
  private readonly byId = new Map<string, NetworkRecord>();

  constructor(readonly root: string) {}

  async load(onBad: (id: string, err: unknown) => void = () => {}): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    for (const f of await fs.readdir(this.root)) {
      const m = /^([0-9a-f]{64})\.json$/.exec(f);
      if (!m) continue;
      try {
        const rec = await readJsonIfExists<NetworkRecord>(path.join(this.root, f));
        if (rec) this.byId.set(m[1]!, rec);
      } catch (err) {
        onBad(m[1]!, err);
      }
    }
  }

  all(): NetworkRecord[] {
    return [...this.byId.values()];
  }

  get(id: string): NetworkRecord | undefined {
    return this.byId.get(id);
  }

  async save(rec: NetworkRecord): Promise<void> {
    await writeJsonAtomic(path.join(this.root, `${rec.id}.json`), rec);
    this.byId.set(rec.id, rec);
  }

  async delete(id: string): Promise<void> {
    this.byId.delete(id);
    await fs.rm(path.join(this.root, `${id}.json`), { force: true });
  }
}
