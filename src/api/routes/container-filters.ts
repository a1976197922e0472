/**
 * GET /containers/json filters, as Docker applies them: status, name
 * (substring/regex on the name), id (prefix), label (key or key=value),
 * ancestor (image name or ID), exited (exit code), volume (volume name,
 * mount source or destination), health
 * (starting|healthy|unhealthy|none, from the health monitor).
 */
import { InvalidArgumentError } from "../../errors/index.js";
import type { ContainerRecord } from "../../engine/containers/types.js";
import type { ImageService } from "../../engine/images/image-service.js";
import { healthOf } from "../../engine/containers/health-monitor.js";

const KNOWN = new Set(["status", "name", "id", "label", "ancestor", "exited", "before", "since", "health", "network", "volume", "publish", "expose", "is-task", "isolation"]);
const HEALTH = new Set(["starting", "healthy", "unhealthy", "none"]);
const STATUSES = new Set(["created", "restarting", "running", "removing", "paused", "exited", "dead"]);

/** Rejects unknown filter keys and bad values before any container is looked at. */
export function validateContainerFilters(f: Record<string, string[]>): void {
  for (const [k, vals] of Object.entries(f)) {
    if (!KNOWN.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    if (k === "status") for (const v of vals) if (!STATUSES.has(v)) throw new InvalidArgumentError(`invalid filter 'status=${v}'`);
    if (k === "health") for (const v of vals) if (!HEALTH.has(v)) throw new InvalidArgumentError(`Unrecognised filter value for health: ${v}`);
    if (k === "exited") for (const v of vals) if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid filter 'exited=${v}'`);
  }
}

export async function matchesFilters(rec: ContainerRecord, f: Record<string, string[]>, images: ImageService): Promise<boolean> {
  for (const [k, vals] of Object.entries(f)) {
    if (!KNOWN.has(k)) throw new InvalidArgumentError(`invalid filter '${k}'`);
    if (vals.length === 0) continue;
    switch (k) {
      case "status":
        for (const v of vals) if (!STATUSES.has(v)) throw new InvalidArgumentError(`invalid filter 'status=${v}'`);
        if (!vals.includes(rec.state.status)) return false;
        break;
      case "name":
        if (!vals.some((v) => safeRegex(v).test(rec.name) || safeRegex(v).test("/" + rec.name))) return false;
        break;
      case "id":
        if (!vals.some((v) => rec.id.startsWith(v))) return false;
        break;
      case "label":
        if (!vals.every((v) => {
          const i = v.indexOf("=");
          return i < 0 ? v in rec.config.labels : rec.config.labels[v.slice(0, i)] === v.slice(i + 1);
        })) return false;
        break;
      case "exited": {
        const code = rec.state.status === "exited" ? rec.state.exitCode : undefined;
        if (code === undefined || !vals.some((v) => Number(v) === code)) return false;
        break;
      }
      case "health": {
        const h = healthOf(rec.id);
        if (!vals.includes(h && rec.config.healthcheck ? h.status : "none")) return false;
        break;
      }
      case "volume": {
        // Docker matches a mount's volume name, its source or its destination
        const mounts = rec.mountPoints ?? [...(rec.hostConfig.binds ?? []).map((b) => ({ source: b.split(":")[0], destination: b.split(":")[1], name: undefined as string | undefined })), ...rec.hostConfig.mounts];
        if (!vals.some((v) => mounts.some((m) => m.name === v || m.source === v || m.destination === v))) return false;
        break;
      }
      case "ancestor": {
        let ok = false;
        for (const v of vals) {
          const img = await images.get(v).catch(() => undefined);
          if ((img && img.id === rec.imageId) || rec.config.image === v) ok = true;
        }
        if (!ok) return false;
        break;
      }
      default:
        break;
    }
  }
  return true;
}

function safeRegex(v: string): RegExp {
  try {
    return new RegExp(v);
  } catch {
    return new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  }
}
