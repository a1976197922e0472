/**
 * GET /events filters and time bounds, as moby applies them
 * (daemon/events/filter.go): values of one key are OR-ed, keys are AND-ed.
 *  - type:       the object kind
 *  - event / action: the action; "exec_start: sh" matches "exec_start" (Docker
 *                matches the part before ": ")
 *  - container:  ID prefix or name prefix of a container event's actor (fuzzy, like moby)
 *  - image:      the image attribute of container events, or the image's own
 *                ID/name for image events; "busybox" also matches "busybox:latest"
 *  - label:      "key" or "key=value" among the attributes (containers carry their labels)
 *  - network, volume, daemon, scope, … are accepted and match their own object types.
 * since/until are unix seconds with an optional fraction ("1795775105.5"),
 * turned into nanoseconds here so they compare exactly with timeNano.
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { EngineEvent } from "./types.js";

const KNOWN = new Set(["type", "event", "action", "container", "image", "label", "network", "volume", "daemon", "scope", "plugin", "node", "service", "config", "secret"]);

export type EventFilters = Record<string, string[]>;

export function validateEventFilters(f: EventFilters): void {
  for (const k of Object.keys(f)) if (!KNOWN.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
}

/** "1795775105" / "1795775105.25" → ns; undefined for "" or absent. */
export function parseEventTime(v: string | undefined, name: string): bigint | undefined {
  if (v === undefined || v === "") return undefined;
  const m = /^(-?\d+)(?:\.(\d{1,9})\d*)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`invalid value for "${name}": ${JSON.stringify(v)}: must be a unix timestamp`);
  const frac = (m[2] ?? "").padEnd(9, "0");
  return BigInt(m[1]!) * 1_000_000_000n + BigInt(frac || "0");
}

function fuzzy(values: string[], candidates: Array<string | undefined>): boolean {
  return values.some((v) => candidates.some((c) => c !== undefined && c !== "" && c.startsWith(v)));
}

function withoutLatest(s: string): string {
  return s.endsWith(":latest") ? s.slice(0, -":latest".length) : s;
}

function matchImage(values: string[], e: EngineEvent): boolean {
  const names = e.type === "image" ? [e.actorId, e.attributes["name"]] : [e.attributes["image"]];
  return values.some((v) => names.some((n) => n !== undefined && (n === v || withoutLatest(n) === withoutLatest(v) || (v.length >= 12 && n.replace(/^sha256:/, "").startsWith(v.replace(/^sha256:/, ""))))));
}

function matchLabel(values: string[], attrs: Record<string, string>): boolean {
  return values.every((v) => {
    const i = v.indexOf("=");
    return i < 0 ? v in attrs : attrs[v.slice(0, i)] === v.slice(i + 1);
  });
}

export function matchesEvent(e: EngineEvent, f: EventFilters): boolean {
  for (const [k, vals] of Object.entries(f)) {
    if (vals.length === 0) continue;
    switch (k) {
      case "type":
        if (!vals.includes(e.type)) return false;
        break;
      case "event":
      case "action": {
        const action = e.action.split(": ")[0]!;
        if (!vals.includes(e.action) && !vals.includes(action)) return false;
        break;
      }
      case "container":
        if (e.type !== "container" || !fuzzy(vals, [e.actorId, e.attributes["name"]])) return false;
        break;
      case "image":
        if (!matchImage(vals, e)) return false;
        break;
      case "label":
        if (!matchLabel(vals, e.attributes)) return false;
        break;
      case "network":
      case "volume":
        if (e.type !== k || !fuzzy(vals, [e.actorId, e.attributes["name"]])) return false;
        break;
      case "scope":
        if (!vals.includes("local")) return false;
        break;
      default:
        // daemon, plugin, node, service, config, secret: objects berth never emits events for
        if (e.type !== k) return false;
    }
  }
  return true;
}

/** since ≤ time ≤ until, both optional (Docker's bounds are inclusive). */
export function inTimeRange(e: EngineEvent, since: bigint | undefined, until: bigint | undefined): boolean {
  if (since !== undefined && e.timeNano < since) return false;
  if (until !== undefined && e.timeNano > until) return false;
  return true;
}
