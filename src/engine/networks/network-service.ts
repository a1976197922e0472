/**
 * The network service: network records (create, inspect, list, remove,
 * prune, connect, disconnect) and, through ContainerNetworks
 * (container-networks.ts), each running container's sandbox.
 *
 * Why an acknowledged operation survives kill -9 of berthd:
 *  - create: the bridge is made first, then the record is written; a crash in
 *    between leaves a bridge that no record names, which the next start
 *    neither uses nor needs (its subnet is simply skipped by IPAM until reboot).
 *  - remove: the record goes first, then the bridge and rules, so a crash
 *    never leaves a record without its bridge; init rebuilds rules from records.
 */
import { randomBytes } from "node:crypto";
import { KeyedMutex } from "../../durable/keyed-mutex.js";
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError } from "../../errors/index.js";
import { ensureBridge, enableIpForward, removeBridge } from "../../network/bridge-device.js";
import { hostSubnets } from "../../network/host-routes.js";
import { pickSubnet, type AddressPool } from "../../network/ipam.js";
import { contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, type Subnet } from "../../network/ipv4.js";
import { withSubnetLock } from "../../network/subnet-lock.js";
import type { NetworkStore } from "../../store/metadata/network-store.js";
import { primaryNetworkName } from "./membership.js";
import type { MemberConfig, NetworkRecord } from "./types.js";

export interface NetworkConfig {
  /** Device of the default "bridge" network (Docker: --bridge, docker0). */
  bridgeName: string;
  /** Prefix of user networks' bridge devices (Docker: "br-"). */
  bridgePrefix: string;
  /** Docker's --bip: the default bridge's gateway/prefix; "" = choose from the pools. */
  bip: string;
  pools: AddressPool[];
  /** Prefix of berth's iptables chains. */
  chainPrefix: string;
}

export interface CreateNetworkRequest {
  name: string;
  driver: string;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  ipam: { subnet?: string; gateway?: string; ipRange?: string };
}

export const PREDEFINED = new Set(["bridge", "host", "none"]);
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export function newNetworkId(): string {
  return randomBytes(32).toString("hex");
}

export interface NetworkHooks {
  /** Called after a bridge network record is saved or removed: rules and DNS follow the records. */
  changed(): Promise<void>;
  /** Whether a container currently has an endpoint (a running sandbox) on this network. */
  activeOn(networkId: string): string[];
}

/** Docker's network events: create/destroy, connect/disconnect (with the container's ID). */
export type NetworkEventSink = (action: "create" | "destroy" | "connect" | "disconnect", n: NetworkRecord, containerId?: string) => void;

export class NetworkService {
  readonly lock = new KeyedMutex();
  hooks?: NetworkHooks;
  onEvent: NetworkEventSink = () => {};

  constructor(private readonly store: NetworkStore, readonly cfg: NetworkConfig, private readonly log: (m: string) => void = () => {}) {}

  /** Loads records, makes the predefined networks and every bridge exist. */
  async init(): Promise<void> {
    await this.store.load((id, e) => this.log(`skipping unreadable network record ${id}: ${e}`));
    await enableIpForward();
    for (const [name, driver] of [["host", "host"], ["none", "null"]] as const) {
      if (!this.findByName(name)) await this.store.save(this.baseRecord(name, driver, true));
    }
    const def = this.findByName("bridge");
    if (!def) await this.createDefaultBridge();
    for (const n of this.store.all()) {
      if (n.driver === "bridge" && n.ipam && n.bridge) {
        const sub = parseCidr(n.ipam.subnet);
        await ensureBridge({ name: n.bridge, gatewayCidr: `${n.ipam.gateway}/${sub.prefix}` });
      }
    }
  }

  private baseRecord(name: string, driver: NetworkRecord["driver"], predefined: boolean): NetworkRecord {
    return { id: newNetworkId(), name, driver, created: new Date().toISOString(), internal: false, attachable: false, labels: {}, options: {}, predefined, members: {} };
  }

  private async createDefaultBridge(): Promise<void> {
    const rec = this.baseRecord("bridge", "bridge", true);
    rec.bridge = this.cfg.bridgeName;
    rec.options = {
      "com.docker.network.bridge.default_bridge": "true",
      "com.docker.network.bridge.enable_icc": "true",
      "com.docker.network.bridge.enable_ip_masquerade": "true",
      "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
      "com.docker.network.bridge.name": this.cfg.bridgeName,
      "com.docker.network.driver.mtu": "1500",
    };
    await withSubnetLock(async () => {
      let subnet: Subnet;
      let gateway: number;
      if (this.cfg.bip) {
        const s = parseCidr(this.cfg.bip);
        subnet = s;
        gateway = parseIp(this.cfg.bip.split("/")[0]!);
      } else {
        subnet = pickSubnet(this.cfg.pools, await this.takenSubnets());
        gateway = subnet.base + 1;
      }
      rec.ipam = { subnet: formatCidr(subnet), gateway: formatIp(gateway) };
      await ensureBridge({ name: rec.bridge!, gatewayCidr: `${formatIp(gateway)}/${subnet.prefix}` });
      await this.store.save(rec);
    });
  }

