/**
 * What the container service needs from networking (engine/networks
 * implements it): memberships recorded at create, a sandbox built before the
 * runtime creates the container and torn down when it exits, all of it
 * forgotten when the container is removed.
 */
import type { ContainerNetInput } from "../networks/container-networks.js";
import type { EndpointRequest, NetworkSetup } from "../networks/types.js";

export interface ContainerNetworking {
  onCreate(c: { id: string; networkMode: string; endpoints: Record<string, EndpointRequest> }): Promise<void>;
  setUp(c: ContainerNetInput): Promise<NetworkSetup>;
  tearDown(id: string): Promise<void>;
  onRemove(id: string): Promise<void>;
}
