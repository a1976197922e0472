/**
 * Volume records → Docker's Volume object (v1.43.yaml "Volume"; transcript
 * 08: {"CreatedAt","Driver","Labels","Mountpoint","Name","Options","Scope"},
 * Labels and Options null when empty, CreatedAt in RFC 3339 seconds).
 * UsageData appears only in /system/df ({Size, RefCount}).
 */
import type { VolumeRecord } from "../store/volumes/volume-store.js";

export function toApiVolume(rec: VolumeRecord, mountpoint: string, usage?: { size: number; refCount: number }) {
  return {
    CreatedAt: rec.createdAt.replace(/\.\d+Z$/, "Z"),
    Driver: rec.driver,
    Labels: Object.keys(rec.labels).length ? rec.labels : null,
    Mountpoint: mountpoint,
    Name: rec.name,
    Options: Object.keys(rec.options).length ? rec.options : null,
    Scope: "local",
    ...(usage ? { UsageData: { Size: usage.size, RefCount: usage.refCount } } : {}),
  };
}