  private async takenSubnets(): Promise<Subnet[]> {
    const mine = this.store.all().flatMap((n) => (n.ipam ? [parseCidr(n.ipam.subnet)] : []));
    return [...mine, ...(await hostSubnets())];
  }

  // ---- lookup ------------------------------------------------------------

  list(): NetworkRecord[] {
    return this.store.all().sort((a, b) => a.created.localeCompare(b.created));
  }

  findByName(name: string): NetworkRecord | undefined {
    return this.store.all().find((n) => n.name === name);
  }

  /** Docker's lookup order: full ID, exact name, unique ID prefix. */
  find(ref: string): NetworkRecord | undefined {
    if (!ref) return undefined;
    const exact = this.store.get(ref) ?? this.findByName(ref);
    if (exact) return exact;
    if (/^[0-9a-f]+$/.test(ref)) {
      const m = this.store.all().filter((n) => n.id.startsWith(ref));
      if (m.length > 1) throw new InvalidArgumentError(`network ${ref} is ambiguous (${m.length} matches found based on ID prefix)`);
      return m[0];
    }
    return undefined;
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw new NotFoundError(`network ${ref} not found`);
    return n;
  }

  byId(id: string): NetworkRecord | undefined {
    return this.store.get(id);
  }

  // ---- create / remove -----------------------------------------------------

