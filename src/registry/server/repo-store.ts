/**
 * Repositories on disk (layout in ./paths.ts): blob links, manifest
 * revisions, tags, referrers, and the catalog. Blob and manifest bytes live
 * once in the shared LocalContentStore; a repository only holds links.
 *
 * Write order and kill -9 (every file below is written with writeFileAtomic,
 * so each is either absent or complete):
 *   blob upload:    verified blob in the content store → _layers link
 *   manifest PUT:   referenced blobs/manifests checked → manifest bytes ingested
 *                   (verified) → revision link → referrer link → tag file(s)
 *   manifest DELETE by digest: tag files naming it → referrer link → revision link
 * So a link never names a missing or half-written blob, and a tag never names
 * a manifest that is not a revision. A crash between steps leaves only an
 * unreferenced blob or link, which GC removes.
 * Manifest mutations of one repository are serialised (KeyedMutex by name).
 *
 * Online GC (gc.ts): a manifest PUT first publishes pending/<uuid>.json with
 * the digests it is about to reference (itself included), then checks they
 * exist, stores, links, and finally removes the pending file. Linking a blob
 * (upload, mount, re-upload of an existing blob) refreshes the blob's mtime,
 * which starts GC's grace period afresh.
 */
import { promises as fs } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { writeFileAtomic, readJsonIfExists } from "../../durable/atomic-file.js";
import { KeyedMutex } from "../../durable/keyed-mutex.js";
import type { LocalContentStore } from "../../store/content/local-content-store.js";
import type { Descriptor } from "../../oci/manifest.js";
import { RegistryError } from "./errcodes.js";
import { RegistryPaths, checkName, isValidDigest, isValidTag } from "./paths.js";
import type { CheckedManifest } from "./manifest-check.js";

export interface Revision {
  digest: string;
  mediaType: string;
  size: number;
}

function isEnoent(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch (e) {
    if (isEnoent(e)) return false;
    throw e;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if (isEnoent(e)) return [];
    throw e;
  }
}

async function writeLink(file: string, data: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, data);
}

export class RepositoryStore {
  private readonly mutex = new KeyedMutex();

  constructor(
    readonly paths: RegistryPaths,
    readonly content: LocalContentStore,
  ) {}

  async repoExists(name: string): Promise<boolean> {
    const dir = this.paths.repository(name);
    return (await exists(path.join(dir, "_layers"))) || (await exists(path.join(dir, "_manifests")));
  }

  /** NAME_UNKNOWN unless the repository has at least one blob link or manifest. */
  async requireRepo(name: string): Promise<void> {
    if (!(await this.repoExists(name))) throw new RegistryError("NAME_UNKNOWN", { name });
  }

  // ---- blobs ----

  async linkBlob(name: string, digest: string): Promise<void> {
    await writeLink(this.paths.layerLink(name, digest), digest);
    // The blob is wanted again now: GC's grace period counts from here (best effort).
    const now = new Date();
    await fs.utimes(this.content.blobPath(digest), now, now).catch(() => {});
  }

  /** The size of a blob this repository may serve; BLOB_UNKNOWN otherwise. */
  async statBlob(name: string, digest: string): Promise<number> {
    const link = this.paths.layerLink(name, digest);
    if (await exists(link)) {
      try {
        return (await this.content.info(digest)).size;
      } catch {
        /* link without blob (deleted by GC/manual): unknown */
      }
    }
    await this.requireRepo(name);
    throw new RegistryError("BLOB_UNKNOWN", { digest });
  }

  async unlinkBlob(name: string, digest: string): Promise<void> {
    await this.statBlob(name, digest);
    await fs.rm(this.paths.layerLink(name, digest), { force: true });
  }

  // ---- manifests ----

  async getRevision(name: string, digest: string): Promise<Revision | undefined> {
    const rev = await readJsonIfExists<Revision>(this.paths.revisionLink(name, digest)).catch((e) => {
      if (isEnoent(e)) return undefined;
      throw e;
    });
    if (!rev || rev.digest !== digest || !(await this.content.has(digest))) return undefined;
    return rev;
  }

  /** The digest a tag points at, or undefined. */
  async readTag(name: string, tag: string): Promise<string | undefined> {
    try {
      const d = (await fs.readFile(this.paths.tagFile(name, tag), "utf8")).trim();
      return isValidDigest(d) ? d : undefined;
    } catch (e) {
      if (isEnoent(e)) return undefined;
      throw e;
    }
  }

  /** Resolves a tag or digest to a stored revision; MANIFEST_UNKNOWN / NAME_UNKNOWN otherwise. */
  async resolve(name: string, reference: string): Promise<Revision> {
    checkName(name);
    const digest = isValidDigest(reference) ? reference : await this.readTag(name, reference);
    const rev = digest ? await this.getRevision(name, digest) : undefined;
    if (rev) return rev;
    await this.requireRepo(name);
    throw new RegistryError("MANIFEST_UNKNOWN", { reference });
  }

  /** MANIFEST_BLOB_UNKNOWN unless every blob is linked here and every index entry is a revision here. */
  async checkReferences(name: string, m: CheckedManifest): Promise<void> {
    for (const b of m.blobs) {
      const ok = (await exists(this.paths.layerLink(name, b.digest))) && (await this.content.has(b.digest));
      if (!ok) throw new RegistryError("MANIFEST_BLOB_UNKNOWN", { digest: b.digest });
    }
    for (const d of m.manifests) {
      if (!(await this.getRevision(name, d.digest))) throw new RegistryError("MANIFEST_BLOB_UNKNOWN", { digest: d.digest });
    }
  }

