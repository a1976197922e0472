/** System wire shapes: GET /version and GET /info (01-version-info.txt). */

/** v1.43.yaml#/definitions/SystemVersion/properties/Components/items */
export interface ComponentVersion {
  Name: string;
  Version: string;
  Details?: Record<string, string> | null;
}

/** v1.43.yaml#/definitions/SystemVersion */
export interface SystemVersion {
  Platform?: { Name: string };
  Components?: ComponentVersion[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Experimental?: boolean;
  BuildTime?: string;
}

/** v1.43.yaml#/definitions/Runtime */
export interface RuntimeInfo {
  path?: string;
  runtimeArgs?: string[] | null;
}

/** v1.43.yaml#/definitions/Commit */
export interface CommitInfo {
  ID: string;
  Expected: string;
}

/** v1.43.yaml#/definitions/SystemInfo — GET /info. Only the commonly read fields are required. */
export interface SystemInfo {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus: Array<[string, string]> | null;
  DockerRootDir: string;
  Plugins?: { Volume?: string[] | null; Network?: string[] | null; Authorization?: string[] | null; Log?: string[] | null };
  MemoryLimit: boolean;
  SwapLimit: boolean;
  KernelMemoryTCP?: boolean;
  CpuCfsPeriod: boolean;
  CpuCfsQuota: boolean;
  CPUShares: boolean;
  CPUSet: boolean;
  PidsLimit: boolean;
  OomKillDisable: boolean;
  IPv4Forwarding?: boolean;
  BridgeNfIptables?: boolean;
  BridgeNfIp6tables?: boolean;
  Debug: boolean;
  NFd: number;
  NGoroutines: number;
  SystemTime: string;
  LoggingDriver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  NEventsListener: number;
  KernelVersion: string;
  OperatingSystem: string;
  OSVersion: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  IndexServerAddress: string;
  RegistryConfig?: unknown;
  GenericResources?: unknown[] | null;
  HttpProxy: string;
  HttpsProxy: string;
  NoProxy: string;
  Name: string;
  Labels: string[];
  ExperimentalBuild: boolean;
  ServerVersion: string;
  Runtimes?: Record<string, RuntimeInfo>;
  DefaultRuntime: string;
  Swarm?: { LocalNodeState?: string; NodeID?: string; NodeAddr?: string; ControlAvailable?: boolean; Error?: string };
  LiveRestoreEnabled: boolean;
  Isolation: string;
  InitBinary: string;
  ContainerdCommit?: CommitInfo;
  RuncCommit?: CommitInfo;
  InitCommit?: CommitInfo;
  SecurityOptions: string[];
  ProductLicense?: string;
  DefaultAddressPools?: Array<{ Base: string; Size: number }>;
  Warnings: string[] | null;
}
