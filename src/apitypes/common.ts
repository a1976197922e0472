/**
 * Wire shapes shared by many endpoints: errors, JSON-lines progress messages,
 * ports and mounts. PascalCase (and the odd camelCase) exactly as Docker sends
 * them; every shape names its schema in reference/docker-engine-api/v1.43.yaml.
 * This folder is pure types: it imports nothing and holds no behaviour.
 */

/** v1.43.yaml#/definitions/ErrorResponse — body of every non-2xx reply: `{"message":"..."}\n`. */
export interface ErrorResponse {
  message: string;
}

/** v1.43.yaml#/definitions/IdResponse */
export interface IdResponse {
  Id: string;
}

/** v1.43.yaml#/definitions/ProgressDetail */
export interface ProgressDetail {
  current?: number;
  total?: number;
}

/** v1.43.yaml#/definitions/ErrorDetail */
export interface ErrorDetail {
  code?: number;
  message?: string;
}

/**
 * One line of a JSON-lines stream (/images/create, /images/load, /build, push):
 * the union of v1.43.yaml#/definitions/CreateImageInfo, PushImageInfo and BuildInfo.
 * A failure after the stream started stays HTTP 200 and ends with `error`/`errorDetail`
 * (transcripts README, fact 11); /images/load lines end in "\r\n" (06-images.txt).
 */
export interface ProgressMessage {
  id?: string;
  status?: string;
  stream?: string;
  progress?: string;
  progressDetail?: ProgressDetail;
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: ErrorDetail;
}

/** v1.43.yaml#/definitions/Port — one entry of ContainerSummary.Ports. */
export interface Port {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: "tcp" | "udp" | "sctp";
}

/** v1.43.yaml#/definitions/PortBinding */
export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** v1.43.yaml#/definitions/PortMap — keys are "80/tcp". */
export type PortMap = Record<string, PortBinding[] | null>;

/** v1.43.yaml#/definitions/MountType */
export type MountType = "bind" | "volume" | "tmpfs" | "npipe" | "cluster";

/** v1.43.yaml#/definitions/Mount — an entry of HostConfig.Mounts (what `--mount` sends). */
export interface Mount {
  Target?: string;
  Source?: string;
  Type?: MountType;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: {
    Propagation?: "private" | "rprivate" | "shared" | "rshared" | "slave" | "rslave";
    NonRecursive?: boolean;
    CreateMountpoint?: boolean;
  };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
  TmpfsOptions?: {
    /** Bytes. */
    SizeBytes?: number;
    /** Octal permission bits as a number (e.g. 0o1777). */
    Mode?: number;
  };
}

/** v1.43.yaml#/definitions/MountPoint — an entry of inspect `.Mounts` and ps `.Mounts`. */
export interface MountPoint {
  Type: MountType;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** v1.43.yaml#/definitions/GraphDriverData */
export interface GraphDriverData {
  Name: string;
  Data: Record<string, string>;
}
