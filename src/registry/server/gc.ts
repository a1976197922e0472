/**
 * `berth registry gc`: mark and sweep of the shared blob store, offline or
 * while `berth registry serve` runs on the same root.
 *
 * Live (never swept): every revision of every repository (tagged or not),
 * every tag's and referrer link's target, every blob a live manifest
 * references (config, layers) and every manifest a live index lists; and
 * every digest named by a pending/<uuid>.json record (a manifest PUT in flight).
 *
 * Rule: a blob is deleted only if it is
 *   1. unreferenced by all of the above, both before it is moved aside and
 *      after (the second look is what makes the race with a PUT safe), and
 *   2. older than the grace period: its mtime (last write, or last time a
 *      repository linked it: upload, mount, re-upload) is before
 *      gcStart - grace. Default grace: 1 hour while a server runs (a client
 *      pushes layers first and the manifest last; an unreferenced blob younger
 *      than that is presumed to belong to a push in flight), 0 offline.
 * Uploads in progress live under uploads/, not in the store, so they are
 * never candidates; an upload that completes onto an existing blob relinks it
 * and so restarts its grace period.
 *
 * The sweep of a candidate:  (a) rename blobs/<hex> → gc/trash/<hex>;
 * (b) after all candidates are moved, read the pending records, THEN re-mark
 * from the links; (c) move back every trashed blob that is now live, unlink
 * the rest. A manifest PUT (repo-store.ts) publishes its pending record
 * before checking that its blobs exist and removes it only after its links
 * are written. So for a blob the PUT needs: if (a) came first, the PUT's
 * check finds it missing and the PUT fails cleanly with MANIFEST_BLOB_UNKNOWN
 * (the client re-uploads; nothing is half-stored); if the PUT's check came
 * first, its record was published before (a) and hence before (b)'s read of
 * the records, so (b) sees either the record or, if the PUT already removed
 * it, the links written before that removal. Either way the blob is restored.
 * (The manifest itself may be a candidate moved aside before its revision link
 * appeared, so marking reads a manifest's bytes from the trash when the store
 * lacks them.)
 * A GET racing with the sweep may see a live blob missing for the
 * milliseconds between (a) and (c); nothing is ever lost.
 *
 * Locks: one GC at a time per root (gc/berthd.lock, pid). If no server holds
 * the root, GC takes the root's lock too (offline) and additionally removes
 * repositories' _layers links to deleted blobs, expired uploads and ingest
 * temp files; online it leaves those to the server (a link to a missing blob
 * is served as BLOB_UNKNOWN and rewritten by the next upload).
 * kill -9 during GC: at most blobs left in gc/trash, which the next GC and
 * every server start move back (restoring is always safe); run gc again.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { lockDataRoot } from "../../daemon/data-root-lock.js";
import { FailedPreconditionError } from "../../errors/index.js";
import type { LocalContentStore } from "../../store/content/local-content-store.js";
import { readJsonIfExists } from "../../durable/atomic-file.js";
import { checkManifest } from "./manifest-check.js";
import { isValidDigest, type RegistryPaths } from "./paths.js";
import type { RepositoryStore } from "./repo-store.js";
import { isServedHere, openRegistryStorage } from "./serve.js";
import { restoreFromTrash, restoreGcTrash } from "./gc-trash.js";

export interface GcOptions {
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Only blobs whose mtime is older than this are swept; default 1 h online, 0 offline. */
  graceMs?: number;
  /** Test hook: called after candidates are moved to the trash, before the second look. */
  afterTrash?: () => Promise<void>;
}

export interface GcResult {
  marked: number;
  deleted: string[];
  bytesFreed: number;
  linksRemoved: number;
  /** True when a server was serving the root during this GC. */
  online: boolean;
  /** Unreferenced blobs kept because they are younger than the grace period. */
  keptYoung: number;
}

export const DEFAULT_ONLINE_GRACE_MS = 3600 * 1000;

/** Roots with a GC running in this process (the pid lock cannot tell them apart). */
const collecting = new Set<string>();

async function markLive(paths: RegistryPaths, content: LocalContentStore, repos: RepositoryStore, log?: (line: string) => void): Promise<Set<string>> {
  const live = new Set<string>();
  for (const name of await repos.catalog()) {
    const roots = new Set(await repos.listRevisions(name));
    for (const tag of await repos.listTags(name)) {
      const d = await repos.readTag(name, tag).catch(() => undefined);
      if (d) roots.add(d);
    }
    const refDir = path.join(paths.manifestsDir(name), "referrers", "sha256");
    for (const subject of await fs.readdir(refDir).catch(() => [] as string[])) {
      for (const hex of await fs.readdir(path.join(refDir, subject, "sha256")).catch(() => [] as string[])) {
        if (isValidDigest(`sha256:${hex}`)) roots.add(`sha256:${hex}`);
      }
    }
    for (const digest of roots) {
      live.add(digest);
      // The manifest's bytes may be in the trash right now (moved aside before its
      // revision link appeared): its references must be marked all the same.
      const bytes = await readManifestBytes(paths, content, digest);
      if (!bytes) continue; // revision whose bytes are gone: nothing to mark
      const rev = await readJsonIfExists<{ mediaType?: string }>(paths.revisionLink(name, digest)).catch(() => undefined);
      try {
        const m = checkManifest(bytes, rev?.mediaType);
        for (const d of [...m.blobs, ...m.manifests]) live.add(d.digest);
      } catch {
        log?.(`warning: ${name}@${digest} does not parse; its references are unknown`);
      }
    }
  }
  return live;
}

const MAX_MANIFEST = 4 * 1024 * 1024;

