/**
 * `berth registry gc`: mark and sweep of the shared blob store.
 *
 * Mark: every revision of every repository is live (tagged or not), and so is
 * every blob its manifest references (config, layers) and every manifest an
 * index lists. Sweep: every other blob in blobs/ is deleted, then the
 * repositories' _layers links naming a deleted blob are removed; expired
 * upload directories and ingest temp files are cleared too.
 *
 * Rule: GC is OFFLINE-ONLY. A push uploads blobs first and the manifest that
 * references them last; a sweep in between would delete the blobs of a push
 * in flight. So `collectGarbage` takes the root's lock (the same one
 * `berth registry serve` holds) and refuses to run while a server is serving
 * that root. A kill -9 during GC is harmless: each deletion removes an
 * unreferenced blob or a link to a blob already gone, and GC can be re-run.
 */
import { promises as fs } from "node:fs";
import { lockDataRoot } from "../../daemon/data-root-lock.js";
import { FailedPreconditionError } from "../../errors/index.js";
import { checkManifest } from "./manifest-check.js";
import { isServedHere, openRegistryStorage } from "./serve.js";

export interface GcResult {
  marked: number;
  deleted: string[];
  bytesFreed: number;
  linksRemoved: number;
}

export async function collectGarbage(root: string, opts: { dryRun?: boolean; log?: (line: string) => void } = {}): Promise<GcResult> {
  let unlock: () => Promise<void>;
  const busy = () => new FailedPreconditionError(`registry root ${root} is in use (is berth registry serve running?): garbage collection is offline-only`);
  if (isServedHere(root)) throw busy();
  try {
    unlock = await lockDataRoot(root);
  } catch (e) {
    if (e instanceof FailedPreconditionError) throw busy();
    throw e;
  }
  try {
    const { content, repos, uploads } = await openRegistryStorage(root);
    const live = new Set<string>();
    const repoNames = await repos.catalog();
    for (const name of repoNames) {
      for (const digest of await repos.listRevisions(name)) {
        live.add(digest);
        let bytes: Buffer;
        try {
          bytes = await content.readBlob(digest, 4 * 1024 * 1024);
        } catch {
          continue; // revision whose bytes are gone: nothing to mark
        }
        const rev = await repos.getRevision(name, digest);
        try {
          const m = checkManifest(bytes, rev?.mediaType);
          for (const d of [...m.blobs, ...m.manifests]) live.add(d.digest);
        } catch {
          opts.log?.(`warning: ${name}@${digest} does not parse; its references are unknown`);
        }
      }
    }
    const result: GcResult = { marked: live.size, deleted: [], bytesFreed: 0, linksRemoved: 0 };
    for await (const digest of content.list()) {
      if (live.has(digest)) continue;
      const size = (await content.info(digest).catch(() => ({ size: 0 }))).size;
      result.deleted.push(digest);
      result.bytesFreed += size;
      opts.log?.(`${opts.dryRun ? "would delete" : "delete"} ${digest} (${size} bytes)`);
      if (!opts.dryRun) await content.delete(digest);
    }
    if (!opts.dryRun) {
      const gone = new Set(result.deleted);
      for (const name of repoNames) {
        for (const digest of await repos.listBlobLinks(name)) {
          if (!gone.has(digest)) continue;
          await fs.rm(repos.paths.layerLink(name, digest), { force: true });
          result.linksRemoved++;
        }
      }
      await content.removeStaleIngests(0);
      await uploads.removeStale(0);
    }
    return result;
  } finally {
    await unlock();
  }
}
