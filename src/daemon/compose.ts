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
 *   <dataRoot>/volumes/     volumes of the local driver (store/volumes/volume-store.ts)
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
import { addVolumeRoutes } from "../api/routes/volumes.js";
import { VolumeStore } from "../store/volumes/volume-store.js";
import { VolumeService } from "../engine/volumes/volume-service.js";
import { ContainerMounts, usesVolume } from "../engine/volumes/container-mounts.js";
import { bridgeVolumeEvents } from "../engine/events/index.js";
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
import { NetworkStore } from "../store/metadata/network-store.js";
import { NetworkService } from "../engine/networks/network-service.js";
import { ContainerNetworks } from "../engine/networks/container-networks.js";
import { DEFAULT_POOLS } from "../network/ipam.js";
import { addNetworkRoutes } from "../api/routes/networks.js";
import { containerNetView } from "./network-wiring.js";
import { NetworkDns } from "../engine/networks/network-dns.js";
import { homeOf } from "./user-home.js";
import type { DaemonConfig } from "./config.js";

export const BERTH_VERSION = "0.1.0";

export interface Daemon {
  router: Router;
  containers: ContainerService;
  close(): void | Promise<void>;
}

export async function composeDaemon(cfg: DaemonConfig, log: (m: string) => void): Promise<Daemon> {
  const dataRoot = cfg.dataRoot;
  await fs.mkdir(dataRoot, { recursive: true, mode: 0o711 });
  await fs.mkdir(cfg.execRoot, { recursive: true, mode: 0o711 });

  const content = new LocalContentStore(path.join(dataRoot, "content"), { cacheSmallBlobs: true });
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
  const volumeStore = new VolumeStore(path.join(dataRoot, "volumes"));
  await volumeStore.load((name, err) => log(`skipping unreadable volume record ${name}: ${err}`));
  const volumes = new VolumeService({
    store: volumeStore,
    usersOf: (name) => store.all().filter((c) => usesVolume(c, name)).map((c) => c.id),
    log,
  });
  const runtime = await openRuntimeDriver({ execRoot: cfg.execRoot, runtime: cfg.runtime || undefined });
  const runtimes = new Map<string, RuntimeDriver>([[runtime.name, runtime]]);
  const networks = new NetworkService(new NetworkStore(path.join(dataRoot, "networks")), {
    bridgeName: cfg.bridgeName,
    bridgePrefix: cfg.bridgePrefix,
    bip: cfg.bip,
    pools: cfg.addressPools.length ? cfg.addressPools : DEFAULT_POOLS,
    chainPrefix: cfg.iptablesChainPrefix,
  }, log);
  await networks.init();
  const sandboxes = new ContainerNetworks(networks, cfg.execRoot, log);
  await sandboxes.init((id) => {
    const st = store.get(id)?.state.status;
    return st === "running" || st === "paused";
  });
  let containersRef: ContainerService | undefined;
  const dns = new NetworkDns(networks, sandboxes, (id) => {
    const r = store.get(id);
    return r && { name: r.name.replace(/^\//, ""), dns: r.hostConfig.dns ?? [] };
  }, log);
  const rulesChanged = networks.hooks!.changed;
  networks.hooks!.changed = async () => {
    await rulesChanged();
    await dns.sync();
  };
  await dns.sync();
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
    mounts: new ContainerMounts(volumes, log),
    defaultRuntime: runtime.name,
    resolveUser: resolveUserWithHome,
    execRoot: cfg.execRoot,
    cgroupParent: cfg.cgroupParent,
    log,
    network: sandboxes,
  });
  containersRef = containers;
  sandboxes.onLiveChange = (id, change) => containers.applyLiveNetworkChange(id, change);
  // subscribed before reconcile so restarts at daemon start are recorded too
  const builds = new BuildService({
    containers,
    sandboxes,
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
  networks.onEvent = (action, n, containerId) =>
    void events.publish({ type: "network", action, actorId: n.id, attributes: { name: n.name, type: n.driver, ...(containerId ? { container: containerId } : {}) } });
  bridgeVolumeEvents(volumes, events);
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
  addNetworkRoutes(router, { networks, sandboxes, containers });
  addContainerRoutes(router, containers, images, (rec) => containerNetView(rec, networks, sandboxes));
  addAttachRoutes(router, containers);
  addExecRoutes(router, new ExecService(containers, resolveUserWithHome));
  addImageRoutes(router, images);
  addArchiveRoutes(router, new ContainerFiles({ containers, layers, images, log, borrowVolume: (name) => volumes.borrow(name) }));
  addCommitRoutes(router, { containers, images, layers, log });
  addDistributionRoutes(router, images);
  addEventRoutes(router, { bus: events });
  addObserveRoutes(router, { containers, cgroupParent: cfg.cgroupParent });
  addVolumeRoutes(router, volumes);
  addPruneRoutes(router, { containers, images, volumes });
  addBuildRoutes(router, builds, log);
  return {
    router,
    containers,
    close: async () => {
      await containers.close();
      await dns.close();
      await sandboxes.close();
    },
  };
}
