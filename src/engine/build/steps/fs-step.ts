/**
 * A filesystem step without a container (COPY, ADD, WORKDIR): a snapshot of
 * its own on top of the current image, mounted in a private directory,
 * changed by `work`, unmounted; its upper dir's changes (step-layer.ts)
 * become the step's layer — or no layer when nothing changed. The snapshot
 * and the mount are removed whatever happens. The layer store adopts the
 * upper dir as the layer (adoptSnapshot) rather than unpacking the tar again.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Image } from "../../images/image-service.js";
import type { BuildDeps } from "../build-deps.js";
import { changedPaths, packChanges } from "./step-layer.js";
import type { Readable } from "node:stream";
import { LayerTarWriter } from "./layer-tar-writer.js";

/** Step phase timings in the daemon log when BERTH_BUILD_TIMING is set (for bench/build.ts investigations). */
export function timer(d: BuildDeps): (what: string) => void {
  if (!process.env["BERTH_BUILD_TIMING"]) return () => {};
  let t = Date.now();
  return (what) => {
    d.log?.(`build timing: ${what} ${Date.now() - t} ms`);
    t = Date.now();
  };
}

export async function lowerDirsOf(d: BuildDeps, topChainId: string | null): Promise<string[]> {
  if (!topChainId) return [];
  return (await d.layers.chain(topChainId)).reverse().map((c) => d.layers.layerDir(c));
}

/**
 * Runs `work(root)` on a mounted snapshot of `base` (null = empty rootfs),
 * then hands the layer (undefined when nothing changed) to `commit` while the
 * snapshot still exists.
 */
export async function withFsStep<T>(
  d: BuildDeps,
  base: Image | null,
  work: (root: string) => Promise<void>,
  commit: (layer: Readable | undefined, snapshotKey: string) => Promise<T>,
): Promise<T> {
  const key = `build-${randomBytes(16).toString("hex")}`;
  const target = path.join(d.workRoot, "mnt", key);
  const topChainId = base?.topChainId ?? null;
  const tm = timer(d);
  await d.layers.prepare(key, topChainId);
  let mounted = false;
  try {
    await d.layers.mount(key, target);
    mounted = true;
    tm("prepare+mount");
    await work(target);
    tm("work");
    await d.layers.unmount(target);
    mounted = false;
    const upper = d.layers.upperDir(key);
    const keep = await changedPaths(upper, await lowerDirsOf(d, topChainId), new Set());
    tm("unmount+changes");
    const r = await commit(keep.size > 0 ? packChanges(upper, keep) : undefined, key);
    tm("commit");
    return r;
  } finally {
    if (mounted) await d.layers.unmount(target).catch((e) => d.log?.(`build: unmount ${target}: ${e}`));
    await fs.rmdir(target).catch(() => {});
    await d.layers.remove(key).catch((e) => d.log?.(`build: remove snapshot ${key}: ${e}`));
  }
}

/**
 * Like withFsStep, but `work` writes the layer tar itself while it changes
 * the root (COPY: layer-tar-writer.ts); `commit` starts consuming that tar
 * right away. The tar ends only after the snapshot is unmounted, so the layer
 * store adopts a quiet upper dir.
 */
export async function withStreamingFsStep<T>(
  d: BuildDeps,
  base: Image | null,
  work: (root: string, tar: LayerTarWriter) => Promise<void>,
  commit: (layer: Readable, snapshotKey: string) => Promise<T>,
): Promise<T> {
  const key = `build-${randomBytes(16).toString("hex")}`;
  const target = path.join(d.workRoot, "mnt", key);
  await d.layers.prepare(key, base?.topChainId ?? null);
  let mounted = false;
  const tar = new LayerTarWriter(target);
  let committing: Promise<T> | undefined;
  try {
    await d.layers.mount(key, target);
    mounted = true;
    committing = commit(tar.readable, key);
    committing.catch(() => {}); // awaited below; a failure of work() must not leave it unhandled
    await work(target, tar);
    await d.layers.unmount(target);
    mounted = false;
    tar.finalize();
    return await committing;
  } catch (e) {
    tar.destroy(e as Error);
    await committing?.catch(() => {});
    throw e;
  } finally {
    if (mounted) await d.layers.unmount(target).catch((e) => d.log?.(`build: unmount ${target}: ${e}`));
    await fs.rmdir(target).catch(() => {});
    await d.layers.remove(key).catch((e) => d.log?.(`build: remove snapshot ${key}: ${e}`));
  }
}
