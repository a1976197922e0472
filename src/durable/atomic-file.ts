/**
 * Crash-safe file writes: write a temporary file in the same directory, fsync
 * it, rename it over the target, fsync the directory (containerd
 * pkg/atomicfile). After writeFileAtomic resolves, a kill -9 or power loss
 * leaves either the old or the new content, never a torn file. With
 * `{ deferSync }` the fsyncs are left to that batch's syncfs (deferred-sync.ts).
 */
import { promises as fs, constants } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { DeferredSync, type SyncOptions } from "./deferred-sync.js";

export async function fsyncDir(dir: string, o?: SyncOptions): Promise<void> {
  if (DeferredSync.defer(o)) return; // the batch's syncfs covers it (deferred-sync.ts)
  const fh = await fs.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644, o?: SyncOptions): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.tmp-${path.basename(file)}-${randomBytes(6).toString("hex")}`);
  const fh = await fs.open(tmp, "w", mode);
  try {
    await fh.writeFile(data);
    if (!DeferredSync.defer(o)) await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir, o);
}

export async function writeJsonAtomic(file: string, value: unknown, o?: SyncOptions): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value), 0o644, o);
}

/** Reads a JSON file; undefined when it does not exist. */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}
