/**
 * Container wire shapes: the create request/response, ps summaries, inspect,
 * and wait. Field sets follow v1.43.yaml; nullability follows what dockerd
 * 20.10 actually sends (03-run-detached-lifecycle.txt), which is what clients parse.
 */
import type { MountPoint, Port, PortMap, GraphDriverData } from "./common.js";
import type { HostConfig } from "./host-config.js";

/** v1.43.yaml#/definitions/HealthConfig */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
}

/** v1.43.yaml#/definitions/ContainerConfig — the portable part of a container's config. */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  /** Keys like "80/tcp", values always `{}`. */
  ExposedPorts?: Record<string, Record<string, never>> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  /** "KEY=value" entries. */
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean | null;
  Image?: string;
  Volumes?: Record<string, Record<string, never>> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  NetworkDisabled?: boolean | null;
  MacAddress?: string | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string | null;
  /** Seconds. */
  StopTimeout?: number | null;
  Shell?: string[] | null;
}

/** v1.43.yaml#/definitions/EndpointSettings */
export interface EndpointSettings {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] } | null;
  Links?: string[] | null;
  Aliases?: string[] | null;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  MacAddress?: string;
  DriverOpts?: Record<string, string> | null;
}

/** v1.43.yaml#/definitions/NetworkingConfig */
export interface NetworkingConfig {
  EndpointsConfig?: Record<string, EndpointSettings>;
}

/**
 * Body of POST /containers/create: v1.43.yaml#/paths/~1containers~1create/post/requestBody
 * (ContainerConfig allOf { HostConfig, NetworkingConfig }). The container name travels
 * in the query (`?name=web`), not the body (03 transcript).
 */
export interface ContainerCreateRequest extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: NetworkingConfig;
}

/** v1.43.yaml#/definitions/ContainerCreateResponse — 201 `{"Id","Warnings":[]}`. */
export interface ContainerCreateResponse {
  Id: string;
  Warnings: string[];
}

/** v1.43.yaml#/definitions/ContainerState/properties/Status */
export type ContainerStatus = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

/** v1.43.yaml#/definitions/ContainerState. Unset times are "0001-01-01T00:00:00Z" (Go zero time). */
export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: { Status: string; FailingStreak: number; Log: unknown[] };
}

/** v1.43.yaml#/definitions/NetworkSettings (legacy top-level fields kept: 20.10 still sends them). */
export interface NetworkSettings {
  Bridge?: string;
  SandboxID?: string;
  HairpinMode?: boolean;
  LinkLocalIPv6Address?: string;
  LinkLocalIPv6PrefixLen?: number;
  Ports?: PortMap;
  SandboxKey?: string;
  SecondaryIPAddresses?: unknown[] | null;
  SecondaryIPv6Addresses?: unknown[] | null;
  EndpointID?: string;
  Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  MacAddress?: string;
  Networks?: Record<string, EndpointSettings>;
}

/** Response of GET /containers/{id}/json: v1.43.yaml "ContainerInspectResponse" (inline in operation ContainerInspect). */
export interface ContainerInspectResponse {
  Id: string;
  /** RFC 3339 with nanoseconds. */
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  /** Image ID ("sha256:…"), not the reference the user typed (that is Config.Image). */
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  /** With the leading slash: "/web". */
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: GraphDriverData;
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: NetworkSettings;
}

/** v1.43.yaml#/definitions/ContainerSummary — one element of GET /containers/json (ps). */
export interface ContainerSummary {
  Id: string;
  /** With leading slashes: ["/web"]. */
  Names: string[];
  Image: string;
  ImageID: string;
  /** Command joined with spaces: "httpd -f -p 80". */
  Command: string;
  /** Unix seconds. */
  Created: number;
  Ports: Port[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string>;
  State: ContainerStatus;
  /** Human status computed by the daemon: "Up 3 seconds", "Exited (0) 5 seconds ago". */
  Status: string;
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, EndpointSettings> };
  Mounts: MountPoint[];
}

/** v1.43.yaml#/definitions/ContainerWaitExitError */
export interface ContainerWaitExitError {
  Message: string;
}

/**
 * v1.43.yaml#/definitions/ContainerWaitResponse — `{"Error":null,"StatusCode":0}`.
 * When the client drops the wait the daemon writes StatusCode -1 + "context canceled" (03 transcript).
 */
export interface ContainerWaitResponse {
  StatusCode: number;
  Error: ContainerWaitExitError | null;
}

/** Query `condition` of POST /containers/{id}/wait. */
export type WaitCondition = "not-running" | "next-exit" | "removed";
