/**
 * Image metadata store: image records (image ID → ImageRecord) and the
 * reference map (normalised reference → image ID), like Docker's imagedb and
 * repositories.json. Layout and write order: see paths.ts.
 *
 * Terms: a *reference* key is a full normalised string, either tagged
 * ("docker.io/library/busybox:latest") or canonical
 * ("docker.io/library/busybox@sha256:…"). A reference points at exactly one
 * image; setting it again moves it (as `docker tag` does).
 *
 * Everything is loaded into memory by `open` and served from there; every
 * change is written to disk before it becomes visible in memory. Writers are
 * serialised by one mutex so references.json is never written from two
 * snapshots at once.
 */
import { promises as fs } from "node:fs";
import { readJsonIfExists, writeJsonAtomic } from "../../durable/atomic-file.js";
import type { SyncOptions } from "../../durable/deferred-sync.js";
import { KeyedMutex } from "../../durable/keyed-mutex.js";
import { FailedPreconditionError, NotFoundError } from "../../errors/index.js";
import { isObject } from "../../oci/json-check.js";
import { isDigest } from "../../oci/digest.js";
import { IMAGE_LAYOUT_VERSION, MetadataPaths } from "./paths.js";
import { parseImageRecord, recordBlobs, type ImageRecord } from "./image-record.js";

const LOCK = "images";

export class ImageMetadataStore {
  private readonly mutex = new KeyedMutex();

  private constructor(
    readonly paths: MetadataPaths,
    private readonly records: Map<string, ImageRecord>,
    private readonly refs: Map<string, string>,
  ) {}

  /** Opens (creating when absent) the store under `root`. Drops references to images whose record is missing. */
  static async open(root: string): Promise<ImageMetadataStore> {
    const paths = new MetadataPaths(root);
    await fs.mkdir(paths.recordsDir(), { recursive: true });
    const layout = await readJsonIfExists<unknown>(paths.layoutFile());
    if (layout === undefined) {
      await writeJsonAtomic(paths.layoutFile(), { version: IMAGE_LAYOUT_VERSION });
    } else if (!isObject(layout) || layout["version"] !== IMAGE_LAYOUT_VERSION) {
      throw new FailedPreconditionError(`image metadata at ${paths.imagesDir()} has an unknown layout version`);
    }
    const records = new Map<string, ImageRecord>();
    for (const name of await fs.readdir(paths.recordsDir())) {
      if (!/^[a-f0-9]{64}\.json$/.test(name)) continue; // temp files of an interrupted write
      const rec = parseImageRecord(await readJsonIfExists<unknown>(`${paths.recordsDir()}/${name}`));
      records.set(rec.id, rec);
    }
    const refs = new Map<string, string>();
    const file = await readJsonIfExists<unknown>(paths.referencesFile());
    let dropped = false;
    if (isObject(file) && isObject(file["references"])) {
      for (const [ref, id] of Object.entries(file["references"])) {
        if (typeof id === "string" && isDigest(id) && records.has(id)) refs.set(ref, id);
        else dropped = true;
      }
    }
    const store = new ImageMetadataStore(paths, records, refs);
    if (dropped) await store.mutex.run(LOCK, () => store.writeRefs(new Map(refs)));
    return store;
  }

  getRecord(id: string): ImageRecord | undefined {
    return this.records.get(id);
  }

  listRecords(): ImageRecord[] {
    return [...this.records.values()];
  }

  /** The image a full reference key points at. */
  resolveReference(ref: string): string | undefined {
    return this.refs.get(ref);
  }

  /** Every reference key pointing at `id`, sorted. */
  referencesTo(id: string): string[] {
    const out: string[] = [];
    for (const [ref, target] of this.refs) if (target === id) out.push(ref);
    return out.sort();
  }

  allReferences(): Array<[string, string]> {
    return [...this.refs.entries()];
  }

  /**
   * Records an image and points `refs` at it (moving them from any other image).
   * The caller has already stored every blob and layer the record names
   * (with `o.deferSync`, the record's fsync is left to that batch too).
   */
  async putImage(rec: ImageRecord, refs: string[] = [], o?: SyncOptions): Promise<void> {
    await this.mutex.run(LOCK, async () => {
      await writeJsonAtomic(this.paths.recordFile(rec.id), rec, o);
      this.records.set(rec.id, rec);
      if (refs.length > 0) await this.applyRefs(refs, rec.id);
    });
  }

  /** Points refs at an existing image (docker tag). */
  async setReferences(refs: string[], id: string): Promise<void> {
    await this.mutex.run(LOCK, async () => {
      if (!this.records.has(id)) throw new NotFoundError(`No such image: ${id}`);
      await this.applyRefs(refs, id);
    });
  }

  /** Removes references; returns the ones that existed. */
  async deleteReferences(refs: string[]): Promise<string[]> {
    return this.mutex.run(LOCK, async () => {
      const next = new Map(this.refs);
      const removed = refs.filter((r) => next.delete(r));
      if (removed.length > 0) await this.writeRefs(next);
      return removed;
    });
  }

  /** Removes every reference to `id`, then its record. Returns the removed references. */
  async deleteImage(id: string): Promise<string[]> {
    return this.mutex.run(LOCK, async () => {
      const next = new Map(this.refs);
      const removed: string[] = [];
      for (const [ref, target] of this.refs) if (target === id && next.delete(ref)) removed.push(ref);
      if (removed.length > 0) await this.writeRefs(next);
      await fs.rm(this.paths.recordFile(id), { force: true });
      this.records.delete(id);
      return removed.sort();
    });
  }

  /** chainIds used by any image other than `exceptId`. */
  chainIdsInUse(exceptId?: string): Set<string> {
    const out = new Set<string>();
    for (const rec of this.records.values()) {
      if (rec.id !== exceptId) for (const l of rec.layers) out.add(l.chainId);
    }
    return out;
  }

  /** Blob digests needed by any image other than `exceptId`. */
  blobsInUse(exceptId?: string): Set<string> {
    const out = new Set<string>();
    for (const rec of this.records.values()) if (rec.id !== exceptId) for (const d of recordBlobs(rec)) out.add(d);
    return out;
  }

  private async applyRefs(refs: string[], id: string): Promise<void> {
    const next = new Map(this.refs);
    for (const r of refs) next.set(r, id);
    await this.writeRefs(next);
    const rec = this.records.get(id);
    if (rec) {
      const updated = { ...rec, lastTagTime: new Date().toISOString() };
      await writeJsonAtomic(this.paths.recordFile(id), updated);
      this.records.set(id, updated);
    }
  }

  /** Writes the whole map, then makes it visible. Caller holds the mutex. */
  private async writeRefs(next: Map<string, string>): Promise<void> {
    await writeJsonAtomic(this.paths.referencesFile(), { version: 1, references: Object.fromEntries(next) });
    this.refs.clear();
    for (const [k, v] of next) this.refs.set(k, v);
  }
}
