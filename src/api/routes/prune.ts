/**
 * Disk usage and pruning: GET /system/df, POST /containers/prune,
 * POST /images/prune, and empty answers for the objects berth does not have
 * yet (networks, build cache) so `docker system prune -f` runs end
 * to end. When networks land, their service registers its own
 * prune route *before* these (the router takes the first match) or replace
 * these lines in compose.ts. Volumes prune in volumes.ts.
 *
 * Wire shapes (v1.43.yaml): SystemDataUsageResponse {LayersSize, Images
 * (ImageSummary with Containers = how many containers use it, SharedSize 0),
 * Containers (ContainerSummary with SizeRw/SizeRootFs), Volumes, BuildCache};
 * ContainerPruneResponse {ContainersDeleted, SpaceReclaimed};
 * ImagePruneResponse {ImagesDeleted: [{Untagged}|{Deleted}], SpaceReclaimed}.
 * Docker answers null, not [], when nothing was deleted.
 */
import type { ContainerService } from "../../engine/containers/container-service.js";
import type { ImageService } from "../../engine/images/image-service.js";
import { pruneContainers, pruneImages } from "../../engine/observe/prune.js";
import { bindsOf, toSummary } from "../container-view.js";
import { sendJson } from "../http-io.js";
import type { Router } from "../router.js";
import { toImageSummary } from "./images.js";
import type { VolumeService } from "../../engine/volumes/volume-service.js";
import { usesVolume } from "../../engine/volumes/container-mounts.js";
import { toApiVolume } from "../volume-view.js";

export interface PruneRouteDeps {
  containers: ContainerService;
  images: ImageService;
  /** Volumes for df (with Size and RefCount); their prune route lives in volumes.ts. */
  volumes?: VolumeService;
}


export function addPruneRoutes(r: Router, deps: PruneRouteDeps): void {
  const { containers, images } = deps;

  r.add("GET", "/system/df", async (ctx) => {
    const recs = containers.list();
    const users = new Map<string, number>();
    for (const rec of recs) users.set(rec.imageId, (users.get(rec.imageId) ?? 0) + 1);
    const imgs = await images.list({ all: true });
    const containerRows = [];
    for (const rec of recs) {
      const s = await containers.sizes(rec.id).catch(() => ({ sizeRw: 0, sizeRootFs: 0 }));
      containerRows.push(toSummary(rec, { binds: bindsOf(rec), sizeRw: s.sizeRw, sizeRootFs: s.sizeRootFs }));
    }
    const volumeRows = [];
    for (const v of deps.volumes?.list() ?? []) {
      const refCount = recs.filter((c) => usesVolume(c, v.name)).length;
      volumeRows.push(toApiVolume(v, deps.volumes!.mountpoint(v.name), { size: await deps.volumes!.size(v.name), refCount }));
    }
    sendJson(ctx.res, 200, {
      LayersSize: imgs.reduce((a, i) => a + i.size, 0),
      Images: imgs.map((i) => ({ ...toImageSummary(i), SharedSize: 0, Containers: users.get(i.id) ?? 0 })),
      Containers: containerRows,
      Volumes: volumeRows,
      BuildCache: [],
    });
  });

  r.add("POST", "/containers/prune", async (ctx) => {
    const r = await pruneContainers(containers, ctx.query.filters());
    sendJson(ctx.res, 200, { ContainersDeleted: r.deleted.length ? r.deleted : null, SpaceReclaimed: r.spaceReclaimed });
  });

  r.add("POST", "/images/prune", async (ctx) => {
    const used = new Set(containers.list().map((c) => c.imageId));
    const r = await pruneImages(images, used, ctx.query.filters());
    sendJson(ctx.res, 200, { ImagesDeleted: r.deleted.length ? r.deleted : null, SpaceReclaimed: r.spaceReclaimed });
  });

  r.add("POST", "/networks/prune", (ctx) => sendJson(ctx.res, 200, { NetworksDeleted: null }));
  // POST /build/prune is the build service's (routes/build.ts)
}
