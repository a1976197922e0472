/**
 * Containers' side of networking: which networks a container joins (from
 * its NetworkMode and NetworkingConfig at create, network connect/disconnect
 * later), and, while it runs, its sandbox: namespace, endpoints (address,
 * MAC, veth), published ports with their held host sockets, and the firewall
 * rules derived from all of that.
 *
 * Sandbox states are files under <execRoot>/network/sandboxes (tmpfs: they
 * vanish at reboot together with the namespaces they describe); after a
 * berthd restart they are reloaded, the host ports re-held and the rules
 * re-applied, so running containers keep their addresses and ports.
 * Addresses in use are exactly the endpoints of the sandboxes.
 *
 * A build has one sandbox of its own, shared by its RUN containers (Docker
 * gives each RUN a sandbox; making and removing one per step cost ~20 ms of
 * processes on each step's start path and its teardown competed with the
 * next steps): the first RUN start creates it (an address, a veth on the
 * bridge), every RUN container of the build joins its namespace by path, as
 * `--network container:` does, and keeps its own UTS/PID/mount/IPC
 * namespaces and /etc files (hostname = its short ID → the shared address).
 * While a RUN container runs it is listed as its own sandbox (sharedFrom)
 * with the shared endpoint, so inspect, network inspect and the connect and
 * disconnect events look as with Docker; the build's sandbox itself is in no
 * list. It goes when the build ends (release) and, if berthd died during the
 * build, at the next init. There is no network mode for it: only the build
 * engine can ask for it (shareBuildSandbox), never an API client.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { readJsonIfExists, writeJsonAtomic } from "../../durable/atomic-file.js";
import { ConflictError, FailedPreconditionError, ForbiddenError, NotFoundError } from "../../errors/index.js";
import { Firewall, type FirewallState } from "../../network/firewall.js";
import { allocateAddress } from "../../network/ipam.js";
import { formatIp, macForIp, parseCidr, parseIp } from "../../network/ipv4.js";
import { PortInUseError, PortReservations } from "../../network/port-reservations.js";
import { addInterfaces, createSandbox, destroySandbox, newVethName, removeInterfaces, sandboxExists, setDefaultRoute, type InterfaceSpec } from "../../network/sandbox.js";
import { removeBridge } from "../../network/bridge-device.js";
import type { NetworkService } from "./network-service.js";
import { portWants } from "./port-spec.js";
import { checkMember, nextIfIndex, primaryNetworkName } from "./membership.js";
import type { Endpoint, EndpointRequest, MemberConfig, NetworkRecord, NetworkSetup, PortBindingSpec, PublishedPort, SandboxState } from "./types.js";

export interface ContainerNetInput {
  id: string;
  name: string;
  networkMode: string;
  portBindings?: Record<string, PortBindingSpec[] | null>;
  publishAllPorts?: boolean;
  exposedPorts: Record<string, object>;
}

export class NetworkStartError extends Error {}

export interface LiveNetworkChange {
  embeddedDns: string | undefined;
  embeddedDnsChanged: boolean;
  connected?: string;
  disconnected?: string;
}

const TEARDOWN_DELAY_MS = 100;

export class ContainerNetworks {
  private readonly sandboxes = new Map<string, SandboxState>();
  private readonly ports = new PortReservations();
  private readonly firewall: Firewall;
  private lastAlloc = new Map<string, number>();
  /** Builds' own sandboxes by build key, with their kernel work (see the header). */
  private readonly buildSandboxes = new Map<string, { st: SandboxState; ready: Promise<void> }>();
  /** RUN containers whose start joins a build's sandbox: container ID → build key. */
  private readonly buildOf = new Map<string, string>();
  /** Kernel work in flight per container (sandbox creation), awaited before its teardown. */
  private readonly building = new Map<string, Promise<void>>();
  /** Teardowns running in the background; close() waits for them. */
  private readonly pending = new Set<Promise<void>>();
  /** iptables applies, one at a time, each computing the state when it runs. */
  private fwQueue: Promise<void> = Promise.resolve();
  /** Called when endpoints change (the embedded DNS answers from them). */
  onEndpointsChanged: () => void = () => {};
  /**
   * Called after a running container was connected to or disconnected from a
   * network, for its /etc files: the embedded DNS server it reaches now
   * (undefined: none; resolv.conf follows it as Docker's rebuildDNS does),
   * whether that changed, and the address gained or lost (/etc/hosts).
   */
  onLiveChange: (containerId: string, change: LiveNetworkChange) => Promise<void> = async () => {};

  constructor(private readonly nets: NetworkService, private readonly execRoot: string, private readonly log: (m: string) => void = () => {}) {
    this.firewall = new Firewall(nets.cfg.chainPrefix);
    nets.hooks = {
      changed: () => this.nets.lock.run("sandboxes", () => this.applyFirewall()),
      activeOn: (networkId) => [...this.sandboxes.values()].filter((s) => s.endpoints.some((e) => e.networkId === networkId)).map((s) => s.containerId),
    };
  }

  private stateDir(): string {
    return path.join(this.execRoot, "network", "sandboxes");
  }

  /** One state file per sandbox, named like its namespace. */
  private stateFile(st: SandboxState): string {
    return path.join(this.stateDir(), `${path.basename(st.nsPath)}.json`);
  }

  private nsDir(): string {
    return path.join(this.execRoot, "netns");
  }

  /** After NetworkService.init: reload sandboxes whose namespace still exists, re-hold their ports, rebuild the rules. */
  async init(isRunning: (id: string) => boolean): Promise<void> {
    await fs.mkdir(this.stateDir(), { recursive: true });
    await fs.mkdir(this.nsDir(), { recursive: true });
    for (const f of await fs.readdir(this.stateDir())) {
      if (!f.endsWith(".json")) continue;
      const st = await readJsonIfExists<SandboxState>(path.join(this.stateDir(), f)).catch(() => undefined);
      if (!st) continue;
      // a build's sandbox is never kept: its build ended with the berthd that ran it
      if (st.build || !isRunning(st.containerId) || this.sandboxes.has(st.containerId) || !(await sandboxExists(st.nsPath))) {
        await destroySandbox(st.nsPath, st.endpoints.map((e) => e.vethHost)).catch(() => {});
        await fs.rm(path.join(this.stateDir(), f), { force: true });
        continue;
      }
      this.sandboxes.set(st.containerId, st);
      await this.ports
        .reserve(st.containerId, st.ports.map((p) => ({ proto: p.proto, hostIp: p.hostIp, from: p.hostPort, to: p.hostPort })))
        .catch((e) => this.log(`re-holding the published ports of ${st.containerId}: ${e}`));
    }
    // namespaces without a state file: a crash between creating one and recording it
    const live = new Set([...this.sandboxes.values()].map((x) => path.basename(x.nsPath)));
    for (const f of await fs.readdir(this.nsDir())) if (!live.has(f)) await destroySandbox(path.join(this.nsDir(), f), []).catch(() => {});
    await this.firewall.install(this.firewallState());
    this.onEndpointsChanged();
  }

  private firewallState(): FirewallState {
    const networks = this.nets.list().flatMap((n) => (n.driver === "bridge" && n.bridge && n.ipam ? [{ bridge: n.bridge, subnet: n.ipam.subnet, internal: n.internal }] : []));
    const ports = [...this.sandboxes.values()].flatMap((s) => s.ports);
    return { networks, ports };
  }

  private applyFirewall(): Promise<void> {
    const next = this.fwQueue.then(() => this.firewall.apply(this.firewallState()));
    this.fwQueue = next.catch(() => {});
    return next;
  }

  sandbox(id: string): SandboxState | undefined {
    return this.sandboxes.get(id);
  }

  allSandboxes(): SandboxState[] {
    return [...this.sandboxes.values()];
  }

  // ---- create / remove -----------------------------------------------------

  /** Checks the mode and records the memberships a new container asks for. */
  async onCreate(c: { id: string; networkMode: string; endpoints: Record<string, EndpointRequest> }): Promise<void> {
    const primary = primaryNetworkName(c.networkMode);
    if (!primary) return; // none, host, container:ID have no endpoints of their own
    const wanted = new Map<string, EndpointRequest>([[primary, c.endpoints[c.networkMode] ?? c.endpoints[primary] ?? {}]]);
    for (const [name, req] of Object.entries(c.endpoints)) {
      const key = name === "default" ? "bridge" : name;
      if (key !== primary && name !== c.networkMode) wanted.set(key, req);
    }
    const resolved: Array<[NetworkRecord, MemberConfig]> = [];
    for (const [name, req] of wanted) {
      const n = this.nets.get(name);
      if (n.driver !== "bridge") continue;
      resolved.push([n, checkMember(n, req)]);
    }
    for (const [n, m] of resolved) {
      // the default bridge is implied by the mode: recording it would cost a record write per `run --rm`
      if (n.predefined && !m.macAddress) continue;
      await this.nets.setMember(n.id, c.id, m);
    }
  }

  async onRemove(id: string): Promise<void> {
    this.buildOf.delete(id);
    await this.tearDown(id);
    await this.nets.forgetContainer(id);
  }

  // ---- start / stop --------------------------------------------------------

  async setUp(c: ContainerNetInput): Promise<NetworkSetup> {
    const primary = primaryNetworkName(c.networkMode);
    if (!primary) return { addresses: [], aliases: [] };
    const build = this.buildOf.get(c.id);
    if (build && primary === "bridge") return this.nets.lock.run("sandboxes", () => this.joinBuildSandbox(c.id, build));
    return this.nets.lock.run("sandboxes", async () => {
      if (this.sandboxes.has(c.id)) await this.tearDownLocked(c.id);
      const pnet = this.nets.find(primary);
      if (!pnet) throw new NotFoundError(`network ${primary} not found`);
      const nets = this.nets.membershipsOf(c.id).sort((a, b) => (a.id === pnet.id ? -1 : b.id === pnet.id ? 1 : a.created.localeCompare(b.created)));
      if (!nets.some((n) => n.id === pnet.id)) {
        if (nets.length && (!pnet.predefined || pnet.departed?.includes(c.id))) {
          // disconnected from its mode's network: starts on its other networks only
        } else {
          // Docker: a container left with no network at all starts on its mode's network again
          if (pnet.departed?.includes(c.id)) await this.nets.setDeparted(pnet.id, c.id, false);
          nets.unshift(pnet);
        }
      }
      const endpoints = nets.map((n, i) => this.newEndpoint(n, n.members[c.id] ?? { aliases: [] }, `eth${i}`));
      const wants = portWants(c.portBindings, c.publishAllPorts ?? false, c.exposedPorts);
      let hostPorts: number[];
      try {
        hostPorts = await this.ports.reserve(c.id, wants.map((w) => ({ proto: w.proto, hostIp: w.hostIp, from: w.from, to: w.to })));
      } catch (e) {
        if (e instanceof PortInUseError) {
          throw new NetworkStartError(`driver failed programming external connectivity on endpoint ${c.name} (${endpoints[0]!.endpointId}): ${e.message}`);
        }
        throw e;
      }
      const gw = this.gatewayEndpoint(endpoints);
      const ports: PublishedPort[] = wants.map((w, i) => ({ proto: w.proto, hostIp: w.hostIp, hostPort: hostPorts[i]!, containerPort: w.containerPort, containerIp: (gw ?? endpoints[0]!).ip }));
      // a fresh name per start: the previous start's namespace may still be being torn down in the background
      const key = `${c.id.slice(0, 12)}-${randomBytes(4).toString("hex")}`;
      const st: SandboxState = { containerId: c.id, nsPath: path.join(this.nsDir(), key), endpoints, ports };
      this.sandboxes.set(c.id, st);
      // The kernel work (namespace, veths, rules) runs while the start mounts the rootfs and writes
      // the bundle; the start awaits `ready` just before the runtime joins the namespace.
      const ready = (async () => {
        await createSandbox(st.nsPath, endpoints.map((e) => this.ifaceSpec(e, e === gw)));
        await writeJsonAtomic(this.stateFile(st), st);
        if (ports.length) await this.applyFirewall();
      })();
      this.building.set(c.id, ready.catch(() => {}));
      ready.catch(async () => {
        if (this.sandboxes.get(c.id) !== st) return;
        this.sandboxes.delete(c.id);
        this.ports.release(c.id);
        await fs.rm(this.stateFile(st), { force: true });
      });
      this.onEndpointsChanged();
      for (const e of endpoints) this.nets.onEvent("connect", this.nets.byId(e.networkId)!, c.id);
      const first = endpoints[0]!;
      return {
        nsPath: st.nsPath,
        addresses: endpoints.map((e) => e.ip),
        aliases: [],
        embeddedDns: this.embeddedDnsOf(st),
        gateway: first.gateway,
        ready,
      };
    });
  }

  // ---- a build's sandbox ---------------------------------------------------

  /** The container's starts join the sandbox of the build `build` (created by the first start that needs it). */
  shareBuildSandbox(containerId: string, build: string): void {
    this.buildOf.set(containerId, build);
  }

  /**
   * The build has ended: its sandbox is removed in the background (close()
   * waits for it); its address is free at once. A RUN container still
   * running (a cancelled build that keeps its containers) keeps its view
   * until it exits, and its next start gets a sandbox of its own.
   */
  releaseBuildSandbox(build: string): void {
    for (const [c, b] of this.buildOf) if (b === build) this.buildOf.delete(c);
    const sb = this.buildSandboxes.get(build);
    if (!sb) return;
    this.buildSandboxes.delete(build);
    this.removeInBackground(sb.st, sb.ready, TEARDOWN_DELAY_MS, build);
  }

  /** Under the lock: the container's view of its build's sandbox, made first if need be (its kernel work runs in the background: `ready`). */
  private async joinBuildSandbox(containerId: string, build: string): Promise<NetworkSetup> {
    if (this.sandboxes.has(containerId)) await this.tearDownLocked(containerId);
    const sb = this.buildSandboxes.get(build) ?? this.createBuildSandbox(build);
    // an endpoint ID of its own, as each of Docker's RUN containers has
    const st: SandboxState = { containerId, nsPath: sb.st.nsPath, endpoints: sb.st.endpoints.map((e) => ({ ...e, endpointId: randomBytes(32).toString("hex") })), ports: [], sharedFrom: build };
    this.sandboxes.set(containerId, st);
    this.onEndpointsChanged();
    for (const e of st.endpoints) this.nets.onEvent("connect", this.nets.byId(e.networkId)!, containerId);
    const e = st.endpoints[0]!;
    return { nsPath: st.nsPath, addresses: [e.ip], aliases: [], embeddedDns: this.embeddedDnsOf(st), gateway: e.gateway, ready: sb.ready };
  }

  /** Builds run on the default bridge only (the build route accepts no other network). */
  private createBuildSandbox(build: string): { st: SandboxState; ready: Promise<void> } {
    const n = this.nets.find("bridge");
    if (!n) throw new NotFoundError(`network bridge not found`);
    const e = this.newEndpoint(n, { aliases: [] }, "eth0");
    const st: SandboxState = { containerId: build, nsPath: path.join(this.nsDir(), build), endpoints: [e], ports: [], build: true };
    // the namespace first, then its record (a crash in between: init removes a namespace without a record)
    const ready = (async () => {
      await createSandbox(st.nsPath, [this.ifaceSpec(e, !n.internal)]);
      await writeJsonAtomic(this.stateFile(st), st);
    })();
    const sb = { st, ready };
    this.buildSandboxes.set(build, sb);
    ready.catch(async (err) => {
      this.log(`the network sandbox of ${build}: ${err}`);
      // the next RUN of the build tries a new one
      if (this.buildSandboxes.get(build) === sb) this.buildSandboxes.delete(build);
      await fs.rm(this.stateFile(st), { force: true });
    });
    return sb;
  }

  /**
   * The endpoint that gives the container its way out (default route,
   * published ports): Docker's rule, "the first non-internal network in
   * lexical order"; none when all are internal.
   */
  private gatewayEndpoint(endpoints: Endpoint[]): Endpoint | undefined {
    const out = endpoints.filter((e) => !this.nets.byId(e.networkId)?.internal);
    const name = (e: Endpoint) => this.nets.byId(e.networkId)?.name ?? "";
    return out.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))[0];
  }

  /** After a live connect/disconnect: the default route and published ports follow the gateway endpoint. */
  private async moveExternalConnectivity(st: SandboxState, before: Endpoint | undefined): Promise<void> {
    const after = this.gatewayEndpoint(st.endpoints);
    if (after === before) return;
    await setDefaultRoute(st.nsPath, after ? { gateway: after.gateway, ifname: after.ifname } : undefined);
    if (after && st.ports.length) {
      st.ports = st.ports.map((p) => ({ ...p, containerIp: after.ip }));
      await writeJsonAtomic(this.stateFile(st), st);
      await this.applyFirewall();
    }
  }

  /** The embedded DNS server a sandbox reaches: the gateway of its first user-defined network (the default bridge has none). */
  private embeddedDnsOf(st: SandboxState): string | undefined {
    return st.endpoints.find((e) => !this.nets.byId(e.networkId)?.predefined)?.gateway;
  }

  private ifaceSpec(e: Endpoint, withRoute: boolean): InterfaceSpec {
    const n = this.nets.byId(e.networkId)!;
    return { ifname: e.ifname, vethHost: e.vethHost, bridge: n.bridge!, mac: e.mac, addressCidr: `${e.ip}/${e.prefixLen}`, defaultGateway: withRoute ? e.gateway : undefined };
  }

  private usedIps(networkId: string): Set<number> {
    const used = new Set<number>();
    const all = [...this.sandboxes.values(), ...[...this.buildSandboxes.values()].map((b) => b.st)];
    for (const s of all) for (const e of s.endpoints) if (e.networkId === networkId) used.add(parseIp(e.ip));
    return used;
  }

  private newEndpoint(n: NetworkRecord, m: MemberConfig, ifname: string): Endpoint {
    const subnet = parseCidr(n.ipam!.subnet);
    const gw = parseIp(n.ipam!.gateway);
    const used = this.usedIps(n.id);
    let ip: number;
    if (m.ipv4Address) {
      ip = parseIp(m.ipv4Address);
      if (used.has(ip) || ip === gw) throw new ConflictError(`Address already in use: ${m.ipv4Address}`);
    } else {
      ip = allocateAddress(subnet, n.ipam!.ipRange ? parseCidr(n.ipam!.ipRange) : undefined, gw, used, this.lastAlloc.get(n.id));
      this.lastAlloc.set(n.id, ip);
    }
    return {
      networkId: n.id,
      endpointId: randomBytes(32).toString("hex"),
      ifname,
      vethHost: newVethName(),
      ip: formatIp(ip),
      prefixLen: subnet.prefix,
      gateway: n.ipam!.gateway,
      mac: m.macAddress || macForIp(ip),
      aliases: m.aliases,
    };
  }

  async tearDown(id: string): Promise<void> {
    if (!this.sandboxes.has(id)) return;
    await this.nets.lock.run("sandboxes", () => this.tearDownLocked(id));
  }

  /**
   * The bookkeeping is synchronous (the address and ports are free again at
   * once); removing the namespace, veths and rules runs in the background so
   * that an exit or `rm` does not wait for the kernel (close() waits for it).
   */
  private async tearDownLocked(id: string): Promise<void> {
    const st = this.sandboxes.get(id);
    if (!st) return;
    this.sandboxes.delete(id);
    this.ports.release(id);
    const building = this.building.get(id);
    this.building.delete(id);
    this.onEndpointsChanged();
    for (const e of st.endpoints) {
      const n = this.nets.byId(e.networkId);
      if (n) this.nets.onEvent("disconnect", n, id);
    }
    // a RUN container's view of its build's sandbox: the build removes the sandbox
    if (st.sharedFrom) return;
    // after the exit is recorded and an --rm container removed: the client is not kept waiting for the kernel
    this.removeInBackground(st, building, TEARDOWN_DELAY_MS, id);
  }

  private removeInBackground(st: SandboxState, building: Promise<void> | undefined, delayMs: number, owner: string): void {
    const work = (async () => {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      await building?.catch(() => {});
      await fs.rm(this.stateFile(st), { force: true });
      if (st.ports.length) await this.applyFirewall().catch((e) => this.log(`firewall after ${owner} stopped: ${e}`));
      await destroySandbox(st.nsPath, st.endpoints.map((e) => e.vethHost)).catch((e) => this.log(`removing the sandbox of ${owner}: ${e}`));
    })();
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  // ---- connect / disconnect ------------------------------------------------

  async connect(netRef: string, c: { id: string; name: string; networkMode: string; running: boolean }, req: EndpointRequest): Promise<void> {
    const n = this.nets.get(netRef);
    if (n.driver !== "bridge") throw new ForbiddenError(`container cannot be disconnected from host network or connected to host network`);
    this.checkNotBuildStep(c.id);
    const mode = c.networkMode;
    if (mode === "host" || mode === "none" || mode.startsWith("container:")) {
      throw new ForbiddenError(`container sharing network namespace with another container or host cannot be connected to any other network`);
    }
    const already = n.members[c.id] || this.nets.impliedMember(n, c.id, mode);
    if (already && c.running) throw new ForbiddenError(`endpoint with name ${c.name} already exists in network ${n.name}`);
    const m = checkMember(n, req);
    if (already) {
      // a stopped member: Docker takes the new endpoint settings (aliases, --ip) for its next start
      if (n.members[c.id]) await this.nets.setMember(n.id, c.id, m);
      return;
    }
    if (n.departed?.includes(c.id) && !m.macAddress) await this.nets.setDeparted(n.id, c.id, false);
    else await this.nets.setMember(n.id, c.id, m);
    if (!c.running) return;
    await this.nets.lock.run("sandboxes", async () => {
      await this.building.get(c.id);
      const st = this.sandboxes.get(c.id);
      if (!st) return;
      const e = this.newEndpoint(n, m, `eth${nextIfIndex(st)}`);
      try {
        await addInterfaces(st.nsPath, [this.ifaceSpec(e, false)]);
      } catch (err) {
        if (n.members[c.id]) await this.nets.setMember(n.id, c.id, undefined);
        else await this.nets.setDeparted(n.id, c.id, true);
        throw err;
      }
      const dnsBefore = this.embeddedDnsOf(st);
      const gwBefore = this.gatewayEndpoint(st.endpoints);
      st.endpoints.push(e);
      await writeJsonAtomic(this.stateFile(st), st);
      await this.moveExternalConnectivity(st, gwBefore);
      this.onEndpointsChanged();
      this.nets.onEvent("connect", n, c.id);
      const dnsNow = this.embeddedDnsOf(st);
      const change = { embeddedDns: dnsNow, embeddedDnsChanged: dnsNow !== dnsBefore, connected: e.ip };
      await this.onLiveChange(c.id, change).catch((err) => this.log(`/etc files of ${c.id}: ${err}`));
    });
  }

  async disconnect(netRef: string, c: { id: string; networkMode: string }): Promise<void> {
    const containerId = c.id;
    const n = this.nets.get(netRef);
    if (n.driver !== "bridge") throw new ForbiddenError(`container cannot be disconnected from host network or connected to host network`);
    this.checkNotBuildStep(containerId);
    const implied = this.nets.impliedMember(n, containerId, c.networkMode);
    if (!n.members[containerId] && !implied) throw new FailedPreconditionError(`container ${containerId} is not connected to the network ${n.name}`);
    await this.nets.lock.run("sandboxes", async () => {
      await this.building.get(containerId);
      const st = this.sandboxes.get(containerId);
      const e = st?.endpoints.find((x) => x.networkId === n.id);
      if (st && e) {
        const dnsBefore = this.embeddedDnsOf(st);
        const gwBefore = this.gatewayEndpoint(st.endpoints);
        await removeInterfaces([e.vethHost]);
        st.endpoints = st.endpoints.filter((x) => x !== e);
        await writeJsonAtomic(this.stateFile(st!), st);
        await this.moveExternalConnectivity(st, gwBefore);
        this.onEndpointsChanged();
        this.nets.onEvent("disconnect", n, containerId);
        const dnsNow = this.embeddedDnsOf(st);
        const change = { embeddedDns: dnsNow, embeddedDnsChanged: dnsNow !== dnsBefore, disconnected: e.ip };
        await this.onLiveChange(containerId, change).catch((err) => this.log(`/etc files of ${containerId}: ${err}`));
      }
    });
    if (n.members[containerId]) await this.nets.setMember(n.id, containerId, undefined);
    // membership by mode is not recorded; leaving it is (a later start must not put it back)
    if (n.predefined && primaryNetworkName(c.networkMode) === n.name) await this.nets.setDeparted(n.id, containerId, true);
  }

  /** A running RUN step shares its build's namespace: changing its interfaces would change every step's. */
  private checkNotBuildStep(containerId: string): void {
    if (this.sandboxes.get(containerId)?.sharedFrom) throw new ConflictError(`container ${containerId} is a build step: its network cannot change while it runs`);
  }

  // ---- daemon stop -----------------------------------------------------------

  /**
   * Lets go of the held host ports. With no container running, also removes
   * every bridge and berth's chains: nothing of berth stays on the host while
   * berthd is down (init rebuilds all of it from the records).
   */
  async close(): Promise<void> {
    // builds still running when berthd stops lose their RUN steps' network, as they would lose it to a crash
    for (const build of [...this.buildSandboxes.keys()]) this.releaseBuildSandbox(build);
    await Promise.all([...this.pending]);
    this.ports.releaseAll();
    if (this.sandboxes.size > 0) return;
    await this.firewall.teardown().catch((e) => this.log(`removing berth's firewall chains: ${e}`));
    for (const n of this.nets.list()) if (n.bridge) await removeBridge(n.bridge).catch(() => {});
  }
}
