/**
 * Containers as the engine models them (camelCase; api/ translates to and from
 * Docker's wire shapes).
 *
 * A container's life: created → running ⇄ paused → exited → (started again → running)
 * or removed. "dead" marks a container whose cleanup failed. The state is a
 * discriminated union so that a running state always has a pid and an exited
 * one always has an exit code; transitions live in state.ts.
 */
import type { HealthConfig } from "./health-config.js";

export interface MountSpec {
  type: "bind" | "tmpfs" | "volume";
  /** Host path for bind; empty for tmpfs; for a volume, its data dir once resolved at create. */
  source: string;
  destination: string;
  readOnly: boolean;
  /** Propagation for binds ("rprivate" default), size/mode options for tmpfs. */
  propagation?: string;
  tmpfsSizeBytes?: number;
  tmpfsMode?: number;
  /** true when it came from the legacy `Binds` list ("src:dst[:opts]"). */
  fromBinds?: boolean;
  /** true for HostConfig.Tmpfs (`--tmpfs`), which Docker leaves out of inspect's Mounts. */
  fromTmpfsMap?: boolean;
  /** Docker's MountPoint.Mode: the bind's option string ("ro", "rw,z", …), "z" for --mount volumes. */
  mode?: string;
  /** Volumes: the volume's name ("" until an anonymous one is created at container create). */
  name?: string;
  /** Volumes: made for this container (no name was given); `rm -v` and `--rm` remove it. */
  anonymous?: boolean;
  /** Volumes: do not populate an empty volume from the image (`nocopy`, `volume-nocopy`). */
  noCopy?: boolean;
  /** Volumes: driver options and labels for a volume created on demand (`--mount volume-opt=…,volume-label=…`). */
  volumeOptions?: Record<string, string>;
  volumeLabels?: Record<string, string>;
}

export interface ContainerConfig {
  hostname: string;
  domainname: string;
  user: string;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  env: string[];
  cmd: string[] | null;
  entrypoint: string[] | null;
  /** The image reference as the user gave it. */
  image: string;
  workingDir: string;
  labels: Record<string, string>;
  stopSignal?: string;
  /** Seconds. */
  stopTimeout?: number;
  exposedPorts: Record<string, object>;
  volumes: Record<string, object> | null;
  /** HEALTHCHECK / --health-* merged with the image's (health-config.ts); undefined = none. */
  healthcheck?: HealthConfig;
}

export interface HostConfigSpec {
  binds: string[] | null;
  mounts: MountSpec[];
  autoRemove: boolean;
  readonlyRootfs: boolean;
  memory: number;
  memorySwap: number;
  nanoCpus: number;
  cpuShares: number;
  cpuQuota: number;
  cpuPeriod: number;
  pidsLimit: number;
  capAdd: string[] | null;
  capDrop: string[] | null;
  privileged: boolean;
  /** "none" | "host" | "default" | "bridge" | a network name or ID | "container:<id>". */
  networkMode: string;
  /** -p: "80/tcp" → host bindings (HostPort "", "8080" or "8080-8090"). */
  portBindings?: Record<string, Array<{ hostIp: string; hostPort: string }> | null>;
  /** -P */
  publishAllPorts?: boolean;
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** --sysctl / compose `sysctls`: namespaced kernel parameters, applied by the runtime (runc refuses the others at start). */
  sysctls?: Record<string, string>;
  init: boolean | null;
  ulimits: Array<{ name: string; soft: number; hard: number }>;
  securityOpt: string[] | null;
  /** `--volumes-from CONTAINER[:ro|rw]`. */
  volumesFrom?: string[] | null;
  restartPolicy: { name: "" | "no" | "always" | "unless-stopped" | "on-failure"; maximumRetryCount: number };
  oomScoreAdj: number;
  oomKillDisable?: boolean;
  shmSize: number;
  runtime: string;
  extraHosts: string[] | null;
  dns: string[];
  logConfig: { type: string; config: Record<string, string> };
}

export type ContainerState =
  | { status: "created" }
  | { status: "running"; pid: number; startedAt: string }
  | { status: "paused"; pid: number; startedAt: string }
  | { status: "exited"; exitCode: number; startedAt: string; finishedAt: string; oomKilled: boolean; error: string }
  | { status: "dead"; exitCode: number; startedAt: string; finishedAt: string; error: string };

export type ContainerStatus = ContainerState["status"];

/** The durable record of one container (store/metadata/container-store). */
export interface ContainerRecord {
  id: string;
  /** Without the leading "/". */
  name: string;
  created: string;
  imageId: string;
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: HostConfigSpec;
  state: ContainerState;
  restartCount: number;
  /** Set when the user stopped it (restart policies and unless-stopped read this). */
  stoppedByUser: boolean;
  /** The last start's runtime name (runc/crun). */
  runtime: string;
  /**
   * Every mount, resolved at create (volumes named, anonymous ones created,
   * --volumes-from and image VOLUMEs expanded), in mount order. Records from
   * before volumes existed lack it; their mounts come from binds + mounts.
   */
  mountPoints?: MountSpec[];
}
