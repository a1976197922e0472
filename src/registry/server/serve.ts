/**
 * Starts `berth registry serve`: opens (or creates) the storage root, clears
 * what a crash may have left (ingest temp files, expired uploads), and serves
 * the router over node:http, or node:https when a certificate and key are
 * given. Uploads untouched for `uploadTtlMs` (default 24 h) are removed
 * hourly. `close()` stops accepting, ends idle connections and waits for the
 * server to close. The root is locked (<root>/berthd.lock, pid; a dead
 * owner's lock is taken over) for the server's lifetime: GC is offline-only.
 */
import { promises as fs, readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { LocalContentStore } from "../../store/content/local-content-store.js";
import { writeJsonAtomic, readJsonIfExists } from "../../durable/atomic-file.js";
import { lockDataRoot } from "../../daemon/data-root-lock.js";
import { FailedPreconditionError } from "../../errors/index.js";
import { AccessControl, loadHtpasswd, type PolicyRule } from "./access.js";
import { REGISTRY_LAYOUT_VERSION, RegistryPaths } from "./paths.js";
import { RepositoryStore } from "./repo-store.js";
import { UploadStore } from "./uploads.js";
import { createRouter } from "./router.js";
import type { RegistryStores } from "./handlers/context.js";

export interface RegistryOptions {
  root: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  tls?: { cert: string; key: string };
  readOnly?: boolean;
  /** htpasswd file ({SHA} or $apr1$ lines); enables Basic auth. */
  htpasswd?: string;
  /** Access rules (see access.ts); only meaningful with htpasswd. */
  policy?: PolicyRule[];
  uploadTtlMs?: number;
  onError?: (err: unknown) => void;
}

export interface RunningRegistry {
  /** "http://127.0.0.1:5000" (or https://). */
  url: string;
  host: string;
  port: number;
  stores: RegistryStores;
  close(): Promise<void>;
}

/** Opens the storage root and returns its stores (also used by GC). */
export async function openRegistryStorage(root: string): Promise<RegistryStores & { paths: RegistryPaths }> {
  const paths = new RegistryPaths(root);
  await fs.mkdir(paths.repositoriesDir(), { recursive: true });
  await fs.mkdir(paths.uploadsDir(), { recursive: true });
  const layout = await readJsonIfExists<{ version?: number }>(paths.layoutFile());
  if (layout && layout.version !== REGISTRY_LAYOUT_VERSION) {
    throw new Error(`registry root ${root} has layout version ${layout.version}, this berth reads ${REGISTRY_LAYOUT_VERSION}`);
  }
  if (!layout) await writeJsonAtomic(paths.layoutFile(), { version: REGISTRY_LAYOUT_VERSION });
  const content = new LocalContentStore(paths.contentRoot());
  await content.init();
  return { paths, content, repos: new RepositoryStore(paths, content), uploads: new UploadStore(paths, content) };
}

/** Roots served by this process (the pid lock file cannot tell two users in one process apart). */
const serving = new Set<string>();

export function isServedHere(root: string): boolean {
  return serving.has(path.resolve(root));
}

export async function startRegistry(opts: RegistryOptions): Promise<RunningRegistry> {
  if (isServedHere(opts.root)) throw new FailedPreconditionError(`registry root ${opts.root} is already served by this process`);
  const access = new AccessControl({
    readOnly: opts.readOnly,
    users: opts.htpasswd ? loadHtpasswd(opts.htpasswd) : undefined,
    rules: opts.policy,
  });
  const storage = await openRegistryStorage(opts.root);
  // One server per root (upload and manifest locks are in-process), and GC must see it.
  const unlock = await lockDataRoot(opts.root).catch((e: unknown) => {
    if (e instanceof FailedPreconditionError) throw new FailedPreconditionError(`registry root ${opts.root} is in use by another process`);
    throw e;
  });
  const key = path.resolve(opts.root);
  serving.add(key);
  const release = async () => {
    serving.delete(key);
    await unlock();
  };
  try {
    return await listen(opts, storage, access, release);
  } catch (e) {
    await release();
    throw e;
  }
}

async function listen(opts: RegistryOptions, storage: RegistryStores, access: AccessControl, unlock: () => Promise<void>): Promise<RunningRegistry> {
  const ttl = opts.uploadTtlMs ?? 24 * 3600 * 1000;
  // We hold the root: every ingest temp file is a crash leftover.
  await storage.content.removeStaleIngests(0);
  await storage.uploads.removeStale(ttl);
  const onError = opts.onError ?? ((err: unknown) => process.stderr.write(`registry: ${(err as Error)?.stack ?? String(err)}\n`));
  const handler = createRouter(storage, { access, onError: (err) => onError(err) });
  const server = opts.tls
    ? https.createServer({ cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) }, handler)
    : http.createServer(handler);
  server.requestTimeout = 0; // multi-GB layer uploads must not be cut off
  server.headersTimeout = 60_000;
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 5000, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const sweep = setInterval(() => void storage.uploads.removeStale(ttl).catch(onError), 3600 * 1000);
  sweep.unref();
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `${opts.tls ? "https" : "http"}://${shownHost}:${port}`,
    host,
    port,
    stores: storage,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(sweep);
        server.close((err) => void unlock().finally(() => (err ? reject(err) : resolve())));
        server.closeIdleConnections();
      }),
  };
}
