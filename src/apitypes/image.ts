/**
 * Image wire shapes: list (images), inspect, history, delete. Shapes and
 * nullability as dockerd 20.10 sends them (06-images.txt).
 */
import type { GraphDriverData } from "./common.js";
import type { ContainerConfig } from "./container.js";

/** v1.43.yaml#/definitions/ImageSummary — one element of GET /images/json. */
export interface ImageSummary {
  /** Image ID: "sha256:<config digest hex>". */
  Id: string;
  ParentId: string;
  /** ["busybox:local"]; null or [] when untagged (ps shows "<none>"). */
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  /** Unix seconds. */
  Created: number;
  Size: number;
  /** -1 unless computed (06 transcript). */
  SharedSize: number;
  /** Deprecated in 1.43 but still sent by 20.10 and read by older clients. */
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  /** -1 unless computed. */
  Containers: number;
}

/** v1.43.yaml#/definitions/ImageConfig — same fields as ContainerConfig in practice. */
export type ImageConfig = ContainerConfig;

/** v1.43.yaml#/definitions/ImageInspect — GET /images/{name}/json. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  /** RFC 3339 with nanoseconds. */
  Created: string;
  Container?: string;
  ContainerConfig?: ContainerConfig;
  DockerVersion: string;
  Author: string;
  Config: ImageConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  VirtualSize?: number;
  GraphDriver: GraphDriverData;
  RootFS: { Type: string; Layers?: string[] };
  Metadata?: { LastTagTime?: string };
}

/**
 * v1.43.yaml#/definitions/ImageHistoryResponseItem (the brief calls it HistoryResponseItem).
 * Layers that are not images themselves have Id "<missing>".
 */
export interface HistoryResponseItem {
  Id: string;
  /** Unix seconds. */
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}
export type ImageHistoryResponseItem = HistoryResponseItem;

/** v1.43.yaml#/definitions/ImageDeleteResponseItem — `[{"Untagged":"bb-copy:1"}]` (06 transcript). */
export interface ImageDeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}
