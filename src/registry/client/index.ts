/**
 * The distribution client used by berthd's pull, push and login. See
 * registry-client.ts for the lifecycle and registry-repository.ts for the
 * protocol operations.
 */
export { RegistryClient, type RegistryClientOptions } from "./registry-client.js";
export { RegistryRepository, MANIFEST_ACCEPT, withByteCount, type FetchedManifest, type UploadMode } from "./registry-repository.js";
export type { Credentials } from "./credentials.js";
export { loginToRegistry, type LoginResult } from "./login.js";
export { resolveEndpoint, domainOfServerAddress, isLoopbackRegistry } from "./registry-host.js";
