/**
 * Prune and disk usage (docker container/image/system prune, system df),
 * following moby's daemon/prune.go and daemon/disk_usage.go.
 *
 *  - containers: every container that is not running or paused, filtered by
 *    `until` (created before) and `label` / `label!`. SpaceReclaimed is the
 *    sum of their writable layers, measured before removal.
 *  - images: with dangling=true (the default) images without any tag;
 *    with dangling=false every image. Images a container uses (any state) are
 *    kept. Tagged images are untagged name by name, the last untag deleting
 *    the image, as moby does. SpaceReclaimed counts deleted images' sizes.
 * A removal that fails (a container started meanwhile, an image that became
 * a parent) is skipped, not fatal: prune is best effort, like Docker's.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { ContainerRecord } from "../containers/types.js";
import type { Image, RemoveResult } from "../images/image-service.js";

export interface PruneContainers {
  list(): ContainerRecord[];
  remove(ref: string, opts?: { force?: boolean }): Promise<void>;
  sizes(id: string): Promise<{ sizeRw: number; sizeRootFs: number }>;
}

export interface PruneImages {
  list(opts?: { all?: boolean; filters?: Record<string, string[]> }): Promise<Image[]>;
  remove(ref: string, opts: { force?: boolean; noPrune?: boolean }): Promise<RemoveResult[]>;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** moby's timetypes.GetTimestamp: unix seconds, a Go duration before now ("24h", "1h30m"), or an RFC 3339 date → ms since epoch. */
export function parseUntil(v: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v)) {
    let ms = 0;
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
    return now - ms;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`failed to parse value as time or duration: "${v}"`);
  return t;
}

/** label=k, label=k=v (all must match) and label!=k, label!=k=v (none may match). */
export function matchesLabelFilters(labels: Record<string, string>, f: Record<string, string[]>): boolean {
  const has = (v: string) => {
    const i = v.indexOf("=");
    return i < 0 ? v in labels : labels[v.slice(0, i)] === v.slice(i + 1);
  };
  return (f["label"] ?? []).every(has) && !(f["label!"] ?? []).some(has);
}

function checkKeys(f: Record<string, string[]>, known: string[]): void {
  for (const k of Object.keys(f)) if (!known.includes(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
}

export async function pruneContainers(svc: PruneContainers, f: Record<string, string[]>): Promise<{ deleted: string[]; spaceReclaimed: number }> {
  checkKeys(f, ["until", "label", "label!"]);
  const until = f["until"]?.length ? Math.min(...f["until"].map((v) => parseUntil(v))) : undefined;
  const deleted: string[] = [];
  let spaceReclaimed = 0;
  for (const rec of svc.list()) {
    if (rec.state.status === "running" || rec.state.status === "paused") continue;
    if (until !== undefined && !(Date.parse(rec.created) < until)) continue;
    if (!matchesLabelFilters(rec.config.labels, f)) continue;
    const size = (await svc.sizes(rec.id).catch(() => ({ sizeRw: 0 }))).sizeRw;
    try {
      await svc.remove(rec.id);
    } catch {
      continue;
    }
    deleted.push(rec.id);
    spaceReclaimed += size;
  }
  return { deleted, spaceReclaimed };
}

export async function pruneImages(images: PruneImages, usedImageIds: Set<string>, f: Record<string, string[]>): Promise<{ deleted: RemoveResult[]; spaceReclaimed: number }> {
  checkKeys(f, ["dangling", "until", "label", "label!"]);
  const d = f["dangling"]?.[0] ?? "true";
  if (!["true", "false", "1", "0"].includes(d)) throw new InvalidArgumentError(`invalid filter 'dangling=${d}'`);
  const danglingOnly = d === "true" || d === "1";
  const until = f["until"]?.length ? Math.min(...f["until"].map((v) => parseUntil(v))) : undefined;
  const deleted: RemoveResult[] = [];
  let spaceReclaimed = 0;
  for (const img of await images.list({ all: true })) {
    if (usedImageIds.has(img.id)) continue;
    if (danglingOnly && img.repoTags.length > 0) continue;
    if (until !== undefined && !(img.created.getTime() < until)) continue;
    if (!matchesLabelFilters(img.config.config?.Labels ?? {}, f)) continue;
    try {
      const refs = img.repoTags.length > 0 ? img.repoTags : [img.id];
      for (const ref of refs) deleted.push(...(await images.remove(ref, {})));
      if (img.repoTags.length === 0 || deleted.some((r) => r.Deleted === img.id)) spaceReclaimed += img.size;
    } catch {
      continue;
    }
  }
  return { deleted, spaceReclaimed };
}