  async create(req: CreateNetworkRequest): Promise<{ id: string; warning: string }> {
    if (!NAME_RE.test(req.name)) throw new InvalidArgumentError(`invalid network name ${JSON.stringify(req.name.slice(0, 140))}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
    const driver = req.driver || "bridge";
    if (driver === "host" || driver === "null") throw new ForbiddenError(`only one instance of "${driver}" network is allowed`);
    if (driver !== "bridge") throw new NotFoundError(`plugin "${driver.slice(0, 100)}" not found`);
    return this.lock.run("networks", async () => {
      if (this.findByName(req.name)) throw new ConflictError(`network with name ${req.name} already exists`);
      const rec = this.baseRecord(req.name, "bridge", false);
      rec.internal = req.internal;
      rec.attachable = req.attachable;
      rec.labels = req.labels;
      rec.options = req.options;
      const wanted = req.options["com.docker.network.bridge.name"];
      if (wanted !== undefined && !/^[a-zA-Z0-9_.-]{1,15}$/.test(wanted)) throw new InvalidArgumentError(`invalid bridge name ${JSON.stringify(wanted.slice(0, 40))}`);
      rec.bridge = wanted || `${this.cfg.bridgePrefix}${rec.id.slice(0, 15 - this.cfg.bridgePrefix.length)}`;
      if (this.store.all().some((n) => n.bridge === rec.bridge)) throw new ConflictError(`bridge device ${rec.bridge} is used by another network`);
      await withSubnetLock(async () => {
        const { subnet, gateway, ipRange } = await this.chooseIpam(req.ipam);
        rec.ipam = { subnet: formatCidr(subnet), gateway: formatIp(gateway), ...(ipRange ? { ipRange: formatCidr(ipRange) } : {}) };
        await ensureBridge({ name: rec.bridge!, gatewayCidr: `${formatIp(gateway)}/${subnet.prefix}` });
        try {
          await this.store.save(rec);
        } catch (e) {
          await removeBridge(rec.bridge!);
          throw e;
        }
      });
      await this.hooks?.changed();
      this.onEvent("create", rec);
      return { id: rec.id, warning: "" };
    });
  }

  private async chooseIpam(req: CreateNetworkRequest["ipam"]): Promise<{ subnet: Subnet; gateway: number; ipRange?: Subnet }> {
    if (!req.subnet) {
      if (req.gateway || req.ipRange) throw new InvalidArgumentError("cannot set a gateway or an ip-range without a subnet");
      const subnet = pickSubnet(this.cfg.pools, await this.takenSubnets());
      return { subnet, gateway: subnet.base + 1 };
    }
    const subnet = parseCidr(req.subnet, { strict: true });
    if (subnet.prefix > 30) throw new InvalidArgumentError(`invalid subnet ${req.subnet}: the prefix must be at most /30`);
    for (const n of this.store.all()) {
      if (n.ipam && overlaps(parseCidr(n.ipam.subnet), subnet)) throw new InvalidArgumentError(`Pool overlaps with other one on this address space`);
    }
    let gateway = subnet.base + 1;
    if (req.gateway) {
      gateway = parseIp(req.gateway);
      if (!contains(subnet, gateway)) throw new InvalidArgumentError(`no matching subnet for gateway ${req.gateway}`);
    }
    let ipRange: Subnet | undefined;
    if (req.ipRange) {
      ipRange = parseCidr(req.ipRange, { strict: true });
      if (ipRange.prefix < subnet.prefix || !contains(subnet, ipRange.base)) throw new InvalidArgumentError(`no matching subnet for range ${req.ipRange}`);
    }
    return { subnet, gateway, ipRange };
  }

  async remove(ref: string): Promise<void> {
    const n = this.get(ref);
    if (n.predefined) throw new ForbiddenError(`${n.name} is a pre-defined network and cannot be removed`);
    await this.lock.run("networks", async () => {
      const active = this.hooks?.activeOn(n.id) ?? [];
      if (active.length) throw new ConflictError(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
      await this.store.delete(n.id);
      if (n.bridge) await removeBridge(n.bridge);
      await this.hooks?.changed();
      this.onEvent("destroy", n);
    });
  }

  /** Removes user networks no running container is connected to; `until` and `label` filters as Docker. */
  async prune(filters: Record<string, string[]>): Promise<string[]> {
    for (const k of Object.keys(filters)) if (k !== "until" && k !== "label" && k !== "label!") throw new InvalidArgumentError(`invalid filter '${k}'`);
    const until = (filters["until"] ?? []).map(parseUntil);
    const removed: string[] = [];
    for (const n of this.list()) {
      // as Docker: only running containers' endpoints keep a network; stopped members do not
      if (n.predefined || (this.hooks?.activeOn(n.id) ?? []).length) continue;
      if (until.some((t) => Date.parse(n.created) >= t)) continue;
      if (!matchesLabels(n.labels, filters["label"] ?? [], filters["label!"] ?? [])) continue;
      await this.remove(n.id).then(() => removed.push(n.name), (e) => this.log(`prune ${n.name}: ${e}`));
    }
    return removed;
  }

  // ---- membership ----------------------------------------------------------

  async setMember(networkId: string, containerId: string, m: MemberConfig | undefined): Promise<void> {
    await this.lock.run("networks", async () => {
      const n = this.store.get(networkId);
      if (!n) return;
      const members = { ...n.members };
      if (m) members[containerId] = m;
      else delete members[containerId];
      await this.store.save({ ...n, members });
    });
  }

  /** Records that a container left (or rejoined) the default bridge its mode implies. */
  async setDeparted(networkId: string, containerId: string, departed: boolean): Promise<void> {
    await this.lock.run("networks", async () => {
      const n = this.store.get(networkId);
      if (!n) return;
      const was = n.departed ?? [];
      if (was.includes(containerId) === departed) return;
      const next = departed ? [...was, containerId] : was.filter((x) => x !== containerId);
      const rec: NetworkRecord = { ...n, departed: next };
      if (!next.length) delete rec.departed;
      await this.store.save(rec);
    });
  }

  /** Whether a container is on `n` by its mode alone (the default bridge, not left). */
  impliedMember(n: NetworkRecord, containerId: string, networkMode: string): boolean {
    return n.predefined && n.driver === "bridge" && primaryNetworkName(networkMode) === n.name && !n.departed?.includes(containerId);
  }

  /** Docker's "dangling": a user network no running container has an endpoint on. */
  isDangling(n: NetworkRecord): boolean {
    return !n.predefined && !(this.hooks?.activeOn(n.id) ?? []).length;
  }

  membershipsOf(containerId: string): NetworkRecord[] {
    return this.list().filter((n) => n.members[containerId]);
  }

  async forgetContainer(containerId: string): Promise<void> {
    for (const n of this.membershipsOf(containerId)) await this.setMember(n.id, containerId, undefined);
    for (const n of this.list()) if (n.departed?.includes(containerId)) await this.setDeparted(n.id, containerId, false);
  }
}

function parseUntil(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const d = /^(\d+)(s|m|h)$/.exec(v);
  if (d) return Date.now() - Number(d[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[d[2] as "s" | "m" | "h"];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid filter 'until=${v.slice(0, 60)}'`);
  return t;
}

export function matchesLabels(labels: Record<string, string>, want: string[], notWant: string[]): boolean {
  const has = (f: string) => {
    const i = f.indexOf("=");
    return i < 0 ? f in labels : labels[f.slice(0, i)] === f.slice(i + 1);
  };
  return want.every(has) && !notWant.some(has);
}
