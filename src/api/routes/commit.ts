/**
 * POST /commit?container=&repo=&tag=&comment=&author=&pause=&changes= with an
 * optional container Config body → 201 {"Id": "sha256:…"}. The work is
 * commitContainer's (engine/containers/archive/commit-container.ts).
 */
import { commitContainer } from "../../engine/containers/archive/commit-container.js";
import type { ContainerService } from "../../engine/containers/container-service.js";
import type { ImageService } from "../../engine/images/image-service.js";
import { InvalidArgumentError } from "../../errors/index.js";
import type { LayerStore } from "../../store/snapshots/snapshotter.js";
import { readBody, sendJson } from "../http-io.js";
import type { Router } from "../router.js";

export interface CommitRouteDeps {
  containers: ContainerService;
  images: ImageService;
  layers: LayerStore;
  log?: (m: string) => void;
}

/** "repo" + "tag" → "repo:tag"; a repo with no tag is tagged latest by the image service. */
function refOf(repo: string, tag: string): string {
  if (!repo) {
    if (tag) throw new InvalidArgumentError("tag without a repository name");
    return "";
  }
  return tag ? `${repo}:${tag}` : repo;
}

/** The optional Config body: empty or `null` means none. */
function configBody(text: string): Record<string, unknown> {
  if (text.trim() === "" || text.trim() === "null") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`invalid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InvalidArgumentError("invalid JSON: expected an object");
  return v as Record<string, unknown>;
}

export function addCommitRoutes(r: Router, deps: CommitRouteDeps): void {
  r.add("POST", "/commit", async (ctx) => {
    const q = ctx.query;
    const container = q.str("container") ?? "";
    if (!container) throw new InvalidArgumentError("container is required");
    const body = configBody((await readBody(ctx.req)).toString("utf8"));
    const img = await commitContainer(deps, {
      container,
      ref: refOf(q.str("repo") ?? "", q.str("tag") ?? ""),
      comment: q.str("comment") ?? "",
      author: q.str("author") ?? "",
      pause: q.bool("pause", true),
      changes: q.all("changes").filter(Boolean),
      config: Object.keys(body).length > 0 ? body : undefined,
    });
    sendJson(ctx.res, 201, { Id: img.id });
  });
}