async function readManifestBytes(paths: RegistryPaths, content: LocalContentStore, digest: string): Promise<Buffer | undefined> {
  try {
    return await content.readBlob(digest, MAX_MANIFEST);
  } catch {
    /* not in the store: maybe in the trash */
  }
  try {
    const fh = await fs.open(paths.gcTrash(digest), "r");
    try {
      const st = await fh.stat();
      return st.size > MAX_MANIFEST ? undefined : await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}

/** Digests named by manifest PUTs in flight. Throws on a record it cannot read (the sweep is then undone). */
async function pendingDigests(paths: RegistryPaths): Promise<Set<string>> {
  const out = new Set<string>();
  for (const f of await fs.readdir(paths.pendingDir()).catch(() => [] as string[])) {
    if (!f.endsWith(".json")) continue;
    let text: string;
    try {
      text = await fs.readFile(path.join(paths.pendingDir(), f), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue; // the PUT finished (its links are read after this)
      throw e;
    }
    const doc = JSON.parse(text) as { digests?: unknown };
    if (!Array.isArray(doc.digests)) throw new Error(`pending record ${f} is malformed`);
    for (const d of doc.digests) if (typeof d === "string") out.add(d);
  }
  return out;
}

async function lockGc(root: string, paths: RegistryPaths): Promise<() => Promise<void>> {
  const key = path.resolve(root);
  if (collecting.has(key)) throw new FailedPreconditionError(`another garbage collection of ${root} is running`);
  await fs.mkdir(paths.gcDir(), { recursive: true });
  const unlock = await lockDataRoot(paths.gcDir()).catch((e: unknown) => {
    if (e instanceof FailedPreconditionError) throw new FailedPreconditionError(`another garbage collection of ${root} is running`);
    throw e;
  });
  collecting.add(key);
  return async () => {
    collecting.delete(key);
    await unlock();
  };
}

export async function collectGarbage(root: string, opts: GcOptions = {}): Promise<GcResult> {
  // Offline when nobody serves the root: then hold its lock so no server starts meanwhile.
  let unlockRoot: (() => Promise<void>) | undefined;
  if (!isServedHere(root)) {
    unlockRoot = await lockDataRoot(root).catch((e: unknown) => {
      if (e instanceof FailedPreconditionError) return undefined;
      throw e;
    });
  }
  const online = unlockRoot === undefined;
  try {
    const { paths, content, repos, uploads } = await openRegistryStorage(root);
    const unlockGc = await lockGc(root, paths);
    try {
      await restoreGcTrash(paths, content);
      const start = Date.now();
      const cutoff = start - (opts.graceMs ?? (online ? DEFAULT_ONLINE_GRACE_MS : 0));
      // Same order as the second look: pending records, then links.
      const live = await pendingDigests(paths);
      for (const d of await markLive(paths, content, repos, opts.log)) live.add(d);
      const result: GcResult = { marked: live.size, deleted: [], bytesFreed: 0, linksRemoved: 0, online, keptYoung: 0 };

      const young = async (file: string): Promise<boolean | undefined> => {
        const st = await fs.stat(file).catch(() => undefined);
        return st === undefined ? undefined : st.mtimeMs >= cutoff;
      };
      const candidates: string[] = [];
      for await (const digest of content.list()) {
        if (live.has(digest)) continue;
        const y = await young(content.blobPath(digest));
        if (y === undefined) continue;
        if (y) {
          result.keptYoung++;
          continue;
        }
        candidates.push(digest);
      }
      if (opts.dryRun) {
        for (const digest of candidates) {
          const size = (await content.info(digest).catch(() => ({ size: 0 }))).size;
          result.deleted.push(digest);
          result.bytesFreed += size;
          opts.log?.(`would delete ${digest} (${size} bytes)`);
        }
        return result;
      }

      // (a) move candidates aside.
      await fs.mkdir(paths.gcTrashDir(), { recursive: true });
      const trashed: string[] = [];
      for (const digest of candidates) {
        try {
          await fs.rename(content.blobPath(digest), paths.gcTrash(digest));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
          throw e;
        }
        trashed.push(digest);
      }
      await opts.afterTrash?.();
      // (b) second look: pending records first, then the links.
      let again: Set<string>;
      try {
        again = await pendingDigests(paths);
        for (const d of await markLive(paths, content, repos, opts.log)) again.add(d);
      } catch (e) {
        await restoreGcTrash(paths, content);
        throw e;
      }
      // (c) restore what became live or was linked again meanwhile; delete the rest.
      for (const digest of trashed) {
        if (again.has(digest) || (await young(paths.gcTrash(digest)))) {
          await restoreFromTrash(paths, content, digest);
          opts.log?.(`keep ${digest} (referenced or relinked during gc)`);
        }
      }
      for (const digest of trashed) {
        if (again.has(digest)) continue;
        const file = paths.gcTrash(digest);
        const st = await fs.stat(file).catch(() => undefined);
        if (!st) continue;
        await fs.rm(file, { force: true });
        result.deleted.push(digest);
        result.bytesFreed += st.size;
        opts.log?.(`delete ${digest} (${st.size} bytes)`);
      }

      if (!online) {
        const gone = new Set(result.deleted);
        for (const name of await repos.catalog()) {
          for (const digest of await repos.listBlobLinks(name)) {
            if (!gone.has(digest) || (await content.has(digest))) continue;
            await fs.rm(paths.layerLink(name, digest), { force: true });
            result.linksRemoved++;
          }
        }
        await content.removeStaleIngests(0);
        await uploads.removeStale(0);
      }
      return result;
    } finally {
      await unlockGc();
    }
  } finally {
    await unlockRoot?.();
  }
}
