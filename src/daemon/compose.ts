/**
 * The composition root: the one place that knows every piece. It builds the
 * stores, the runtime driver and the services, and hands them to the API.
 * Nothing else reaches for a global; every service gets what it uses through
 * its constructor.
 *
 * Data root layout:
 *   <dataRoot>/content/     content store (blobs by digest)
 *   <dataRoot>/layers/      unpacked layers and container snapshots
 *   <dataRoot>/image/       image records and tags
 *   <dataRoot>/containers/  container records, logs, /etc files, rootfs mount points
 *   <dataRoot>/build-cache/ build cache entries (step key → image ID)
 *   <dataRoot>/build-tmp/   build contexts and step mounts while a build runs (cleared at start)
 *   <dataRoot>/berthd.lock  one daemon per data root
 * Exec root (tmpfs, gone at reboot): bundles, exit files, runtime state, conmon sockets.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { Router } from "../api/router.js";
import { addArchiveRoutes } from "../api/routes/archive.js";
import { addAttachRoutes } from "../api/routes/attach.js";
import { addCommitRoutes } from "../api/routes/commit.js";
import { ContainerFiles } from "../engine/containers/archive/container-files.js";
import { addExecRoutes } from "../api/routes/exec.js";
import { ExecService } from "../engine/exec/exec-service.js";
import { addContainerRoutes } from "../api/routes/containers.js";
import { addImageRoutes } from "../api/routes/images.js";
import { addDistributionRoutes } from "../api/routes/distribution.js";
import { addSystemRoutes } from "../api/routes/system.js";
import { addEventRoutes } from "../api/routes/events.js";
import { addObserveRoutes } from "../api/routes/observe.js";
import { addPruneRoutes } from "../api/routes/prune.js";
import { addBuildRoutes } from "../api/routes/build.js";
import { BuildService } from "../engine/build/build-service.js";
import { EventBus, bridgeContainerEvents } from "../engine/events/index.js";
import { ContainerService } from "../engine/containers/container-service.js";
import { LocalImageService } from "../engine/images/local-image-service.js";
import { openRuntimeDriver, resolveUser } from "../runtime/index.js";
import type { RuntimeDriver } from "../runtime/runtime-driver.js";
import { LocalContentStore } from "../store/content/local-content-store.js";
import { ContainerStore } from "../store/metadata/container-store.js";
import { ImageMetadataStore } from "../store/metadata/image-metadata-store.js";
import { OverlayLayerStore } from "../store/snapshots/overlay-layer-store.js";
import { cgroupVersion } from "./host-facts.js";
import { homeOf } from "./user-home.js";
import type { DaemonConfig } from "./config.js";

export const BERTH_VERSION = "0.1.0";

export interface Daemon {
  router: Router;
  containers: ContainerService;
  close(): void;
}

export async function composeDaemon(cfg: DaemonConfig, log: (m: string) => void): Promise<Daemon> {
  const dataRoot = cfg.dataRoot;
  await fs.mkdir(dataRoot, { recursive: true, mode: 0o711 });
  await fs.mkdir(cfg.execRoot, { recursive: true, mode: 0o711 });

  const content = new LocalContentStore(path.join(dataRoot, "content"));
  const layers = new OverlayLayerStore(path.join(dataRoot, "layers"));
  await content.init();
  await layers.init();
  const metadata = await ImageMetadataStore.open(path.join(dataRoot, "image"));
  const store = new ContainerStore(path.join(dataRoot, "containers"));
  await store.load((id, err) => log(`skipping unreadable container record ${id}: ${err}`));

  const resolveUserWithHome = async (rootfs: string, user: string) => {
    const u = await resolveUser(rootfs, user);
    return { user: u, home: await homeOf(rootfs, u.uid) };
  };
  const runtime = await openRuntimeDriver({ execRoot: cfg.execRoot, runtime: cfg.runtime || undefined });
  const runtimes = new Map<string, RuntimeDriver>([[runtime.name, runtime]]);
  let containersRef: ContainerService | undefined;
  const images = new LocalImageService({
    content,
    layers,
    metadata,
    isImageInUse: (id: string) => containersRef!.isImageInUse(id),
  }, { insecureRegistries: cfg.insecureRegistries });
  const containers = new ContainerService({
    store,
    images,
    layers,
    runtimes,
    defaultRuntime: runtime.name,
    resolveUser: resolveUserWithHome,
    execRoot: cfg.execRoot,
    cgroupParent: cfg.cgroupParent,
    log,
  });
  containersRef = containers;
  // subscribed before reconcile so restarts at daemon start are recorded too
  const builds = new BuildService({
    containers,
    images,
    layers,
    workRoot: path.join(dataRoot, "build-tmp"),
    cacheDir: path.join(dataRoot, "build-cache"),
    isImageInUse: (id) => containers.isImageInUse(id),
    log,
  });
  await builds.init(); // before reconcile: unmounts step mounts a crashed build left over the snapshots reconcile removes
  const events = new EventBus(1000);
  bridgeContainerEvents(containers, events);
  await containers.reconcile();

  const router = new Router();
  addSystemRoutes(router, {
    version: BERTH_VERSION,
    dataRoot,
    execRoot: cfg.execRoot,
    defaultRuntime: runtime.name,
    runtimes: [...runtimes.keys()],
    cgroupVersion: await cgroupVersion(),
    insecureRegistries: cfg.insecureRegistries,
    counts: async () => {
      const all = containers.list();
      return {
        containers: all.length,
        running: all.filter((c) => c.state.status === "running").length,
        paused: all.filter((c) => c.state.status === "paused").length,
        stopped: all.filter((c) => c.state.status !== "running" && c.state.status !== "paused").length,
        images: (await images.list()).length,
      };
    },
  });
  addContainerRoutes(router, containers, images);
  addAttachRoutes(router, containers);
  addExecRoutes(router, new ExecService(containers, resolveUserWithHome));
  addImageRoutes(router, images);
  addArchiveRoutes(router, new ContainerFiles({ containers, layers, images, log }));
  addCommitRoutes(router, { containers, images, layers, log });
  addDistributionRoutes(router, images);
  addEventRoutes(router, { bus: events });
  addObserveRoutes(router, { containers, cgroupParent: cfg.cgroupParent });
  addPruneRoutes(router, { containers, images });
  addBuildRoutes(router, builds, log);
  return { router, containers, close: () => containers.close() };
}
