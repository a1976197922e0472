/** berth's Engine API client: what the CLI and the integration tests import. */
export { EngineClient } from "./engine-client.js";
export type {
  AttachOptions,
  EngineClientOptions,
  ImportImageOptions,
  ListContainersOptions,
  LogsOptions,
  PendingWait,
} from "./engine-client.js";
export { AttachStream } from "./attach-stream.js";
export { DaemonError, DaemonUnreachableError, StreamError } from "./errors.js";
export { DEFAULT_SOCKET, parseHost, resolveSocketPath, UnsupportedHostError } from "./host.js";
export { readJsonLines, collectProgress } from "./json-lines.js";
export { HttpTransport, buildQuery, compareVersions } from "./http-transport.js";
export { ExecApi } from "./exec-api.js";
export { ContainerOpsApi, decodePathStat } from "./container-ops-api.js";
export { SystemApi, filtersQuery, type EventsOptions, type Filters } from "./system-api.js";
export type * from "./ops-types.js";
export { encodeRegistryAuth, decodeRegistryAuthHeader, type RegistryAuthConfig } from "./registry-auth.js";
