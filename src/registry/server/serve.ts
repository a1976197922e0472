/**
 * Starts `berth registry serve`: opens (or creates) the storage root, clears
 * what a crash may have left (ingest temp files, expired uploads), and serves
 * the router over node:http, or node:https when a certificate and key are
 * given. Uploads untouched for `uploadTtlMs` (default 24 h) are removed
 * hourly. `close()` stops accepting, ends idle connections and waits for the
 * server to close. The root is locked (<root>/berthd.lock, pid; a dead
 * owner's lock is taken over) for the server's lifetime; `berth registry gc`
 * may run alongside (see gc.ts for the rule that makes that safe). At start
 * the server also drops stale pending-manifest records and restores blobs a
 * crashed GC left in its trash.
 */
import { promises as fs, readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { LocalContentStore } from "../../store/content/local-content-store.js";
import { writeJsonAtomic, readJsonIfExists } from "../../durable/atomic-file.js";
import { lockDataRoot } from "../../daemon/data-root-lock.js";
import { FailedPreconditionError, InvalidArgumentError } from "../../errors/index.js";
import { AccessControl, loadHtpasswd, type PolicyRule } from "./access.js";
import { REGISTRY_LAYOUT_VERSION, RegistryPaths } from "./paths.js";
import { RepositoryStore } from "./repo-store.js";
import { UploadStore } from "./uploads.js";
import { createRouter } from "./router.js";
import { TokenIssuer, loadOrCreateSecret } from "./token.js";
import { restoreGcTrash } from "./gc-trash.js";
import type { RegistryStores } from "./handlers/context.js";

export interface RegistryOptions {
  root: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  tls?: { cert: string; key: string };
  readOnly?: boolean;
  /** htpasswd file (bcrypt, {SHA} or $apr1$ lines); enables authentication. */
  htpasswd?: string;
  /**
   * How clients prove who they are once htpasswd is set: "basic" (default,
   * Basic on every request) or "token" (Bearer tokens from this server's
   * GET /token, HMAC-signed with <root>/token-secret; see access.ts, token.ts).
   */
  auth?: "basic" | "token";
  /** Token mode: the `service` of challenges and tokens (default "berth-registry"). */
  tokenService?: string;
  /** Token mode: token lifetime in seconds (default 300). */
  tokenTtlSeconds?: number;
  /** Token mode: the realm URL in challenges (default <scheme>://<Host header>/token). */
  tokenRealm?: string;
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
  const mode = opts.auth ?? "basic";
  if (mode !== "basic" && mode !== "token") throw new InvalidArgumentError(`unknown auth mode ${JSON.stringify(mode)} (want basic or token)`);
  if (mode === "token" && !opts.htpasswd) throw new InvalidArgumentError("token auth needs an htpasswd file (the token endpoint checks its users)");
  const users = opts.htpasswd ? loadHtpasswd(opts.htpasswd) : undefined;
  const storage = await openRegistryStorage(opts.root);
  const tokens =
    mode === "token" ? new TokenIssuer(await loadOrCreateSecret(storage.paths.tokenSecretFile()), opts.tokenService ?? "berth-registry", opts.tokenTtlSeconds ?? 300) : undefined;
  const access = new AccessControl({ readOnly: opts.readOnly, users, rules: opts.policy, tokens, tokenRealm: opts.tokenRealm });
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

async function listen(opts: RegistryOptions, storage: RegistryStores & { paths: RegistryPaths }, access: AccessControl, unlock: () => Promise<void>): Promise<RunningRegistry> {
  const ttl = opts.uploadTtlMs ?? 24 * 3600 * 1000;
  // We hold the root: every ingest temp file is a crash leftover.
  await storage.content.removeStaleIngests(0);
  await storage.uploads.removeStale(ttl);
  // No manifest PUT is in flight yet; a crashed GC's trash may hold wanted blobs (gc.ts).
  await storage.repos.clearPending();
  await restoreGcTrash(storage.paths, storage.content);
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
  const url = `${opts.tls ? "https" : "http"}://${shownHost}:${port}`;
  access.publicUrl = url;
  return {
    url,
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