  /**
   * Stores a checked manifest whose bytes hash to `digest` and points `tags`
   * at it, in the crash-safe order described in the header.
   */
  async putManifest(name: string, bytes: Buffer, digest: string, m: CheckedManifest, tags: string[]): Promise<void> {
    checkName(name);
    for (const t of tags) if (!isValidTag(t)) throw new RegistryError("MANIFEST_INVALID", { tag: t.slice(0, 200), reason: "invalid tag" });
    await this.mutex.run(name, async () => {
      const pending = await this.publishPending([digest, ...m.blobs.map((b) => b.digest), ...m.manifests.map((d) => d.digest)]);
      try {
        await this.storeManifest(name, bytes, digest, m, tags);
      } finally {
        await fs.rm(pending, { force: true });
      }
    });
  }

  /**
   * Publishes pending/<uuid>.json naming `digests` (written under a temp name
   * and renamed, so GC never reads half of it). Must happen before the
   * existence checks: see gc.ts for why this order makes online GC safe.
   */
  private async publishPending(digests: string[]): Promise<string> {
    const file = this.paths.pendingFile(randomUUID());
    const tmp = `${file}.tmp`;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(tmp, JSON.stringify({ digests }));
    await fs.rename(tmp, file);
    return file;
  }

  /** Removes every pending record (server start: no PUT is in flight). */
  async clearPending(): Promise<void> {
    await fs.rm(this.paths.pendingDir(), { recursive: true, force: true });
    await fs.mkdir(this.paths.pendingDir(), { recursive: true });
  }

  private async storeManifest(name: string, bytes: Buffer, digest: string, m: CheckedManifest, tags: string[]): Promise<void> {
    await this.checkReferences(name, m);
    await this.content.writeBlob(bytes, digest);
    const rev: Revision = { digest, mediaType: m.mediaType, size: bytes.byteLength };
    await writeLink(this.paths.revisionLink(name, digest), JSON.stringify(rev));
    if (m.subject) {
      const d: Record<string, unknown> = { mediaType: m.mediaType, digest, size: bytes.byteLength };
      if (m.artifactType) d["artifactType"] = m.artifactType;
      if (m.annotations) d["annotations"] = m.annotations;
      await writeLink(this.paths.referrerLink(name, m.subject.digest, digest), JSON.stringify(d));
    }
    for (const t of tags) await writeLink(this.paths.tagFile(name, t), digest);
  }

  async deleteTag(name: string, tag: string): Promise<void> {
    await this.mutex.run(name, async () => {
      if ((await this.readTag(name, tag)) === undefined) {
        await this.requireRepo(name);
        throw new RegistryError("MANIFEST_UNKNOWN", { reference: tag });
      }
      await fs.rm(this.paths.tagFile(name, tag), { force: true });
    });
  }

  /** Deletes a revision and every tag naming it (tags first: no tag ever names a missing revision). */
  async deleteManifest(name: string, digest: string): Promise<void> {
    await this.mutex.run(name, async () => {
      const rev = await this.resolve(name, digest);
      for (const t of await this.listTags(name)) {
        if ((await this.readTag(name, t)) === digest) await fs.rm(this.paths.tagFile(name, t), { force: true });
      }
      const subject = await this.subjectOf(rev);
      if (subject) await fs.rm(this.paths.referrerLink(name, subject, digest), { force: true });
      await fs.rm(this.paths.revisionLink(name, digest), { force: true });
    });
  }

  private async subjectOf(rev: Revision): Promise<string | undefined> {
    try {
      const doc = JSON.parse((await this.content.readBlob(rev.digest, 4 * 1024 * 1024)).toString("utf8")) as { subject?: { digest?: unknown } };
      const d = doc.subject?.digest;
      return typeof d === "string" && isValidDigest(d) ? d : undefined;
    } catch {
      return undefined;
    }
  }

  async listTags(name: string): Promise<string[]> {
    return (await readdirOrEmpty(this.paths.tagsDir(name))).filter(isValidTag);
  }

  async listRevisions(name: string): Promise<string[]> {
    return (await readdirOrEmpty(this.paths.revisionsDir(name))).map((h) => `sha256:${h}`).filter(isValidDigest);
  }

  async listBlobLinks(name: string): Promise<string[]> {
    return (await readdirOrEmpty(this.paths.layersDir(name))).map((h) => `sha256:${h}`).filter(isValidDigest);
  }

  /** Descriptors of the manifests in `name` whose subject is `subject` (only live revisions). */
  async referrers(name: string, subject: string): Promise<(Descriptor & { artifactType?: string })[]> {
    const dir = this.paths.referrersDir(name, subject);
    const out: (Descriptor & { artifactType?: string })[] = [];
    for (const hex of await readdirOrEmpty(dir)) {
      const digest = `sha256:${hex}`;
      if (!isValidDigest(digest) || !(await this.getRevision(name, digest))) continue;
      const d = await readJsonIfExists<Descriptor & { artifactType?: string }>(path.join(dir, hex)).catch(() => undefined);
      if (d && d.digest === digest) out.push(d);
    }
    return out;
  }

  /** Every repository name, in byte order (a directory holding _layers or _manifests is a repository). */
  async catalog(): Promise<string[]> {
    const names: string[] = [];
    const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
      if (depth > 128) return;
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e) => {
        if (isEnoent(e)) return [];
        throw e;
      });
      if (prefix && entries.some((e) => e.isDirectory() && (e.name === "_layers" || e.name === "_manifests"))) names.push(prefix);
      for (const e of entries) {
        if (!e.isDirectory() || e.name.startsWith("_")) continue;
        const child = prefix ? `${prefix}/${e.name}` : e.name;
        if (/^[a-z0-9]/.test(e.name)) await walk(path.join(dir, e.name), child, depth + 1);
      }
    };
    await walk(this.paths.repositoriesDir(), "", 0);
    return names.filter((n) => n.length <= 255).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
