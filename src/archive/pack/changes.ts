/**
 * `docker diff`: what a container's upper dir changed relative to its image's
 * layers, computed as Docker's archive.OverlayChanges does:
 *   - a whiteout (0:0 char device) at P             → P deleted (2)
 *   - P present in some lower layer                 → P modified (0), except a
 *     directory whose size, mode and mtime equal the lower one's (it is only
 *     in the upper dir because something below it changed)
 *   - otherwise                                     → P added (1)
 * and the parent of an added or deleted path is reported modified unless it
 * already was (or is "/"). Order: a pre-order walk with each directory's
 * children sorted by name, which is the order Docker returns. An opaque
 * directory is reported like any other directory (modified when it exists
 * below); its hidden lower contents are not listed.
 */
import { promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { isOverlayWhiteout } from "./upper-layer.js";

export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

export interface Change {
  Path: string;
  Kind: ChangeKind;
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(p); // Docker uses os.Stat here (follows links)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return undefined;
    throw e;
  }
}

/** `lowerDirs` are the image's layer dirs, top first or base first (only existence matters). */
export async function overlayChanges(upperDir: string, lowerDirs: readonly string[]): Promise<Change[]> {
  const changes: Change[] = [];
  const changedDirs = new Set<string>();

  const visit = async (rel: string, st: Stats): Promise<void> => {
    let kind: ChangeKind | undefined;
    if (isOverlayWhiteout(st)) kind = ChangeKind.Deleted;
    else {
      kind = ChangeKind.Added;
      for (const lower of lowerDirs) {
        const lst = await statOrUndefined(path.join(lower, rel));
        if (!lst) continue;
        if (lst.isDirectory() && st.isDirectory() && lst.size === st.size && lst.mode === st.mode && lst.mtimeMs === st.mtimeMs) {
          kind = undefined; // unchanged directory: only a parent of changes
        } else kind = ChangeKind.Modified;
        break;
      }
    }
    if (kind === undefined) return;
    if (st.isDirectory()) changedDirs.add(rel);
    if (kind === ChangeKind.Added || kind === ChangeKind.Deleted) {
      const parent = path.posix.dirname(rel);
      if (parent !== "/" && !changedDirs.has(parent)) {
        changes.push({ Path: parent, Kind: ChangeKind.Modified });
        changedDirs.add(parent);
      }
    }
    changes.push({ Path: rel, Kind: kind });
  };

  const walk = async (dirRel: string): Promise<void> => {
    const abs = path.join(upperDir, dirRel);
    for (const name of (await fs.readdir(abs)).sort()) {
      const rel = path.posix.join(dirRel, name);
      const st = await fs.lstat(path.join(upperDir, rel));
      await visit(rel, st);
      if (st.isDirectory()) await walk(rel);
    }
  };
  await walk("/");
  return changes;
}

/**
 * Drops the changes that only exist because the runtime created mount points
 * (/etc/hosts, /etc/hostname, /etc/resolv.conf): Docker keeps those in an init
 * layer below the container's, so `docker diff` never shows them — nor their
 * parent directory when nothing else below it changed.
 */
export function withoutMountPoints(changes: readonly Change[], mountPoints: readonly string[]): Change[] {
  const masked = new Set(mountPoints);
  const kept = changes.filter((c) => !(masked.has(c.Path) && c.Kind === ChangeKind.Added));
  const parents = new Set(mountPoints.map((m) => m.slice(0, m.lastIndexOf("/")) || "/"));
  return kept.filter((c) => {
    if (!parents.has(c.Path) || c.Kind !== ChangeKind.Modified) return true;
    return kept.some((o) => o.Path.startsWith(c.Path + "/"));
  });
}
