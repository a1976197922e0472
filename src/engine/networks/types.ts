/**
 * Networks as the engine models them.
 *
 * A *network* is a durable record (store/metadata/network-store.ts): its
 * driver (bridge; "host" and "null" for the two predefined entries), its
 * subnet and gateway (IPAM), its bridge device and which containers are
 * *members* (connected, running or not, with their aliases and static
 * address). A *sandbox* is the runtime side of one running container: its
 * network namespace and one *endpoint* (veth, address, MAC) per network, plus
 * its published ports. Sandboxes live under the exec root (they die with the
 * host, as the namespaces do) and are what IPAM counts as addresses in use.
 */

export interface MemberConfig {
  aliases: string[];
  /** --ip: a static address. */
  ipv4Address?: string;
  /** --mac-address. */
  macAddress?: string;
}

export interface NetworkRecord {
  id: string;
  name: string;
  driver: "bridge" | "host" | "null";
  created: string;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** Absent for host and none. */
  ipam?: { subnet: string; gateway: string; ipRange?: string };
  /** Linux bridge device name (bridge driver). */
  bridge?: string;
  /** "bridge", "host" or "none": created by berthd, cannot be removed. */
  predefined: boolean;
  members: Record<string, MemberConfig>;
  /**
   * Default bridge only: containers whose mode implies this network (bridge,
   * default) but that were disconnected from it. Membership by mode is not
   * recorded (a record write per `run --rm`), so leaving it is.
   */
  departed?: string[];
}

export interface Endpoint {
  networkId: string;
  endpointId: string;
  ifname: string;
  vethHost: string;
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  aliases: string[];
}

export interface PublishedPort {
  proto: "tcp" | "udp";
  hostIp: string;
  hostPort: number;
  containerPort: number;
  containerIp: string;
}

export interface SandboxState {
  /** The container it belongs to; for a build's own sandbox, the build's key ("build-…", never a container ID). */
  containerId: string;
  nsPath: string;
  endpoints: Endpoint[];
  ports: PublishedPort[];
  /** A build's shared sandbox (recorded on disk; removed at berthd's start: its build died with berthd). */
  build?: true;
  /** A RUN container's view of its build's sandbox (never recorded): the key of that build; nothing of its own to tear down. */
  sharedFrom?: string;
}

/** A container's network request, from create (HostConfig + NetworkingConfig). */
export interface EndpointRequest {
  aliases?: string[];
  ipv4Address?: string;
  macAddress?: string;
}

/** What a container start needs from networking. */
export interface NetworkSetup {
  /** The netns to join; undefined = runc makes a fresh one (none) or the host's (host). */
  nsPath?: string;
  /** The container's own addresses (for /etc/hosts). */
  addresses: string[];
  /** Extra /etc/hosts names: always empty, network aliases are not listed there (Docker 20.10). */
  aliases: string[];
  /** Set on user-defined networks: the embedded DNS server's address. */
  embeddedDns?: string;
  /** The host's address on the container's first network (--add-host host-gateway). */
  gateway?: string;
  /**
   * --network container:ID: that container's /etc/hostname, /etc/hosts,
   * /etc/resolv.conf and hostname, shared as Docker shares them (nothing of
   * its own is written).
   */
  shared?: { hostname: string; hostnamePath: string; hostsPath: string; resolvConfPath: string };
  /** Resolves when the namespace is ready to be joined (built in the background meanwhile). */
  ready?: Promise<void>;
}

export interface PortBindingSpec {
  hostIp: string;
  /** "" (random), "8080" or a range "8080-8090". */
  hostPort: string;
}
