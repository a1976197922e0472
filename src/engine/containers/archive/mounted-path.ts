/**
 * Which of a container's bind or volume mounts a `docker cp` path lies on.
 *
 * The host-side root filesystem (running or temporarily mounted) is the
 * overlay alone: binds and volumes are mounted inside the container's own
 * mount namespace, so a path under one of them must be served from the
 * mount's host source instead, as Docker does by mounting the volumes into
 * its view for the copy (daemon/archive.go). The rest of the path is still
 * resolved with secureJoin, rooted at the mount source, so a symlink inside
 * the volume cannot lead out of it.
 */
import type { ContainerRecord } from "../types.js";
import { absPath } from "./container-path.js";

export interface MountedPath {
  /** The host directory that stands for the mount's destination. */
  root: string;
  /** The path below the destination ("/" for the destination itself), trailing "/." kept. */
  rest: string;
  readOnly: boolean;
  /** The volume's name when the mount is a volume. */
  volume?: string;
}

export function mountedPath(rec: ContainerRecord, p: string): MountedPath | undefined {
  const abs = absPath(p);
  let best: MountedPath | undefined;
  let bestLen = -1;
  for (const m of rec.mountPoints ?? []) {
    if ((m.type !== "volume" && m.type !== "bind") || !m.source) continue;
    const d = m.destination.replace(/\/+$/, "") || "/";
    if (d === "/") continue;
    if (abs !== d && !abs.startsWith(d + "/")) continue;
    if (d.length <= bestLen) continue;
    bestLen = d.length;
    best = { root: m.source, rest: abs.slice(d.length) || "/", readOnly: m.readOnly, ...(m.type === "volume" && m.name ? { volume: m.name } : {}) };
  }
  return best;
}
