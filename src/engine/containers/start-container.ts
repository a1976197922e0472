/**
 * The steps of one container start, in order:
 *   mount the root filesystem (overlay of the image's layers + the container's upper dir)
 *   → write /etc/hostname, /etc/hosts, /etc/resolv.conf
 *   → resolve the user inside the rootfs, create the working dir (inside the rootfs, never through a symlink to the host)
 *   → check and prepare mount sources (volumes: mount, populate from the image)
 *   → write the OCI bundle → conmon + `runtime create` → hook (stdin attach) → `runtime start`.
 * Failures are thrown; the caller cleans up and records the exit.
 */
import { promises as fs } from "node:fs";
import { InvalidArgumentError } from "../../errors/index.js";
import type { ContainerUser, CreateOptions, RuntimeDriver } from "../../runtime/runtime-driver.js";
import type { LayerStore } from "../../store/snapshots/snapshotter.js";
import { mkdirInRoot } from "../../sys/secure-join.js";
import { trace } from "../../sys/trace.js";
import { writeEtcFiles } from "./etc-files.js";
import { parseBind } from "./mount-parse.js";
import { buildSpecInput } from "./spec-input.js";
import type { ContainerRecord, MountSpec } from "./types.js";
import type { NetworkSetup } from "../networks/types.js";

export interface StartArgs {
  rec: ContainerRecord;
  runtime: RuntimeDriver;
  layers: LayerStore;
  opts: CreateOptions;
  rootfs: string;
  containerDir: string;
  resolveUser: (rootfs: string, user: string) => Promise<{ user: ContainerUser; home: string }>;
  cgroupParent: string;
  /** Mounts the container's volumes and fills their sources (engine/volumes/container-mounts.ts). */
  setupVolumes?: (mounts: MountSpec[], rootfs: string) => Promise<void>;
  beforeStart: () => Promise<void>;
  /** Builds the container's network sandbox (the caller tears it down if the start fails). */
  setUpNetwork?: () => Promise<NetworkSetup>;
}

export async function userMounts(rec: ContainerRecord): Promise<MountSpec[]> {
  // copies: volume sources are filled in per start
  const mounts: MountSpec[] = (rec.mountPoints ?? [...(rec.hostConfig.binds ?? []).map(parseBind), ...rec.hostConfig.mounts]).map((m) => ({ ...m }));
  const seen = new Set<string>();
  for (const m of mounts) {
    if (seen.has(m.destination)) throw new InvalidArgumentError(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
    if (m.type !== "bind") continue;
    try {
      await fs.stat(m.source);
    } catch {
      // -v creates a missing host directory (Docker's legacy behaviour); --mount refuses.
      if (m.fromBinds) await fs.mkdir(m.source, { recursive: true });
      else throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
    }
  }
  return mounts;
}

export async function startContainer(a: StartArgs): Promise<{ pid: number }> {
  const { rec, runtime, opts } = a;
  const mounts = await userMounts(rec);
  trace("start: mount");
  // The overlay mount (a mount(8) process) runs while the network sandbox is set up and the /etc
  // files are written: neither reads the root filesystem.
  const mounting = a.layers.mount(rec.id, a.rootfs);
  mounting.catch(() => {}); // awaited below
  const hostNetwork = rec.hostConfig.networkMode === "host";
  let net: NetworkSetup;
  let etc: Awaited<ReturnType<typeof writeEtcFiles>>;
  try {
    net = a.setUpNetwork ? await a.setUpNetwork() : { addresses: [], aliases: [] };
    net.ready?.catch(() => {}); // awaited below; a failure before then must not be an unhandled rejection
    trace("start: network set up");
    etc = net.shared ?? await writeEtcFiles(a.containerDir, {
      hostname: rec.config.hostname || rec.id.slice(0, 12),
      hostNetwork,
      extraHosts: rec.hostConfig.extraHosts ?? [],
      dns: rec.hostConfig.dns ?? [],
      dnsSearch: rec.hostConfig.dnsSearch,
      dnsOptions: rec.hostConfig.dnsOptions,
      addresses: net.addresses,
      aliases: net.aliases,
      embeddedDns: net.embeddedDns,
      hostGatewayIp: net.gateway,
    });
    trace("start: etc files written");
  } catch (e) {
    // the caller unmounts on failure: the mount must have settled by then; its error (it came first) wins
    await mounting;
    throw e;
  }
  await mounting;
  trace("start: mounted");
  await a.setupVolumes?.(mounts, a.rootfs);
  const { user, home } = await a.resolveUser(a.rootfs, rec.config.user);
  trace("start: user resolved");
  if (rec.config.workingDir) {
    const dir = await mkdirInRoot(a.rootfs, rec.config.workingDir);
    if (user.uid !== 0) await fs.chown(dir, user.uid, user.gid).catch(() => {});
  }
  // mount points for the /etc files and user mounts must exist in the rootfs (runc creates them too,
  // but creating them here keeps symlinks inside the container from pointing the mount at the host)
  // container:ID shares that container's hostname too (Docker copies it at start)
  const specRec = net.shared ? { ...rec, config: { ...rec.config, hostname: net.shared.hostname } } : rec;
  const input = buildSpecInput({ rec: specRec, rootfs: a.rootfs, etc, user, home, mounts, cgroupParent: a.cgroupParent, netnsPath: net.nsPath });
  await fs.mkdir(opts.bundleDir, { recursive: true });
  await fs.mkdir(opts.stateDir, { recursive: true });
  await runtime.writeBundle(opts.bundleDir, input);
  trace("start: bundle written");
  await net.ready;
  trace("start: network ready");
  const { pid } = await runtime.create(opts);
  trace("start: created");
  await a.beforeStart();
  await runtime.start(rec.id);
  trace("start: started");
  return { pid };
}
