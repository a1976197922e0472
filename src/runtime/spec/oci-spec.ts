/**
 * The subset of the OCI runtime spec (config.json) that berth writes, typed
 * after reference/oci/runtime-spec/config.md and config-linux.md. Field names
 * are the spec's own (camelCase JSON), so the object is serialised as is.
 */

export interface OciUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

export interface OciRlimit {
  type: string; // "RLIMIT_NOFILE"
  soft: number;
  hard: number;
}

export interface OciCapabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable: string[];
  ambient: string[];
}

export interface OciProcess {
  terminal: boolean;
  user: OciUser;
  args: string[];
  env: string[];
  cwd: string;
  capabilities: OciCapabilities;
  rlimits: OciRlimit[];
  noNewPrivileges: boolean;
  oomScoreAdj?: number;
}

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface OciNamespace {
  type: "pid" | "network" | "mount" | "ipc" | "uts" | "user" | "cgroup";
  path?: string;
}

export interface OciDevice {
  path: string;
  type: "c" | "b" | "p" | "u";
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

export interface OciDeviceRule {
  allow: boolean;
  type?: "a" | "c" | "b";
  major?: number;
  minor?: number;
  access?: string;
}

export interface OciResources {
  devices: OciDeviceRule[];
  memory?: { limit?: number; swap?: number; reservation?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number };
  pids?: { limit: number };
}

export interface OciLinux {
  namespaces: OciNamespace[];
  devices: OciDevice[];
  resources: OciResources;
  cgroupsPath: string;
  maskedPaths: string[];
  readonlyPaths: string[];
  sysctl?: Record<string, string>;
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: OciMount[];
  linux: OciLinux;
}

/** Facts about the host that shape the spec; read once by readHostInfo(). */
export interface HostInfo {
  /** Hard rlimits of berthd, keyed by Docker name ("nofile"); undefined = unlimited. */
  hardLimits: Record<string, number | undefined>;
  /** Path of a static init (tini) to bind at /sbin/docker-init, if one exists. */
  initPath?: string;
  /** /proc/sys/kernel/cap_last_cap: privileged gets exactly the caps this kernel has. */
  lastCap?: number;
  /** berthd's own capability bounding set (CapBnd): privileged and "ALL" never exceed it. */
  boundingSet?: bigint;
  /** Host devices given to privileged containers (Docker walks /dev the same way). */
  hostDevices?: OciDevice[];
  /** Whether the memory cgroup accounts swap (v1: memory.memsw.* exists). Default true. */
  swapSupported?: boolean;
  /** cgroup v1 memory.oom_control exists: --oom-kill-disable can be honoured. */
  oomControl?: boolean;
}
