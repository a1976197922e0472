/**
 * docker commit, container side (POST /commit).
 *
 * 1. Pause a running container unless asked not to (Docker's default), so
 *    its processes cannot write while the upper dir is read; unpause after,
 *    whatever happens.
 * 2. Under the container's lock (no start/exit/rm meanwhile), stream the
 *    upper dir as an OCI layer tar (archive/pack/upper-layer.ts: overlay
 *    whiteouts → `.wh.` entries) into ImageService.commitLayer.
 * 3. The new run config is Docker's: the container's config (which already
 *    carries what it inherited from its image), then the request body's
 *    Config fields, then the `--change` instructions.
 */
import { healthcheckToWire } from "../health-config.js";
import { NotImplementedError } from "../../../errors/index.js";
import { tagKeyFor } from "../../images/local-image.js";
import { packUpperDir } from "../../../archive/pack/upper-layer.js";
import { RUNTIME_MOUNT_POINTS } from "./mount-points.js";
import type { LayerStore } from "../../../store/snapshots/snapshotter.js";
import { applyChanges } from "../../images/change-instructions.js";
import type { Image, ImageRunConfig, ImageService } from "../../images/image-service.js";
import type { ContainerService } from "../container-service.js";
import type { ContainerRecord } from "../types.js";

export interface CommitRequest {
  container: string;
  /** "repo[:tag]" or "" for an untagged image. */
  ref: string;
  comment: string;
  author: string;
  pause: boolean;
  changes: string[];
  /** The request body's Config (Docker's container config shape), if any. */
  config?: Record<string, unknown>;
}

const BODY_FIELDS = ["User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "Volumes", "WorkingDir", "Labels", "StopSignal", "Healthcheck", "OnBuild", "Shell"] as const;

export function runConfigOf(rec: ContainerRecord, image: Image, body: Record<string, unknown> | undefined, changes: string[]): ImageRunConfig {
  const c = rec.config;
  const base: ImageRunConfig = {
    ...(image.config.config ?? {}),
    User: c.user,
    ExposedPorts: c.exposedPorts,
    Env: c.env,
    Entrypoint: c.entrypoint,
    Cmd: c.cmd,
    WorkingDir: c.workingDir,
    Labels: c.labels,
    ...(c.volumes ? { Volumes: c.volumes } : {}),
    ...(c.stopSignal ? { StopSignal: c.stopSignal } : {}),
    ...(c.healthcheck ? { Healthcheck: healthcheckToWire(c.healthcheck) } : {}),
  };
  for (const k of BODY_FIELDS) {
    const v = body?.[k];
    if (v !== undefined && v !== null) (base as Record<string, unknown>)[k] = v;
  }
  return applyChanges(base, changes);
}

export async function commitContainer(
  d: { containers: ContainerService; images: ImageService; layers: LayerStore; log?: (m: string) => void },
  req: CommitRequest,
): Promise<Image> {
  const { containers, images, layers } = d;
  if (!images.commitLayer) throw new NotImplementedError("this image service cannot commit");
  const rec = containers.get(req.container);
  const image = await images.get(rec.imageId);
  const config = runConfigOf(rec, image, req.config, req.changes); // refuses bad --change before pausing
  tagKeyFor(req.ref); // a bad name or a digest reference is refused before pausing, too
  const pauseIt = req.pause && rec.state.status === "running";
  if (pauseIt) await containers.pause(rec.id);
  try {
    const img = await containers.withLock(rec.id, async () => {
      const cur = containers.get(rec.id);
      return images.commitLayer!(packUpperDir(layers.upperDir(rec.id), new Set(RUNTIME_MOUNT_POINTS.map((m) => m.slice(1)))), {
        parentImageId: cur.imageId,
        config,
        comment: req.comment,
        author: req.author,
        createdBy: (cur.config.cmd ?? []).join(" "),
        containerId: cur.id,
        ref: req.ref,
      });
    });
    containers.events.emit("event", { type: "container", action: "commit", id: rec.id });
    return img;
  } finally {
    if (pauseIt) await containers.unpause(rec.id).catch((e) => d.log?.(`unpause ${rec.id} after commit: ${e}`));
  }
}
