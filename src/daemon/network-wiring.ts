/** The view of a container's networks that the container routes render (the api layer never holds the services). */
import type { ContainerNetView } from "../api/network-view.js";
import type { ContainerRecord } from "../engine/containers/types.js";
import type { ContainerNetworks } from "../engine/networks/container-networks.js";
import type { NetworkService } from "../engine/networks/network-service.js";

export function containerNetView(rec: ContainerRecord, networks: NetworkService, sandboxes: ContainerNetworks): ContainerNetView {
  return { networks: networks.membershipsOf(rec.id), sandbox: sandboxes.sandbox(rec.id), byName: (n) => networks.findByName(n) };
}
