/**
 * Filters of GET /volumes (dangling, name, label, driver) and POST
 * /volumes/prune (label, label!, all), as Docker's volume/service applies
 * them. Unknown keys and malformed values are a 400 before anything is read.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { VolumeRecord } from "../../store/volumes/volume-store.js";

const LIST_KEYS = new Set(["dangling", "name", "label", "driver"]);
const PRUNE_KEYS = new Set(["label", "label!", "all"]);

function boolValue(key: string, v: string): boolean {
  const l = v.toLowerCase();
  if (l === "true" || l === "1") return true;
  if (l === "false" || l === "0") return false;
  throw new InvalidArgumentError(`invalid filter '${key}=${v}'`);
}

export function validateListFilters(f: Record<string, string[]>): void {
  for (const [k, vals] of Object.entries(f)) {
    if (!LIST_KEYS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    if (k === "dangling") for (const v of vals) boolValue(k, v);
  }
}

/** The prune filters plus `all` (true → named volumes too). */
export function parsePruneFilters(f: Record<string, string[]>): { all: boolean } {
  for (const k of Object.keys(f)) if (!PRUNE_KEYS.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
  const all = f["all"] ?? [];
  if (all.length > 1) throw new InvalidArgumentError(`invalid filter 'all': only one value is allowed`);
  return { all: all.length === 1 && boolValue("all", all[0]!) };
}

function labelMatches(labels: Record<string, string>, spec: string): boolean {
  const i = spec.indexOf("=");
  return i < 0 ? spec in labels : labels[spec.slice(0, i)] === spec.slice(i + 1);
}

/** Docker's filters.Match: an exact value or a regular expression. */
function nameMatches(name: string, v: string): boolean {
  if (name === v) return true;
  try {
    return new RegExp(v).test(name);
  } catch {
    return name.includes(v);
  }
}

export function matchesList(rec: VolumeRecord, f: Record<string, string[]>, inUse: boolean): boolean {
  for (const [k, vals] of Object.entries(f)) {
    if (vals.length === 0) continue;
    if (k === "dangling" && !vals.some((v) => boolValue(k, v) === !inUse)) return false;
    if (k === "name" && !vals.some((v) => nameMatches(rec.name, v))) return false;
    if (k === "driver" && !vals.includes(rec.driver)) return false;
    if (k === "label" && !vals.every((v) => labelMatches(rec.labels, v))) return false;
  }
  return true;
}

export function matchesPrune(rec: VolumeRecord, f: Record<string, string[]>): boolean {
  for (const v of f["label"] ?? []) if (!labelMatches(rec.labels, v)) return false;
  for (const v of f["label!"] ?? []) if (labelMatches(rec.labels, v)) return false;
  return true;
}
