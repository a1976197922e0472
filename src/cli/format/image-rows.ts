/**
 * `images` and `history` columns as the docker CLI prints them (06 transcript):
 * one row per RepoTag, "<none>" for untagged images, 12-hex IDs, human sizes.
 */
import type { HistoryResponseItem, ImageSummary } from "../../apitypes/index.js";
import { humanSize, timeAgo } from "./human.js";
import { ellipsis, shortId } from "./container-rows.js";

export const IMAGES_DEFAULT_FORMAT = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
export const IMAGES_HEADERS: Record<string, string> = {
  Repository: "REPOSITORY",
  Tag: "TAG",
  ID: "IMAGE ID",
  Digest: "DIGEST",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  Size: "SIZE",
  Containers: "CONTAINERS",
};

export interface ImageRow {
  Repository: string;
  Tag: string;
  ID: string;
  Digest: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  Containers: string;
}

/** Splits "registry:5000/repo:tag" at the tag colon, not the port colon. */
export function splitRepoTag(ref: string): [string, string] {
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  if (colon > slash) return [ref.slice(0, colon), ref.slice(colon + 1)];
  return [ref, "<none>"];
}

export function toImageRows(image: ImageSummary, options: { truncate: boolean; now?: number }): ImageRow[] {
  const tags = (image.RepoTags ?? []).filter((t) => t !== "<none>:<none>");
  const base = {
    ID: options.truncate ? shortId(image.Id) : image.Id,
    Digest: (image.RepoDigests ?? [])[0]?.split("@")[1] ?? "<none>",
    CreatedSince: timeAgo(image.Created, options.now),
    CreatedAt: new Date(image.Created * 1000).toISOString(),
    Size: humanSize(image.Size),
    Containers: image.Containers >= 0 ? String(image.Containers) : "N/A",
  };
  if (tags.length === 0) return [{ Repository: "<none>", Tag: "<none>", ...base }];
  return tags.map((tag) => {
    const [Repository, Tag] = splitRepoTag(tag);
    return { Repository, Tag, ...base };
  });
}

export const HISTORY_DEFAULT_FORMAT = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
export const HISTORY_HEADERS: Record<string, string> = {
  ID: "IMAGE",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  CreatedBy: "CREATED BY",
  Size: "SIZE",
  Comment: "COMMENT",
};

export function toHistoryRow(item: HistoryResponseItem, options: { truncate: boolean; human: boolean; now?: number }) {
  const id = item.Id === "<missing>" || !options.truncate ? item.Id : shortId(item.Id);
  const createdBy = item.CreatedBy.replaceAll("\t", " ");
  return {
    ID: id,
    CreatedSince: options.human ? timeAgo(item.Created, options.now) : new Date(item.Created * 1000).toISOString(),
    CreatedAt: new Date(item.Created * 1000).toISOString(),
    CreatedBy: options.truncate ? ellipsis(createdBy, 45) : createdBy,
    Size: options.human ? humanSize(item.Size) : String(item.Size),
    Comment: item.Comment,
  };
}
